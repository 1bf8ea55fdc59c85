"""docgen: the 信访积案 paper toolkit.

One import name over four folders: ``docgen`` (values in, files out), ``docgen.archive`` (the
workspace, folder ``archive/``), ``docgen.index`` (search, folder ``index/``) and ``docgen.templates``
(folder ``templates/``). An installed wheel maps the folders (setup.py ``package_dir``); a source
checkout put on ``sys.path`` (``PYTHONPATH=.``, ``python -m docgen`` at the root) finds them through
the package path below, the way ``pkgutil.extend_path`` extends a package over several folders.
"""

from pathlib import Path

__version__ = "0.1.0"

_CHECKOUT = Path(__file__).resolve().parent.parent
if (_CHECKOUT / "setup.py").is_file() and (_CHECKOUT / "archive" / "__init__.py").is_file():
    __path__.append(str(_CHECKOUT))
