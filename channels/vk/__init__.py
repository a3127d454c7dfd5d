"""VK channel plugin (enable it as ``vk``): a community per channel account.

The VK API client (methods, uploads, Bots Long Poll) lives in :mod:`.client`.
"""
