"""The tutor's view of a learner's kernel, through the real runner: names, types, shapes and
small scalar values only, and only the learner's own kernel."""

import json

import pytest

from learn import sandbox as site_sandbox
from learn.sandbox import kernel_ids
from tests.sandbox.fixtures import PART, TRACK
from tests.sandbox.helpers import run
from tests.tutor.conftest import ask

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db]

CODE = """
import numpy as np
X = np.zeros((60, 9))
y = np.arange(60, dtype=np.uint8)
lr = 0.1
epochs = 300
huge = 10**40
done = True
name = "a secret string value"
weights = [1, 2, 3]
big = np.arange(500_000, dtype=float)
_hidden = 1
def helper(): pass
class Model: pass
"""


def variables(member) -> dict:
    found = site_sandbox.kernel_variables(learner=f"u{member.pk}", track=TRACK, part=PART)
    return {item["name"]: item for item in found}


def test_names_types_shapes_and_small_values(sandbox, member_client, member):
    assert run(member_client, CODE)["status"] == "ok"
    found = variables(member)
    assert found["X"] == {"name": "X", "type": "ndarray", "shape": (60, 9), "dtype": "float64"}
    assert found["y"]["shape"] == (60,)
    assert found["y"]["dtype"] == "uint8"
    assert found["lr"] == {"name": "lr", "type": "float", "value": "0.1"}
    assert found["epochs"]["value"] == "300"
    assert found["done"]["value"] == "True"
    assert "value" not in found["huge"]  # not a small scalar
    assert found["name"] == {"name": "name", "type": "str", "len": 21}  # no text values
    assert found["weights"] == {"name": "weights", "type": "list", "len": 3}
    assert found["big"]["shape"] == (500_000,)
    assert "value" not in found["big"]
    assert found["helper"]["type"] == "function"
    assert found["Model"]["type"] == "type"
    assert "_hidden" not in found
    assert "np" not in found  # modules are left out
    assert "LEARNER_NAME" not in found
    assert len(json.dumps(list(found.values()))) < 2000  # no array values travel
    # The kernel keeps working after being inspected.
    assert run(member_client, "print(X.shape)")["status"] == "ok"


def test_an_object_that_lies_about_itself_is_not_run(sandbox, member_client, member):
    code = """
import numpy as np
class Sneaky(np.ndarray):
    @property
    def shape(self):
        raise RuntimeError("never called")
    def __repr__(self):
        raise RuntimeError("never called")
s = np.zeros(4).view(Sneaky)
class Meta(type):
    def __len__(cls):
        while True: pass
    def __eq__(cls, other):
        while True: pass
    __hash__ = type.__hash__
class Odd(metaclass=Meta): pass
"""
    assert run(member_client, code)["status"] == "ok"
    found = variables(member)
    assert found["s"]["shape"] == (4,)
    assert found["Odd"]["type"] == "Meta"
    assert run(member_client, "print('alive')")["status"] == "ok"


def test_only_the_learners_own_kernel(sandbox, member_client, member, other_member):
    assert run(member_client, "secret_weights = 42")["status"] == "ok"
    assert "secret_weights" in variables(member)
    assert variables(other_member) == {}
    # The runner itself refuses to describe a kernel to anyone but its owner.
    kernel_id, _owner = kernel_ids(f"u{member.pk}", TRACK, PART)
    _, stranger = kernel_ids(f"u{other_member.pk}", TRACK, PART)
    (answer,) = sandbox.call({"op": "inspect", "kernel": kernel_id, "owner": stranger})
    assert answer == {"t": "inspect", "state": "cold", "variables": []}


def test_no_kernel_yet(sandbox, member):
    assert variables(member) == {}


def test_the_tutor_uses_the_kernel_summary(sandbox, member_client, member):
    assert run(member_client, CODE)["status"] == "ok"
    answer = ask(member_client, PART, "Why does X have the wrong shape?").json()["answer"]
    assert "In your kernel now:" in answer
    assert "<code>X</code>: array (60, 9) float64" in answer
    assert "a secret string value" not in answer


def test_the_run_view_remembers_the_last_error_for_the_tutor(sandbox, member_client):
    answer = run(member_client, "print(noisy_linez)", cell="pixels")
    assert answer["status"] == "error"
    data = ask(member_client, PART, "Why do I get this error?", cell="pixels").json()
    assert "Your last error" in data["answer"]
    assert "noisy_linez" in data["answer"]
    assert "print(noisy_linez)" in data["forum_url"].replace("%28", "(").replace("%29", ")")
    # A successful run of the same cell clears it.
    assert run(member_client, "print(1)", cell="pixels")["status"] == "ok"
    data = ask(member_client, PART, "Why do I get this error?", cell="pixels").json()
    assert "Your last error" not in data["answer"]


def test_a_shape_error_is_explained_with_the_learners_shapes(sandbox, member_client):
    code = "import numpy as np\nW = np.zeros((3, 9))\nx = np.zeros(3)\nW @ x"
    assert run(member_client, code, cell="pixels")["status"] == "error"
    answer = ask(member_client, PART, "What is wrong with my error?", cell="pixels").json()
    assert "Your last error" in answer["answer"]
    assert "ValueError" in answer["answer"]
    assert "<code>W</code>: array (3, 9) float64" in answer["answer"]
    assert "<code>x</code>: array (3,) float64" in answer["answer"]
