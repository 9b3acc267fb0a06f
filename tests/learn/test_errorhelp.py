"""Error help (SPEC section 10): every kind of beginner error, through the real runner and the
run endpoint, on the fixture part decision-demo/01-grids (cells setup, make-lines, agreement)."""

import json

import pytest
from django.urls import reverse

from learn import errorhelp
from learn.sandbox import clean_output
from tests.learn.conftest import CONTENT, TRACK
from tests.sandbox.helpers import of_type

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db]
PART = "01-grids"


@pytest.fixture
def demo(sandbox, settings):
    settings.LESSONS_DIR = CONTENT
    return sandbox


def answer_of(client, code: str, cell: str = "agreement") -> dict:
    response = client.post(
        reverse("learn:run", args=[TRACK, PART]),
        data=json.dumps({"cell": cell, "code": code}),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    return response.json()


def help_of(client, code: str, cell: str = "agreement") -> dict:
    answer = answer_of(client, code, cell)
    assert answer["status"] == "error"
    assert "debug" not in of_type(answer, "error")[0]  # the findings only reach `help`
    return answer["help"]


def warm(client) -> None:
    """A kernel that has run the setup cell, so it is not fresh."""
    assert answer_of(client, "import numpy as np", cell="setup")["status"] == "ok"


def test_name_made_by_an_earlier_cell(demo, visitor):
    warm(visitor)
    help_ = help_of(visitor, "score = float((vertical * horizontal).sum())")
    assert help_["kind"] == "name-earlier-cell"
    assert help_["title"] == "Python doesn't know the name `vertical`"
    assert "`vertical` is made in cell 002, above" in help_["text"]
    assert "fresh" not in help_["text"]
    assert help_["cells"] == ["cell 002"]
    assert "Run the cells from cell 001 to cell 002, then run this cell again." in help_["text"]
    assert help_["run_cells"] == ["setup", "make-lines"]
    assert help_["run_label"] == "Run cells 001–002"
    assert help_["line"] == {
        "cell": "cell agreement",
        "number": 1,
        "text": "score = float((vertical * horizontal).sum())",
        "start": 15,
        "end": 23,
    }


def test_one_cell_to_run_is_named_once(demo, visitor):
    help_ = help_of(visitor, "np.zeros(3)", cell="make-lines")  # the setup cell imports np
    assert help_["kind"] == "name-earlier-cell", help_
    assert help_["run_cells"] == ["setup"]
    assert "Run cell 001, then run this cell again." in help_["text"]
    assert "from cell 001 to cell 001" not in help_["text"]


def test_running_the_cells_it_names_fixes_it(demo, visitor):
    help_ = help_of(visitor, "vertical.sum()")
    for cell in help_["run_cells"]:
        code = {"setup": "import numpy as np", "make-lines": "vertical = np.eye(3)"}[cell]
        assert answer_of(visitor, code, cell=cell)["status"] == "ok"
    assert answer_of(visitor, "vertical.sum()")["status"] == "ok"


def test_name_after_a_restart_says_the_kernel_is_fresh(demo, visitor):
    warm(visitor)
    assert answer_of(visitor, "noisy_lines = 1", cell="make-lines")["status"] == "ok"
    response = visitor.post(reverse("learn:kernel_restart", args=[TRACK, PART]))
    assert response.status_code == 200
    help_ = help_of(visitor, "print(noisy_lines)")
    assert help_["kind"] == "name-fresh-kernel"
    assert help_["title"] == "Python doesn't know the name `noisy_lines`"
    assert help_["text"].startswith("Your kernel is fresh")
    assert "the variables of earlier runs are gone" in help_["text"]
    assert help_["run_cells"] == ["setup", "make-lines"]


def test_name_in_a_fresh_kernel_that_an_earlier_cell_makes_says_both(demo, visitor):
    help_ = help_of(visitor, "vertical")
    assert help_["kind"] == "name-earlier-cell"
    assert help_["text"].startswith("Your kernel is fresh")
    assert "cell 002" in help_["text"]


def test_misspelt_name(demo, visitor):
    warm(visitor)
    assert answer_of(visitor, "vertical = np.eye(3)", cell="make-lines")["status"] == "ok"
    help_ = help_of(visitor, "verticle.sum()")
    assert help_["kind"] == "name-typo"
    assert "Did you mean `vertical`?" in help_["text"]


@pytest.mark.parametrize(
    ("code", "expr", "op", "left", "right", "words"),
    [
        (
            "W = np.ones((3, 9))\nx = np.ones(3)\ny = W @ x",
            "W @ x",
            "@",
            [3, 9],
            [3],
            "`@` needs the inner sizes to match: (3, 9) @ (3,): the last size of `W` (9) must "
            "equal the first size of `x` (3). Did you mean `W @ x` with `x` of length 9, or "
            "`W.T @ x`?",
        ),
        (
            "W = np.ones((3, 9))\nx = np.ones(3)\ny = np.dot(W, x)",
            "np.dot(W, x)",
            "dot",
            [3, 9],
            [3],
            "`np.dot` needs the inner sizes to match",
        ),
        (
            "a = np.ones((4, 3))\nb = np.ones(4)\nc = a + b",
            "a + b",
            "+",
            [4, 3],
            [4],
            "(4, 3) + (4,): `a` has 3 where `b` has 4",
        ),
        (
            "W = np.ones((3, 9))\nx = np.ones(9)\nb = np.ones(4)\nz = W @ x * b",
            "W @ x * b",
            "*",
            [3],
            [4],
            "`W @ x` has 3 where `b` has 4",
        ),
        (
            "img = np.ones((3, 9))\nflat = img.reshape(4, 7)",
            "img.reshape(4, 7)",
            "reshape",
            [3, 9],
            [4, 7],
            "`img` has shape (3, 9), so 27 numbers; shape (4, 7) holds 28.",
        ),
        (
            "a = np.ones((2, 3))\nb = np.ones((2, 4))\nc = np.concatenate([a, b], axis=0)",
            "np.concatenate([a, b], axis=0)",
            "concatenate",
            [2, 3],
            [2, 4],
            "`np.concatenate` joins arrays along axis 0",
        ),
        (
            "a = np.ones((2, 3))\nc = np.stack([a, a.T])",
            "np.stack([a, a.T])",
            "stack",
            [2, 3],
            [3, 2],
            "need exactly the same shape. Here: `a` (2, 3), `a.T` (3, 2).",
        ),
    ],
)
def test_shape_mismatches_report_the_operands(demo, visitor, code, expr, op, left, right, words):
    warm(visitor)
    help_ = help_of(visitor, code)
    assert help_["kind"] == "shape"
    assert help_["title"] == "The shapes of your arrays don't fit together"
    assert words in help_["text"]
    [shape] = help_["shapes"]
    assert (shape["expr"], shape["op"], shape["left"], shape["right"]) == (expr, op, left, right)
    assert help_["line"]["text"].endswith(expr)


def test_matmul_shapes_give_the_mismatched_axes(demo, visitor):
    warm(visitor)
    [shape] = help_of(visitor, "W = np.ones((3, 9))\nx = np.ones(3)\nW @ x")["shapes"]
    assert shape["operands"] == [
        {"expr": "W", "shape": [3, 9], "dtype": "float64"},
        {"expr": "x", "shape": [3], "dtype": "float64"},
    ]
    assert shape["highlight"] == {"left": [1], "right": [0]}


def test_shapes_inside_the_learners_own_function(demo, visitor):
    warm(visitor)
    code = (
        "class Layer:\n"
        "    def __init__(self):\n"
        "        self.weights = np.ones((2, 5))\n"
        "    def forward(self, x):\n"
        "        return self.weights @ x\n"
        "Layer().forward(np.ones(2))\n"
    )
    [shape] = help_of(visitor, code)["shapes"]
    assert (shape["expr"], shape["left"], shape["right"]) == ("self.weights @ x", [2, 5], [2])


def test_values_never_leave_the_kernel(demo, visitor):
    warm(visitor)
    secret = "sk-live-TOPSECRET-4242"
    assert answer_of(visitor, f"token = np.array(['{secret}'] * 4)", cell="make-lines")
    answer = answer_of(visitor, "pairs = token.reshape(3, 3)\n")
    assert answer["help"]["shapes"][0]["operands"][0] == {
        "expr": "token",
        "shape": [4],
        "dtype": "<U22",
    }
    assert secret not in json.dumps(answer)
    assert "TOPSECRET" not in json.dumps(answer)


def test_the_debugger_calls_nothing(demo, visitor):
    warm(visitor)
    code = (
        "calls = []\n"
        "class Sneaky:\n"
        "    @property\n"
        "    def w(self):\n"
        "        calls.append('property')\n"
        "        return np.ones((2, 2))\n"
        "    def __getattr__(self, name):\n"
        "        calls.append('getattr')\n"
        "        return np.ones(3)\n"
        "s = Sneaky()\n"
    )
    assert answer_of(visitor, code, cell="make-lines")["status"] == "ok"
    [shape] = help_of(visitor, "w = s.w\ny = w @ s.v @ s.w")["shapes"]
    assert shape["operands"][1] == {"expr": "s.v", "shape": None, "dtype": ""}
    # Only the learner's own `s.w` and `s.v` ran the property and __getattr__.
    printed = answer_of(visitor, "print(calls)")["outputs"][0]["text"]
    assert printed == "['property', 'getattr']\n"


def test_index_out_of_range(demo, visitor):
    warm(visitor)
    help_ = help_of(visitor, "grid = np.zeros((3, 3))\ngrid[3, 0]")
    assert help_["kind"] == "index"
    assert help_["title"] == "Index 3 is past the end of axis 0"
    words = "`grid` has 3 entries along axis 0, so the valid indexes there are 0 to 2"
    assert words in help_["text"]
    assert "Its shape is (3, 3)." in help_["text"]


def test_too_many_indexes(demo, visitor):
    warm(visitor)
    help_ = help_of(visitor, "row = np.zeros(3)\nrow[0, 1]")
    assert help_["title"] == "Too many indexes for this array"
    assert "`row` has 1 axis(es) but you gave 2 indexes" in help_["text"]


def test_calling_an_array(demo, visitor):
    warm(visitor)
    help_ = help_of(visitor, "weights = np.ones(3)\nweights(0)")
    assert help_["kind"] == "call-array"
    assert "`weights` is an array, and `weights(…)` calls it" in help_["text"]
    assert "`weights[…]`" in help_["text"]


def test_indexing_a_function(demo, visitor):
    warm(visitor)
    help_ = help_of(visitor, "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\nsigmoid[0]")
    assert help_["kind"] == "index-function"
    assert "`sigmoid` is a function: call it first" in help_["text"]


def test_uint8_pixels_divided_in_place(demo, visitor):
    warm(visitor)
    help_ = help_of(visitor, "img = np.full((2, 2), 200, dtype=np.uint8)\nimg /= 255")
    assert help_["kind"] == "dtype"
    assert help_["title"] == "The result is float64 but the array holds uint8"
    assert "`img` holds uint8 numbers" in help_["text"]


def test_uint8_cannot_hold_a_bigger_number(demo, visitor):
    warm(visitor)
    help_ = help_of(visitor, "img = np.full((2, 2), 200, dtype=np.uint8)\nbrighter = img + 300")
    assert help_["kind"] == "dtype"
    assert help_["title"] == "300 does not fit in uint8"
    assert "x.astype(float) / 255" in help_["text"]


def test_zero_division(demo, visitor):
    help_ = help_of(visitor, "count = 0\nmean = 10 / count")
    assert help_["kind"] == "zero-division"
    assert "The number you divided by is 0" in help_["text"]
    assert help_["line"]["text"] == "mean = 10 / count"


def test_syntax_error_points_at_the_learners_line(demo, visitor):
    help_ = help_of(visitor, "x = 1\nif x > 0\n    print(x)\n")
    assert help_["kind"] == "syntax"
    assert help_["title"] == "Python could not read line 2 of your code"
    assert "expected ':'" in help_["text"]
    assert "ends with `:`" in help_["text"]
    assert help_["line"]["number"] == 2
    assert help_["line"]["text"] == "if x > 0"
    assert help_["line"]["start"] == 8


def test_indentation_error(demo, visitor):
    help_ = help_of(visitor, "for i in range(3):\nprint(i)\n")
    assert help_["kind"] == "syntax"
    assert "indentation" in help_["text"]
    assert help_["line"]["text"] == "print(i)"


def test_a_plot_without_plt_show_is_not_an_error(demo, visitor):
    answer = answer_of(visitor, "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])")
    assert answer["status"] == "ok"
    assert "help" not in answer
    assert len(of_type(answer, "display_data")) == 1


def test_other_errors_are_named_in_words(demo, visitor):
    help_ = help_of(visitor, "d = {'a': 1}\nd['b']")
    assert help_ == {
        "kind": "general",
        "title": "Python stopped with a KeyError",
        "text": errorhelp.GENERAL["KeyError"],
        "line": {"cell": "cell agreement", "number": 2, "text": "d['b']", "start": 0, "end": 6},
    }


def test_streamed_runs_carry_help_on_the_result(demo, visitor):
    response = visitor.post(
        reverse("learn:run", args=[TRACK, PART]),
        data=json.dumps({"cell": "agreement", "code": "vertical"}),
        content_type="application/json",
        HTTP_ACCEPT="application/x-ndjson",
    )
    events = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert events[-1]["type"] == "result"
    assert events[-1]["help"]["run_label"] == "Run cells 001–002"
    errors = [e for e in events if e["type"] == "output" and e["output"]["output_type"] == "error"]
    assert len(errors) == 1
    assert "debug" not in errors[0]["output"]


def test_help_for_a_scratch_cell_counts_every_lesson_cell_as_above():
    # What the lab page's scratch cells (and any other view) get from the same function.
    error = {"output_type": "error", "ename": "NameError", "evalue": "name 'np' is not defined"}
    help_ = errorhelp.help_for(error, track=TRACK, part="02-neuron", cell_id="scratch-1")
    assert help_["kind"] == "name-earlier-cell"
    assert help_["run_cells"] == ["setup"]
    assert help_["run_label"] == "Run cell 001"


@pytest.mark.parametrize(
    ("debug", "expected"),
    [
        ({"shapes": "many"}, {"filename": "", "line": ""}),
        (
            {"shapes": [{"expr": 3, "operands": [{"shape": ["x"], "dtype": 5}], "left": [1.5]}]},
            {
                "filename": "",
                "line": "",
                "shapes": [
                    {
                        "expr": "",
                        "op": "",
                        "operands": [{"expr": "", "shape": None, "dtype": ""}],
                        "left": None,
                    }
                ],
            },
        ),
        (
            {"lineno": -4, "col": "2", "line": 7, "similar": ["ok_name", "not a name", 7]},
            {"filename": "", "line": "", "similar": ["ok_name"]},
        ),
        (
            {"shapes": [{"right": list(range(100)), "operands": [], "axis": 99}]},
            {
                "filename": "",
                "line": "",
                "shapes": [{"expr": "", "op": "", "operands": [], "right": None}],
            },
        ),
        ({"filename": "<cell 002>", "callee": "W"}, {"filename": "<cell 002>", "line": ""}),
    ],
)
def test_the_site_checks_every_field_of_the_findings(debug, expected):
    output = {"output_type": "error", "ename": "ValueError", "evalue": "", "traceback": []}
    assert clean_output({**output, "debug": debug})["debug"] == expected


def test_a_name_after_a_lost_kernel_says_it_is_fresh():
    error = {"output_type": "error", "ename": "NameError", "evalue": "name 'score' is not defined"}
    help_ = errorhelp.help_for(
        error, track=TRACK, part=PART, cell_id="agreement", kernel_state="lost"
    )
    assert help_["kind"] == "name-fresh-kernel"
    assert help_["text"].startswith("Your kernel is fresh")
    assert help_["run_cells"] == ["setup", "make-lines"]


def test_an_error_answer_without_an_error_output_still_carries_help():
    # A kernel that had to be replaced: the runner names the cells to run again.
    result = {
        "t": "result",
        "status": "error",
        "message": "The kernel stopped unexpectedly. Re-run these cells first: setup, make-lines.",
        "rerun": ["make-lines", "setup", "not-a-cell"],
        "kernel": {"state": "restarted"},
    }
    [event] = errorhelp.with_help(iter([result]), track=TRACK, part=PART, cell_id="agreement")
    assert event["help"] == {
        "kind": "kernel",
        "title": "The kernel stopped, and its variables are gone",
        "text": result["message"],
        "run_cells": ["setup", "make-lines"],
        "run_label": "Run cells 001–002",
    }


def test_the_runner_being_down_is_said_in_words(demo, visitor, settings, tmp_path):
    settings.SANDBOX_SOCKET = tmp_path / "nobody-listens.sock"
    response = visitor.post(
        reverse("learn:run", args=[TRACK, PART]),
        data=json.dumps({"cell": "agreement", "code": "1"}),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 503
    assert response.json()["help"]["title"] == "The code runner is not available"
