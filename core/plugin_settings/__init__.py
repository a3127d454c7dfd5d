"""Plugin settings edited in the console: the forms plugins declare (``register.settings``),
their stored values (secrets encrypted), and ``read`` for plugins (``unionline.read_settings``)."""
