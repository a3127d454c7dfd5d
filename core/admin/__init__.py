"""Administration API: installed plugins, the job outbox and its dead letters."""
