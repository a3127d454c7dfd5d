"""Core infrastructure tables: the event log and the job outbox."""
