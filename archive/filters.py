"""Filter values checked against the workspace's vocabularies: never a silent 0 for a typo.

``check_filters`` is the one rule for ``docgen search``, ``case list``, ``ledger export`` and the
web app's /cases and /search: a status, 问题类别 or 归类 is put in its canonical form (synonyms
such as 在办 → 办理中, suffixes such as 组织人事问题类 → 组织人事); a 问题类别 that is the name of
a 归类 filters by that 归类 (the campaign's 组织人事问题类 means every category in it); a 责任单位
goes through the alias table (区人社局 → 区人力资源和社会保障局) and must name a unit the catalog
holds. Anything else is refused with the allowed values listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from docgen.archive.settings import load_vocabularies
from docgen.errors import ValidationError
from docgen.model import Case
from docgen.vocab import GROUPS, units_named

if TYPE_CHECKING:
    from docgen.archive.cases import CaseFilter
    from docgen.archive.workspace import Workspace

#: ``--date-field`` names → the index's date fields; 登记 is the default. A case's three dates
#: apply to its record and its documents; 成文 (a document's date) to documents only.
DATE_FIELD_NAMES = {"登记": "registered", "受理": "accepted", "交办": "assigned", "成文": "written"}
DEFAULT_DATE_FIELD = "登记"
#: How many catalog units a refusal lists before “等 N 个”.
UNITS_LISTED = 30


class FilterError(ValidationError):
    code = "filter"


@dataclass(frozen=True)
class FilterValues:
    """Canonical filter values (None where not given)."""

    status: str | None = None
    category: str | None = None
    group: str | None = None
    unit: str | None = None
    """As the user wrote it (substring filters) or the alias table's full name."""
    unit_names: tuple[str, ...] = ()
    """The catalog's full unit names the ``unit`` value selects."""


def _vocab_value(vocabs: Any, kind: str, value: str) -> str:
    vocab = vocabs[kind]
    found = vocab.lookup(value)
    if found is None:
        raise FilterError(f"{vocab.label}“{value}”不是可选值，可选：{vocab.allowed()}")
    return found


def check_filters(
    ws: Workspace,
    *,
    status: str | None = None,
    category: str | None = None,
    group: str | None = None,
    unit: str | None = None,
) -> FilterValues:
    """The canonical form of each given filter value, or FilterError naming the allowed ones."""
    vocabs = load_vocabularies(ws)
    status = _vocab_value(vocabs, "status", status) if status and status.strip() else None
    group = _vocab_value(vocabs, "group", group) if group and group.strip() else None
    if category and category.strip():
        category = _vocab_value(vocabs, "category", category)
        if category in GROUPS:  # 组织人事问题类: the 归类, i.e. every category in it
            if group and group != category:
                raise FilterError(f"问题类别“{category}”与归类“{group}”矛盾：请只给出其中一个")
            category, group = None, category
    else:
        category = None
    names: tuple[str, ...] = ()
    if unit and unit.strip():
        unit = unit.strip()
        full = vocabs["unit"].lookup(unit) or unit
        with ws.read_session() as session:
            held = sorted(u for u in session.scalars(select(Case.unit).distinct()) if u)
        aliases = dict(vocabs["unit"].synonyms)
        names = tuple(u for u in held if full == u or unit in u or u in units_named(unit, aliases))
        if not names:
            shown = "、".join(held[:UNITS_LISTED]) or "（目录中尚无案件）"
            more = f"等 {len(held)} 个" if len(held) > UNITS_LISTED else ""
            raise FilterError(
                f"责任单位“{unit}”不在目录中（已按简称对照表查找），目录中的责任单位：{shown}{more}"
            )
        unit = full if full != unit else unit
    return FilterValues(status, category, group, unit or None, names)


def one_unit(values: FilterValues) -> str | None:
    """The single full unit name an exact-match filter (search) needs, or FilterError."""
    if not values.unit:
        return None
    if values.unit in values.unit_names:
        return values.unit
    if len(values.unit_names) == 1:
        return values.unit_names[0]
    raise FilterError(
        f"有多个责任单位含“{values.unit}”：{'、'.join(values.unit_names)}，请写出其中一个的全称"
    )


def checked_case_filter(
    ws: Workspace,
    *,
    status: str | None = None,
    category: str | None = None,
    group: str | None = None,
    unit: str | None = None,
    **rest: Any,
) -> CaseFilter:
    """A ``CaseFilter`` with checked values (``rest``: its other fields)."""
    from docgen.archive.cases import CaseFilter

    v = check_filters(ws, status=status, category=category, group=group, unit=unit)
    return CaseFilter(status=v.status, category=v.category, group=v.group, unit=v.unit, **rest)


def check_case_filter(ws: Workspace, flt: CaseFilter) -> CaseFilter:
    """``flt`` with its vocabulary values checked."""
    from dataclasses import asdict

    return checked_case_filter(ws, **asdict(flt))
