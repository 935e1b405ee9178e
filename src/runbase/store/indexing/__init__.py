"""Indexing: finding new segments, reading them from stored offsets, folding a run's
records, writing its rows."""
