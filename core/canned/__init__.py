"""Canned replies: shared ones per organization subtree and each operator's own, on the server."""
