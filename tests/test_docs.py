"""Docs kept in step with the code: the glossary lists every term, the README every command."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli import cli
from docgen.ledger.fields import FIELDS
from docgen.vocab import FLAGS, SECTION_LABELS

ROOT = Path(__file__).resolve().parents[1]


def test_glossary_lists_every_field_flag_and_section() -> None:
    glossary = (ROOT / "docs" / "glossary.md").read_text("utf-8")
    for spec in FIELDS:
        assert f"| {spec.label} | `{spec.name}` |" in glossary, spec.label
    for name, label in FLAGS.items():
        assert f"| {label} | `{name}` |" in glossary, label
    for label in SECTION_LABELS.values():
        assert label in glossary


def _leaf_commands(group: click.Group, prefix: str = "docgen") -> list[str]:
    out = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # click's API: the CLI imports commands lazily
        cmd = group.get_command(ctx, name)
        path = f"{prefix} {name}"
        if isinstance(cmd, click.Group):
            out.append(path)
            out.extend(_leaf_commands(cmd, path))
        else:
            out.append(path)
    return out


def test_readme_mentions_every_command() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    flat = readme.replace("-w 工作区目录 ", "")
    missing = [c for c in _leaf_commands(cli) if c not in flat]
    assert not missing, f"README.md does not document: {missing}"


def test_readme_starts_with_the_two_commands() -> None:
    lines = [
        line
        for line in (ROOT / "README.md").read_text("utf-8").splitlines()
        if line.startswith("make ")
    ]
    assert lines[0].startswith("make demo")
    assert lines[1].startswith("make test")
