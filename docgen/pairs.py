"""``字段=值`` command-line pairs: the one rule for splitting them (``--set``, ``--meta``, case edits)."""

from __future__ import annotations

from collections.abc import Iterable

from docgen.errors import ValidationError


def split_pair(pair: str) -> tuple[str, str] | None:
    """``"名=值"`` → ``("名", "值")`` (name stripped, value kept as typed); None when malformed."""
    name, sep, value = pair.partition("=")
    if not sep or not name.strip():
        return None
    return name.strip(), value


def shown(pair: str) -> str:
    """A pair as quoted back in an error message (long input cut to 40 characters)."""
    return pair if len(pair) <= 40 else pair[:40] + "…"


def parse_pairs(
    pairs: Iterable[str],
    *,
    option: str = "--set",
    form: str = "字段=值",
    error: type[ValidationError] = ValidationError,
) -> dict[str, str]:
    """Pairs → a dict (a repeated name keeps its last value); every malformed pair reported at once."""
    values: dict[str, str] = {}
    bad: list[str] = []
    for pair in pairs:
        split = split_pair(pair)
        if split is None:
            bad.append(f"{option} 的格式应为 {form}（收到“{shown(pair)}”）")
        else:
            values[split[0]] = split[1]
    if bad:
        raise error("\n".join(bad))
    return values
