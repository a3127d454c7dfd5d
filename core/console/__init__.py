"""The realtime operator console: websocket protocol, per-process fan-out hub, and the UI."""
