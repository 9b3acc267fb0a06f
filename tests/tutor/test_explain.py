"""The built-in error explainer, one case per kind of error it knows."""

import pytest

from learn.content import library
from tutor.explain import defining_cell, describe_variable, explain_error


@pytest.fixture
def part(settings):
    settings.LESSONS_DIR = settings.BASE_DIR / "lessons_content"
    return library().part("brains-decision-committee", "05-training")


def error(ename: str, evalue: str) -> dict:
    return {"cell": "setup", "ename": ename, "evalue": evalue, "traceback": []}


def test_a_name_an_earlier_cell_defines(part):
    text = explain_error(error("NameError", "name 'noisy_lines' is not defined"), part)
    assert "Python doesn't know the name `noisy_lines`" in text
    assert "defined in cell 001" in text
    assert defining_cell(part, "HAND_WEIGHTS") == "cell 001"


def test_an_unknown_name(part):
    text = explain_error(error("NameError", "name 'nosiy' is not defined"), part)
    assert "Check the spelling" in text


@pytest.mark.parametrize(
    ("ename", "evalue", "words"),
    [
        ("ValueError", "matmul: Input operand 1 has a mismatch in its core dimension", "shapes"),
        ("ValueError", "operands could not be broadcast together", "shapes"),
        ("ValueError", "cannot reshape array of size 9 into shape (4,)", "shapes"),
        ("IndexError", "index 9 is out of bounds for axis 0 with size 9", "0 to n − 1"),
        ("TypeError", "'numpy.ndarray' object is not callable", "square brackets"),
        ("TypeError", "'function' object is not subscriptable", "call it with"),
        ("SyntaxError", "invalid syntax", "caret"),
        ("IndentationError", "unexpected indent", "caret"),
        ("ZeroDivisionError", "division by zero", "denominator"),
        ("RuntimeError", "something else", "last line of the traceback"),
    ],
)
def test_error_kinds(part, ename, evalue, words):
    text = explain_error(error(ename, evalue), part)
    assert f"`{ename}: {evalue}`" in text
    assert words in text


def test_variables_in_words():
    assert (
        describe_variable({"name": "X", "type": "ndarray", "shape": (60, 9), "dtype": "float64"})
        == "`X`: array (60, 9) float64"
    )
    assert (
        describe_variable({"name": "lr", "type": "float", "value": "0.1"}) == "`lr` = 0.1 (float)"
    )
    assert describe_variable({"name": "w", "type": "list", "len": 3}) == "`w`: list of length 3"
