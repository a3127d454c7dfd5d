"""Telegram channel plugin (enable it as ``telegram``): a bot per channel account.

The Bot API client lives in :mod:`.client`, the text helpers in :mod:`.text`.
"""
