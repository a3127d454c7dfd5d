"""Appeals: what members ask the union, their public numbers, lifecycle, timeline and search."""
