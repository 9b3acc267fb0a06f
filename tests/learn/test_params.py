"""Colab's `# @param` form syntax: parsing every form, rejecting bad lines, writing values back.

tests/learn/param_cases.json is shared with the browser test that runs static/learn/controls.js
on the same cases, so the page and the server read a line the same way.
"""

import ast
import json
from pathlib import Path

import pytest

from learn import params

CASES = json.loads((Path(__file__).parent / "param_cases.json").read_text(encoding="utf-8"))
HOSTILE = [
    '"); import os #',
    "'); import os #",
    "a'b\"c",
    "back\\slash\\",
    "new\nline\nimport os",
    "\r\x00\x1b\x7f\x85\u2028\u2029",
    '"""',
    "'''",
    "\\N{BULLET}",
    "\\x41",
    "{__import__('os')}",
    "é ✓ 😀",
    '# @param {type:"number"}',
    "",
]


@pytest.mark.parametrize("case", CASES["parse"], ids=lambda c: c["source"][:40])
def test_shared_parse_cases(case):
    assert params.parse_form(case["source"]).as_dict() == case["form"]


@pytest.mark.parametrize("case", CASES["write"], ids=lambda c: f"{c['line'][:20]}={c['value']!r}")
def test_shared_write_cases(case):
    control = params.parse_form(case["line"]).controls[0]
    assert params.write_line(case["line"], control, case["value"]) == case["expected"]


def test_colab_documented_example_gives_every_field():
    form = params.parse_form(CASES["parse"][0]["source"])
    assert form.title == "Example form fields"
    assert form.markdown == ["Forms support many types of fields.", "---"]
    kinds = {control.name: control.type for control in form.controls}
    assert kinds == {
        "no_type_checking": "raw",
        "string_type": "string",
        "slider_value": "slider",
        "number": "number",
        "date": "string",
        "pick_me": "select",
        "select_or_input": "select",
    }
    assert not form.errors


def test_spacing_variants_of_the_marker():
    for comment in ("#@param", "# @param", "#  @param", "#\t@param"):
        form = params.parse_form(f'x = 2  {comment} {{type:"integer"}}')
        assert [(c.name, c.value) for c in form.controls] == [("x", 2)], comment


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('x = 1  # @param {type:"number"', "expected }"),
        ('x = 1  # @param {type:"slider", min:3, max:1}', "min 3 is greater than max 1"),
        ('x = 9  # @param {type:"slider", min:0, max:1}', "above the maximum 1"),
        ('x = 1  # @param {type:"dial"}', 'unknown type "dial"'),
        ('x = "c"  # @param ["a", "b"]', "not one of the options"),
        ('x = 1  # @param {type:"number"} junk', "unexpected text"),
        ('f(x)  # @param {type:"number"}', "must assign one name"),
    ],
)
def test_malformed_lines_are_errors_with_their_line(line, words):
    form = params.parse_form("import numpy as np\n" + line)
    assert form.controls == []
    assert [error.line for error in form.errors] == [2]
    assert words in form.errors[0].message


def test_allow_input_accepts_a_value_outside_the_list():
    form = params.parse_form('f = "kiwi"  # @param ["apple", "pear"] {allow-input: true}')
    assert form.controls[0].value == "kiwi"
    assert form.controls[0].options[-1] == {"label": "kiwi", "code": '"kiwi"'}


def test_the_spec_is_never_evaluated():
    form = params.parse_form("x = 1  # @param {type: __import__('os').system('true')}")
    assert form.controls == []
    assert form.errors


def _string_control():
    line = 's = "x"  # @param {type:"string"}'
    return line, params.parse_form(line).controls[0]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_stay_one_literal(text):
    line, control = _string_control()
    written = params.write_line(line, control, text)
    assert "\n" not in written
    assert "\r" not in written
    tree = ast.parse(written)
    assert len(tree.body) == 1
    assert isinstance(tree.body[0], ast.Assign)
    assert ast.literal_eval(tree.body[0].value) == text
    assert written.endswith('  # @param {type:"string"}')
    again = params.parse_form(written)
    assert [(c.name, c.value) for c in again.controls] == [("s", text)]


@pytest.mark.parametrize(
    ("value", "expected"), [(-3, "0.001"), (99, "2.0"), (0.1 + 0.2, "0.3"), (1.2345, "1.234")]
)
def test_numbers_are_clamped_and_written_at_step_precision(value, expected):
    line = 'lr = 0.1  # @param {type:"slider", min:0.001, max:2, step:0.001}'
    control = params.parse_form(line).controls[0]
    written = params.write_line(line, control, value)
    assert written == f'lr = {expected}  # @param {{type:"slider", min:0.001, max:2, step:0.001}}'


def test_only_the_value_changes_byte_for_byte():
    line = '\t  rate   =   0.5    #@param  {type :"slider",min: 0 ,max:1,step:0.25}  '
    control = params.parse_form(line).controls[0]
    written = params.write_line(line, control, 0.75)
    assert written == line.replace("0.5", "0.75", 1)


def test_select_writes_only_its_own_options():
    line = 'a = "relu"  # @param ["relu", "tanh"]'
    control = params.parse_form(line).controls[0]
    assert params.write_line(line, control, '"tanh"') == line.replace('"relu"', '"tanh"', 1)
    assert params.write_line(line, control, "__import__('os')") == line


def test_write_source_changes_one_line():
    source = 'import numpy as np\nk = 2  # @param {type:"slider", min:0, max:4}\nprint(k)'
    control = params.parse_form(source).controls[0]
    assert params.write_source(source, control, 3) == source.replace("k = 2", "k = 3")


def random_texts(count: int = 300) -> list[str]:
    """Seeded random strings over quotes, escapes, controls, separators and astral characters."""
    import random

    rng = random.Random(12)
    alphabet = list("\"'\\#{}()[];:=@ \t\n\r\x00\x0b\x1b\x7f\x85\u2028\u2029é✓😀aN0xu")
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(count)]


def test_random_strings_round_trip_as_one_literal():
    line, control = _string_control()
    for text in random_texts():
        written = params.write_line(line, control, text)
        tree = ast.parse(written)
        assert len(tree.body) == 1
        assert ast.literal_eval(tree.body[0].value) == text
        assert [c.value for c in params.parse_form(written).controls] == [text]
