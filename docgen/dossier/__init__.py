"""Dossier PDFs from values: the frame pages (cover, contents, backing), composition, shared
fonts and scan pages. Takes values and files, never a workspace (that is docgen.archive.dossier)."""
