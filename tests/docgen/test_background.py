"""docgen.background: a function run in a fresh interpreter gives back its value or its error,
and never outlives the block that started it."""

from __future__ import annotations

import os
import pkgutil
from pathlib import Path

import pytest

import docgen.background
from docgen.archive.reports.rows import month_end
from docgen.atomic import write_text
from docgen.background import Background, cores
from docgen.errors import DocgenError, ValidationError

pytestmark = pytest.mark.skipif(cores() < 2, reason="one core: the function runs in the caller")


def test_value_comes_back_and_the_file_is_written(tmp_path: Path) -> None:
    target = tmp_path / "说明.txt"
    with Background(write_text, target, "统计表") as job:
        assert job.result() == target
    assert target.read_text("utf-8") == "统计表"
    assert [p.name for p in tmp_path.iterdir()] == ["说明.txt"]  # no temporary file left


def test_the_child_runs_the_callers_code() -> None:
    here = Background(pkgutil.resolve_name, "docgen.background:__file__").result()
    assert here == docgen.background.__file__


def test_what_the_function_prints_does_not_spoil_the_answer() -> None:
    assert Background(print, "统计表").result() is None


def test_errors_come_back_as_raised() -> None:
    with pytest.raises(ValidationError, match="月份“2024-13”无效") as caught:
        Background(month_end, "2024-13").result()
    assert caught.value.code == "bad_month"
    with pytest.raises(ValueError), Background(int, "十"):
        pass


def test_a_child_that_dies_is_told_in_chinese() -> None:
    with pytest.raises(DocgenError, match="统计表未能完成：后台进程意外退出（退出码 3）"):
        Background(os._exit, 3, what="统计表").result()


def test_a_failing_caller_waits_for_the_child(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    with pytest.raises(RuntimeError), Background(write_text, target, "x"):
        raise RuntimeError("the caller's own failure")
    assert target.read_text("utf-8") == "x"  # the child had finished: nothing writes later
