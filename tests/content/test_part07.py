"""Part 7: one neuron cannot separate XOR or the lines; hidden layers can."""

import numpy as np
import pytest

from tests.content._run import run_part

pytestmark = pytest.mark.kernel

SLUG = "07-hidden-layers"


@pytest.fixture(scope="module")
def part():
    return run_part(SLUG)


def test_trained_mlp_solves_xor(part):
    ns = part.namespace
    assert ns["xor_accuracy"] == 1.0
    probabilities = ns["forward"](ns["xor_params"], ns["X_xor"])[0][:, 0]
    assert np.all((probabilities >= 0.5) == ns["y_xor"])
    assert "XOR: best of 20,000 random neurons gets 0.75 right" in part.stdout["xor-search"]


def test_hand_built_xor_network_matches_the_truth_table(part):
    ns = part.namespace
    np.testing.assert_array_equal(ns["answers"], ns["y_xor"])


def test_no_single_neuron_gets_all_six_clean_lines(part):
    clean, labels = part.namespace["clean_lines"]()
    clean = clean.reshape(6, 9)
    rng = np.random.default_rng(123)
    weights, biases = rng.normal(size=(9, 1000)), rng.normal(size=1000)
    scores = clean @ weights + biases
    # The argument of 7.1: both totals are the same for every neuron.
    np.testing.assert_allclose(scores[labels == 1].sum(axis=0), scores[labels == 0].sum(axis=0))
    assert part.namespace["accuracy"].max() == pytest.approx(5 / 6)


def test_hand_built_line_committee_solves_clean_and_noisy_lines(part):
    ns = part.namespace
    np.testing.assert_array_equal(ns["line_committee"](ns["clean_rows"]), ns["clean_labels"])
    assert np.mean(ns["line_committee"](ns["noisy_rows"]) == ns["noisy_labels"]) > 0.9


def test_two_layer_backward_pass_matches_numerical_gradients(part):
    assert part.namespace["largest_gap"] < 1e-7


def test_more_hidden_members_fit_the_curve_better(part):
    ns = part.namespace
    errors = []
    for members in [1, 2, 4, 8]:
        W1, b1, W2, b2 = ns["fits"][members]
        prediction = np.tanh(ns["x_curve"] @ W1 + b1) @ W2 + b2
        errors.append(np.mean((prediction - ns["y_curve"]) ** 2))
    assert errors == sorted(errors, reverse=True)
    assert errors[-1] < 0.02


def _playground_right(ns, hidden, activation, epochs):
    predict = ns["train_playground"](hidden, activation, epochs)
    return int(np.sum((predict(ns["X_xor"]) >= 0.5) == ns["y_xor"]))


def test_playground_claims_of_the_experiment_hold(part):
    """The 'what to look for' sentences of the XOR playground, checked at the settings they name."""
    ns = part.namespace
    assert _playground_right(ns, 3, "tanh", 300) == 4  # the default shows a solved XOR
    for activation in ns["ACTIVATIONS"]:
        assert _playground_right(ns, 1, activation, 1000) <= 3  # one member: a straight line
    assert _playground_right(ns, 2, "tanh", 200) == 4  # tanh is fast …
    assert _playground_right(ns, 2, "sigmoid", 200) < 4  # … sigmoid slower
    assert _playground_right(ns, 4, "tanh", 1000) == 2  # the unlucky start
