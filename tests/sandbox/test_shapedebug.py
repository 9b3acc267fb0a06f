"""sandbox/shapedebug.py on its own (the run-endpoint tests in tests/learn/test_errorhelp.py
drive it through the real runner): it reports shapes, and never runs the learner's code."""

import linecache

import numpy as np
import pytest

from sandbox import shapedebug


def failing(code: str, namespace: dict | None = None) -> dict:
    filename = "<cell 007>"
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    namespace = {"np": np, **(namespace or {})}
    with pytest.raises(Exception) as caught:
        exec(compile(code, filename, "exec"), namespace)  # noqa: S102
    return shapedebug.describe(caught.value)


class Tricky(np.ndarray):
    """An array subclass whose Python-level shape and attributes must not run."""

    calls: list = []

    @property
    def shape(self):
        Tricky.calls.append("shape")
        return (99,)

    @property
    def T(self):  # noqa: N802
        Tricky.calls.append("T")
        return self


def test_shapes_of_a_subclass_come_from_the_c_getter():
    tricky = np.ones((2, 3)).view(Tricky)
    debug = failing("tricky @ np.ones(2)", {"tricky": tricky})
    assert debug["shapes"][0]["left"] == [2, 3]
    debug = failing("tricky.T @ np.ones(2)", {"tricky": tricky})
    assert debug["shapes"][0]["left"] == [3, 2]  # inferred: the subclass's .T is not read
    assert Tricky.calls == ["T"]  # once, by the learner's own line


def test_only_the_learners_frame_is_inspected():
    debug = failing("np.ones((2, 2)).reshape(3)")
    assert debug["filename"] == "<cell 007>"
    assert debug["line"] == "np.ones((2, 2)).reshape(3)"
    # The receiver is a call: not evaluated, so its shape is unknown; the wanted shape is known.
    assert debug["shapes"][0]["left"] is None
    assert debug["shapes"][0]["right"] == [3]


def test_matmul_results_are_inferred_not_computed():
    namespace = {"a": np.ones((4, 5)), "b": np.ones((5, 6)), "c": np.ones(7)}
    debug = failing("a @ b + c", namespace)
    left = debug["shapes"][0]["operands"][0]
    assert left == {"expr": "a @ b", "shape": [4, 6], "dtype": "float64"}


def test_fancy_indexes_are_not_evaluated():
    namespace = {"grid": np.ones((3, 3)), "picks": np.array([0, 2])}
    debug = failing("grid[picks] @ np.ones(2)", namespace)
    assert debug["shapes"][0]["left"] is None


def test_an_error_outside_the_learners_code_has_no_findings():
    with pytest.raises(ValueError, match="no learner frame") as caught:
        raise ValueError("no learner frame")
    assert shapedebug.describe(caught.value) is None
