"""index: Chinese full-text search over the archive (takes text + fields, knows nothing of docgen)."""
