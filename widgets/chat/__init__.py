"""The chat widget (``chat.js``), served by the ``web`` channel at ``/widget/chat.js``."""
