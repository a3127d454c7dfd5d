"""Optional plugins switched on or off in the console: the stored choices (read by every process
at its start: :mod:`unionline.startup_choices`), the switch's API, and what waits for a restart."""
