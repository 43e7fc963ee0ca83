"""flask-notes: a deliberately vulnerable note-taking service (snakeguard example)."""
