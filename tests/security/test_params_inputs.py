"""`# @param` lines a lesson author mistyped must become form errors on that line, never an
exception that takes the lesson page down (learn.params.parse_form)."""

import pytest

from learn import params

HUGE = "9" * 5000  # over Python's 4300-digit limit for int("…")


@pytest.mark.parametrize(
    "line",
    [
        f'x = 5  # @param {{type:"slider", min:0, max:{HUGE}, step:1}}',
        f'x = {HUGE}  # @param {{type:"integer"}}',
        f"x = 1  # @param [1, {HUGE}]",
    ],
)
def test_a_number_with_too_many_digits_is_a_form_error(line):
    form = params.parse_form("a = 1\n" + line)
    assert [error.line for error in form.errors] == [2]
    assert "too many digits" in form.errors[0].message
