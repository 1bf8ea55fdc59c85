"""A plain ``pip install .`` ships everything the program reads at run time (templates, migrations)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# folder in the checkout -> where the wheel puts it (setup.py maps the folders under docgen/)
DATA_DIRS = {
    "templates": "docgen/templates",
    "archive/migrations": "docgen/archive/migrations",
    "docgen/data": "docgen/data",
}


def _data_files() -> set[str]:
    files = set()
    for folder, installed in DATA_DIRS.items():
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and not path.name.startswith("."):
                files.add(f"{installed}/{path.relative_to(ROOT / folder).as_posix()}")
    return files


def test_wheel_contains_templates_migrations_and_data(tmp_path: Path) -> None:
    # build from a copy: setuptools reuses a checkout's build/ folder, and one left by an older
    # layout would put its stale top-level packages into the wheel
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", "demo-workspace"))  # fmt: skip
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
         "-q", "-w", str(tmp_path)],
        check=True, capture_output=True, cwd=tmp_path,
    )  # fmt: skip
    wheel = next(tmp_path.glob("docgen-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(_data_files() - names)
    assert not missing, f"not in the wheel: {missing}"
    top_level = {
        name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")
    }
    assert top_level == {"docgen"}, top_level  # one import name: docgen.archive, docgen.index, …
