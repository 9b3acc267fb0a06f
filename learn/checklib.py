"""Helpers that exercise checks are written with.

This module is plain Python with NumPy and nothing else: its source is sent into the learner's
kernel (where a check runs in its own namespace, next to the learner's globals) and copied into
the setup cell of every exported notebook, where `check("<id>")` uses it in plain Jupyter and
Colab. Never import Django or anything of the site here.

A check is a few statements. It passes when it finishes; it fails at the first helper that
raises `CheckFailed`, whose message speaks about the learner's own values:

    expect_array("vertical_middle", shape=(3, 3), why="an image here is 3 rows of 3 pixels")
    expect_function("sigmoid", [(0, 0.5), (2, 0.8808)])
"""

import numpy as np

GENERIC = "Not quite yet: your answer does not pass the check."


class CheckFailed(Exception):  # noqa: N818 - the name check authors read
    """A learner's answer is wrong; the message says how."""


def fail(message: str = GENERIC) -> None:
    raise CheckFailed(message)


def expect(condition, message: str = GENERIC) -> None:
    """Fail with `message` unless `condition` holds."""
    if not condition:
        fail(message)


def need(name: str):
    """The learner's value of `name`, or a failure that asks them to define it."""
    if name not in learner:  # noqa: F821 - `learner` is put in the check's namespace
        fail(f"Define `{name}` before checking: run your cell with it first.")
    return learner[name]  # noqa: F821


def _number(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    return repr(value)


def _as_array(name: str, value) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except OverflowError:
        fail(f"`{name}` holds a number too large for a float (the largest is about 1.8e308).")
    except (TypeError, ValueError, RecursionError):  # RecursionError: lists nested very deep
        fail(f"`{name}` should hold numbers; yours is {type(value).__name__} {_brief(value)}.")
    return array


def _brief(value) -> str:
    """The start of a value's repr, or words when it has none (too deep, or it raises)."""
    try:
        return f"{value!r:.60}"
    except Exception:  # noqa: BLE001 - a repr that recurses too deep or raises
        return "(it cannot be printed)"


def _close(got, want, tol: float) -> bool:
    return bool(np.allclose(got, want, rtol=tol, atol=tol, equal_nan=False))


def _difference(name: str, got: np.ndarray, want: np.ndarray, tol: float) -> str:
    """Words for how `got` differs from `want` (same shape): a sign, a transpose, an entry."""
    if _close(-got, want, tol) and not _close(want, 0 * want, tol):
        return f"`{name}` has the right size but the opposite sign: check a minus sign."
    if got.ndim == 2 and got.shape[0] == got.shape[1] and _close(got.T, want, tol):
        return f"`{name}` is transposed: rows and columns are swapped."
    if not np.all(np.isfinite(got)):
        return f"`{name}` contains nan or inf: something divided by zero or overflowed."
    bad = np.argwhere(~np.isclose(got, want, rtol=tol, atol=tol))
    index = tuple(int(i) for i in bad[0]) if got.ndim else ()
    where = f"{name}[{', '.join(map(str, index))}]" if index else name
    return f"`{where}` is {_number(got[index])}; it should be {_number(want[index])}."


def expect_shape(name: str, shape: tuple, *, why: str = ""):
    """The learner's `name` is an array of `shape`; returns it as an array."""
    array = _as_array(name, need(name))
    if array.shape != tuple(shape):
        because = f" — {why}" if why else ""
        fail(f"Your `{name}` has shape {array.shape}; it should be {tuple(shape)}{because}.")
    return array


def expect_array(name: str, expected=None, *, shape=None, why: str = "", tol: float = 1e-6):
    """The learner's `name` has `shape` (or expected's) and, when given, `expected`'s values."""
    want = None if expected is None else np.asarray(expected, dtype=float)
    target = shape if shape is not None else (None if want is None else want.shape)
    array = expect_shape(name, target, why=why) if target is not None else None
    if array is None:
        array = _as_array(name, need(name))
    if want is not None and not _close(array, want, tol):
        fail(_difference(name, array, want, tol))
    return array


def expect_close(name: str, expected, *, tol: float = 1e-6, why: str = ""):
    """The learner's scalar `name` equals `expected` within `tol`."""
    value = need(name)
    got = _as_array(name, value)
    if got.shape != ():
        fail(f"`{name}` should be a single number; yours has shape {got.shape}.")
    if not _close(got, expected, tol):
        because = f" ({why})" if why else ""
        if _close(-got, expected, tol) and expected != 0:
            fail(f"`{name}` is {_number(value)}: the right size, the wrong sign{because}.")
        fail(f"`{name}` is {_number(value)}; it should be {_number(expected)}{because}.")
    return value


def _call_text(name: str, args: tuple) -> str:
    return f"{name}({', '.join(_short(arg) for arg in args)})"


def _short(value) -> str:
    if isinstance(value, np.ndarray):
        return f"np.array({np.array2string(value, separator=', ', threshold=12)})"
    return _number(value)


def expect_function(name: str, cases, *, tol: float = 1e-6):
    """The learner's function `name` gives each case's answer: cases are (args, expected).

    `args` is a tuple of arguments or one argument; the first failing case is named.
    """
    function = need(name)
    if not callable(function):
        fail(f"`{name}` should be a function; yours is {type(function).__name__}.")
    for args, want in cases:
        args = args if isinstance(args, tuple) else (args,)
        call = _call_text(name, args)
        copies = tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args)
        try:
            got = function(*copies)
        except Exception as exc:  # noqa: BLE001 - a crash of their function is their answer
            fail(f"`{call}` raised {type(exc).__name__}: {exc}")
        if got is None:
            fail(f"`{call}` returned None: did you forget `return`?")
        got_array, want_array = _as_array(call, got), np.asarray(want, dtype=float)
        if got_array.shape != want_array.shape:
            fail(f"`{call}` should give shape {want_array.shape}; yours gives {got_array.shape}.")
        if not _close(got_array, want_array, tol):
            fail(f"`{call}` should be {_short(want)}; yours gives {_short(got)}.")
    return function


def expect_figure(*, title: bool = True, xlabel: bool = True, ylabel: bool = True):
    """The newest open matplotlib figure has a title and labelled axes (as asked)."""
    import matplotlib.pyplot as plt

    numbers = plt.get_fignums()
    expect(numbers, "Draw the figure in the same cell, before checking.")
    figure = plt.figure(numbers[-1])
    axes = figure.get_axes()
    expect(axes, "Your figure has no axes: plot something on it.")
    ax = axes[0]
    if title:
        expect(ax.get_title() or figure._suptitle, "Give your plot a title (`plt.title(...)`).")
    if xlabel:
        expect(ax.get_xlabel(), "Label the x axis (`plt.xlabel(...)`).")
    if ylabel:
        expect(ax.get_ylabel(), "Label the y axis (`plt.ylabel(...)`).")
    return figure


HELPERS = (
    "CheckFailed",
    "fail",
    "expect",
    "need",
    "expect_shape",
    "expect_array",
    "expect_close",
    "expect_function",
    "expect_figure",
    "np",
)


def run_check(check_source: str, learner_globals: dict, filename: str = "<check>") -> str | None:
    """Run a check against `learner_globals`; None when it passes, else the failure message.

    The check runs in a fresh namespace holding these helpers and `learner` (the learner's
    globals), so a learner's variable cannot shadow a helper. An exception raised by the
    learner's own code while the check reads their values (an object whose `__array__`,
    `__repr__` or `__float__` raises) fails the check with words; any other exception than
    `CheckFailed` propagates: it is a bug in the check, not the learner's fault.
    """
    namespace = {"learner": learner_globals, "__name__": "__check__"}
    helpers = {name: globals()[name] for name in HELPERS}
    namespace.update(helpers)
    # The helpers find `learner` through this module's globals; point it at this learner.
    globals()["learner"] = learner_globals
    try:
        exec(compile(check_source, filename, "exec"), namespace)  # noqa: S102 - lesson-authored check
    except CheckFailed as failure:
        return str(failure) or GENERIC
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        if not _raised_in_learner_code(exc):
            raise
        return (
            f"Checking your answer ran your own code, and it raised {type(exc).__name__}: "
            "make your values plain numbers or arrays, then check again."
        )
    return None


def _raised_in_learner_code(exc: BaseException) -> bool:
    """Whether a frame of the learner's cells (compiled as `<cell …>`) raised `exc`."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith("<cell "):
            return True
        tb = tb.tb_next
    return False
