"""URL → bytes for WeasyPrint, served only from the project's template and font folders.

Anything else (``file:///etc/passwd``, ``http://``, a path escaping the folders through ``..`` or
a symlink) is refused and recorded, so a template or a field value cannot read local files or
reach the network.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from weasyprint.urls import URLFetcher, URLFetcherResponse


class RefusedURL(ValueError):
    """Raised for a URL outside the allowed folders (WeasyPrint logs it and skips the resource)."""


class FolderFetcher(URLFetcher):
    """Serves ``file:`` URLs under ``roots`` and ``data:`` URLs; refuses everything else."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols=["file", "data"])
        self.roots = [root.resolve() for root in roots]
        self.refused: list[str] = []

    def allows(self, url: str) -> bool:
        parsed = urlparse(url)
        if parsed.scheme == "data":
            return True
        if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parsed.path)).resolve()
        return any(path.is_relative_to(root) for root in self.roots) and path.is_file()

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:  # type: ignore[no-untyped-def]
        if not self.allows(url):
            self.refused.append(url)
            raise RefusedURL(f"拒绝读取模板和字体目录以外的资源：{url}")
        return super().fetch(url, headers)
