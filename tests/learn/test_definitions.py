"""learn.definitions: which names a cell's source binds, read with ast (never run)."""

import pytest

from learn.definitions import defined_names


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("x = 1", {"x"}),
        ("a, (b, *c) = 1, (2, 3, 4)", {"a", "b", "c"}),
        ("total: int = 0\ntotal += 1", {"total"}),
        ("for i, row in enumerate(rows):\n    last = row", {"i", "row", "last"}),
        ("with open('f') as handle:\n    pass", {"handle"}),
        ("def sigmoid(z):\n    inner = 1\n    return z", {"sigmoid"}),
        ("class Neuron:\n    size = 3", {"Neuron"}),
        (
            "import numpy as np\nimport matplotlib.pyplot\nfrom math import exp as e",
            {"np", "matplotlib", "e"},
        ),
        ("from numpy import *", set()),
        ("if (n := 3) > 2:\n    big = True\nelse:\n    small = True", {"n", "big", "small"}),
        ("try:\n    pass\nexcept ValueError as problem:\n    pass", {"problem"}),
        ("squares = [k * k for k in range(3)]\nf = lambda t: t", {"squares", "f"}),
        ("print(x)\nx.shape", set()),
        ("x = (", set()),  # a cell that does not parse defines nothing
    ],
)
def test_defined_names(source, names):
    assert defined_names(source) == names
