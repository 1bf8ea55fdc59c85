"""Report values → files: the 统计表 (.xlsx with native charts), SVG charts, the 月报 and progress
papers (.docx → PDF through the paper pipeline). Takes values only; the catalog queries are in
``archive.reports``."""
