"""Organizations: the federation tree (federation → committees → primary organizations)."""
