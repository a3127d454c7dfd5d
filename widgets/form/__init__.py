"""The site appeal form: ``form.js``, embedded with one script tag, served by the ``webform``
channel plugin (see docs/channels/webform.md)."""
