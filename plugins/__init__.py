"""First-party feature plugins; each sub-package is enabled by its folder name."""
