"""Robots: automation rules per organization (trigger → conditions → actions) and their engine.

Plugins add actions with the ``register_robots`` hook (see :mod:`unionline.robots.sdk`).
"""
