"""Plugins used by the test suite, made installable with ``UNIONLINE_PLUGIN_PATHS``."""
