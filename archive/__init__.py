"""archive: the workspace on disk — catalog, case folders, atomic writes, numbering, audit log."""
