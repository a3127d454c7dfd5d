"""First-party channel plugins; each sub-package is enabled by its folder name."""
