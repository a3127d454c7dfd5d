"""Satisfaction: the member's 1–5 rating of a resolved appeal, asked by a robot on the member's
own channel, and a supervisor's own 1–5 rating beside it; both reported per operator."""
