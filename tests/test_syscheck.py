"""The system check names every missing library and program with its Debian package, in Chinese."""

from __future__ import annotations

import subprocess
import sys

from docgen import syscheck


def test_this_machine_has_everything_set_up_installs() -> None:
    assert syscheck.missing() == []
    assert syscheck.weasyprint_problem() is None


def test_a_missing_library_is_named_with_its_package(monkeypatch) -> None:
    present = syscheck.Need("libharfbuzz-subset.so.0", "libharfbuzz-subset0", "WeasyPrint 字体子集")
    gone = syscheck.Need("libdocgen-nowhere.so.9", "libdocgen-nowhere9", "测试")
    monkeypatch.setattr(syscheck, "NEEDS", (present, gone))
    assert syscheck.missing() == [gone]
    message = syscheck.report([present, gone])
    assert "libharfbuzz-subset0" in message and "libdocgen-nowhere9" in message
    assert "apt-get install -y libharfbuzz-subset0 libdocgen-nowhere9" in message


def test_the_check_runs_with_the_standard_library_only() -> None:
    # make setup runs it with the system Python, before the virtualenv exists.
    code = "import sys, docgen.syscheck; print(sorted(m for m in sys.modules if m.startswith('docgen')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['docgen', 'docgen.syscheck']"
