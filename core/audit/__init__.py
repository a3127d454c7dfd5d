"""Audit log: who read or changed which member's personal data, when and from where."""
