"""Members: the people the union serves, their contact points and identity resolution."""
