"""Reports over a workspace: the catalog as of a day → ``docgen.reports`` figures and files."""
