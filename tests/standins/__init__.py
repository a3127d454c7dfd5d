"""Provider stand-ins for tests: loopback servers that answer as the real providers document.

``standins.telegram`` (Bot API) and ``standins.vk`` (VK API: methods, Bots Long Poll, Callback
API pusher). Each runs in a thread of its own, keeps a record of what it was sent and answers
with the provider's errors on demand.
"""
