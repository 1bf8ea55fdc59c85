"""Search errors: failure cause → exception carrying a Chinese message for the user.

Every exception raised on purpose by the ``index`` package derives from :class:`SearchError`
and has a ``.message`` in Chinese that a CLI can print as is. Messages never contain the
query text or document text, so personal data (ID numbers, phones) cannot leak into logs.
"""

from __future__ import annotations


class SearchError(Exception):
    """Base class; ``message`` is the Chinese text shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class QueryTooLong(SearchError):
    """The query string or its number of terms is over the limit."""


class QuerySyntaxError(SearchError):
    """The query string cannot be parsed (unbalanced quotes or brackets, dangling operator)."""


class IndexNeedsRebuild(SearchError):
    """The index is missing, corrupt, or was built with another schema or analyzer.

    The caller should run ``SearchIndex.rebuild(...)`` from the archive (``docgen index rebuild``).
    """


class IndexLocked(SearchError):
    """Another process kept the index write lock longer than the retry budget."""
