"""Browser code members see on a union's site (``widgets/`` → ``unionline.widgets``).

Each sub-folder is one widget: plain ES scripts and styles, no build step, no CDN, served by the
channel plugin that owns it from this package's data (``form/`` by the ``webform`` channel).
"""
