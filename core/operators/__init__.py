"""Operators: staff accounts, role grants over organization subtrees, sessions, API tokens."""
