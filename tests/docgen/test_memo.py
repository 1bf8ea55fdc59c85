"""docgen.memo: values kept per version; files read again when they change, however fast."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from docgen import memo
from docgen.memo import FileMemo, VersionedMemo


def test_a_value_is_given_back_only_at_its_version() -> None:
    made: list[int] = []
    m: VersionedMemo[int] = VersionedMemo(size=2)

    def make(n: int):  # type: ignore[no-untyped-def]
        return lambda: made.append(n) or n

    assert m.get("a", 1, make(1)) == 1
    assert m.get("a", 1, make(2)) == 1
    assert m.get("a", 2, make(3)) == 3  # another version: made again
    m.get("b", 2, make(4))
    m.get("c", 2, make(5))  # "a" was the least recently used of three
    assert m.get("a", 2, make(6)) == 6
    assert made == [1, 3, 4, 5, 6]


def test_threads_asking_at_once_wait_for_one_make() -> None:
    m: VersionedMemo[str] = VersionedMemo()
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def slow() -> str:
        calls.append("made")
        started.set()
        release.wait(10)
        return "页面"

    got: list[str] = []
    first = threading.Thread(target=lambda: got.append(m.get("case", 7, slow)))
    first.start()
    started.wait(10)
    others = [threading.Thread(target=lambda: got.append(m.get("case", 7, slow))) for _ in range(3)]
    for t in others:
        t.start()
    release.set()
    for t in (first, *others):
        t.join(10)
    assert got == ["页面"] * 4 and calls == ["made"]

    def broken() -> str:
        raise ValueError("坏")

    with pytest.raises(ValueError):
        m.get("other", 7, broken)
    assert m.get("other", 7, lambda: "好") == "好"  # a failure is not remembered, nor waited on


def test_a_file_is_read_again_when_it_changes(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    reads: list[str] = []

    def load(path: Path) -> str:
        text = path.read_text("utf-8") if path.exists() else "（无）"
        reads.append(text)
        return text

    files = FileMemo(load)
    path = tmp_path / "vocabulary.json"
    assert files(path) == files(path) == "（无）" and len(reads) == 1  # absence is remembered
    path.write_text("一", "utf-8")
    assert files(path) == "一"
    path.write_text("二", "utf-8")  # within the same clock tick, same size: still seen
    assert files(path) == files(path) == "二" and len(reads) == 4  # fresh: read every time
    monkeypatch.setattr(memo, "RACY_NS", -(10**18))  # every file counts as settled from now on
    assert files(path) == files(path) == "二" and len(reads) == 5
    tmp = tmp_path / "new.json"
    tmp.write_text("三", "utf-8")
    tmp.replace(path)  # an atomic replace: a new inode
    assert files(path) == "三"
    path.unlink()
    assert files(path) == "（无）"
