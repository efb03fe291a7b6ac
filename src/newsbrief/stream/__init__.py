"""The stream and its store: ingest, syndicated copies, events and storylines in SQLite."""
