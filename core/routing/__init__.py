"""Routing: queues, operator presence, and the engine that hands appeals to operators."""
