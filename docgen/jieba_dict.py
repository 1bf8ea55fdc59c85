"""jieba instances with the default dictionary, one dictionary load fewer per process.

Importing rjieba builds an instance of its own (loading the default dictionary, ~0.1 s), and each
``rjieba.Jieba()`` loads it again. Search (``docgen.index.analysis``, which adds the workspace's
words to its instance) and title breaking (``docgen.papers.title_breaks``, which must not see
them) each need an instance of their own: :func:`own_jieba` gives the first caller in the process
the one rjieba built at import, and every later caller a new one, so a ``paper make`` that indexes
its paper loads the dictionary once, not twice. Nothing else of docgen calls rjieba's module-level
functions (``rjieba.cut``…), which use that instance. Imports nothing of docgen, so the search
layer may use it (tests/test_layering.py).
"""

from __future__ import annotations

import threading

import rjieba

_lock = threading.Lock()
_import_instance_given = False


def own_jieba() -> rjieba.Jieba:
    """A jieba instance with the default dictionary that no other caller is given (the caller
    may add words to it)."""
    global _import_instance_given
    with _lock:
        if not _import_instance_given:
            _import_instance_given = True
            built = getattr(rjieba.cut, "__self__", None)  # rjieba.cut is its instance's method
            if isinstance(built, rjieba.Jieba):
                return built
    return rjieba.Jieba()
