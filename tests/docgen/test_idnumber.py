import pytest

from docgen import idnumber


@pytest.mark.parametrize(
    "value",
    ["11010519491231002X", "440524188001010014", "34052419800101001x", "370101190102039973"],
)
def test_valid_numbers_pass_the_check_digit(value: str) -> None:
    assert idnumber.problem(value) is None


def test_wrong_check_digit_names_the_expected_one() -> None:
    assert idnumber.problem("110105194912310021") == "校验位错误（按 GB 11643 应为 X）"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("1101051949123100", "应为 18 位"),
        ("110105194913310028", "出生日期"),
        ("11010519491231A02X", "前 17 位"),
    ],
)
def test_shape_and_date_problems(value: str, fragment: str) -> None:
    assert fragment in (idnumber.problem(value) or "")


def test_mask_keeps_first_six_and_last_four() -> None:
    assert idnumber.mask("11010519491231002x") == "110105********002X"
