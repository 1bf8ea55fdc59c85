"""The one ``字段=值`` rule shared by ``--set``, ``--meta`` and case edits."""

import pytest

from docgen.archive.attachments import AttachError, parse_meta
from docgen.errors import ValidationError
from docgen.ledger.parse import parse_assignments
from docgen.pairs import parse_pairs, split_pair


def test_split_pair_strips_the_name_and_keeps_the_value() -> None:
    assert split_pair(" 事由 = a=b ") == ("事由", " a=b ")
    assert split_pair("无等号") is None
    assert split_pair(" =值") is None


def test_every_malformed_pair_is_reported_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_pairs(["好=1", "坏", "=也坏"], option="--set")
    assert str(caught.value).splitlines() == [
        "--set 的格式应为 字段=值（收到“坏”）",
        "--set 的格式应为 字段=值（收到“=也坏”）",
    ]


def test_a_long_pair_is_cut_in_the_message() -> None:
    with pytest.raises(ValidationError, match="…"):
        parse_pairs(["长" * 100])


def test_meta_keeps_json_values_typed_and_errors_as_attach_errors() -> None:
    assert parse_meta(["页=[1, 2]", "盖章=true", "名=张三"]) == {
        "页": [1, 2],
        "盖章": True,
        "名": "张三",
    }
    with pytest.raises(AttachError, match="--meta 的格式应为 键=值"):
        parse_meta(["缺等号"])


def test_case_edits_use_the_same_split() -> None:
    with pytest.raises(ValidationError, match="应写成 字段=值"):
        parse_assignments([" =张三"])
