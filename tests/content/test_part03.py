"""Part 3: the activation, softmax and dead-ReLU numbers its prose relies on."""

import numpy as np
import pytest

SLUG = "03-activation-functions"


@pytest.fixture
def part(part_run):
    return part_run(SLUG).namespace


def test_two_linear_layers_collapse_into_one(part):
    assert np.max(np.abs(part["two_layers"] - part["one_layer"])) < 1e-12


def test_derivative_formulas_match_finite_differences(part):
    h, points = part["h"], part["check_points"]
    for function, derivative in part["ACTIVATIONS"].values():
        numerical = (function(points + h) - function(points - h)) / (2 * h)
        assert np.max(np.abs(numerical - derivative(points))) < 1e-9


def test_activations_at_minus_two_zero_and_two(part):
    sums = np.array([-2.0, 0.0, 2.0])
    assert np.round(part["sigmoid"](sums), 3).tolist() == [0.119, 0.5, 0.881]
    assert part["relu"](sums).tolist() == [0.0, 0.0, 2.0]
    assert part["leaky_relu"](sums).tolist() == pytest.approx([-0.2, 0.0, 2.0])


def test_sigmoid_confidences_on_noisy_middle_lines(part):
    percent = np.round(part["confidences"] * 100)  # as printed, e.g. "79%"
    labels = part["sample_labels"]
    assert (percent[labels == 1].min(), percent[labels == 1].max()) == (79, 86)
    assert (percent[labels == 0].min(), percent[labels == 0].max()) == (12, 21)


def test_softmax_quoted_probabilities(part):
    assert np.round(part["probabilities"], 3).tolist() == [0.705, 0.259, 0.035]
    assert np.round(part["softmax"](part["big_scores"]), 3).tolist() == [0.665, 0.245, 0.09]


def test_naive_softmax_overflows_and_stable_one_does_not(part):
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isnan(part["softmax_naive"](part["big_scores"])).all()
    assert np.isfinite(part["softmax"](np.array([1e6, 0.0, -1e6]))).all()


def test_two_class_softmax_is_a_sigmoid_of_the_difference(part):
    scores = part["two_scores"]
    assert part["softmax"](scores)[0] == pytest.approx(part["sigmoid"](scores[0] - scores[1]))


def test_the_dead_relu_never_activates_and_never_learns(part):
    assert np.mean(part["dead_sums"] > 0) == 0.0
    errors = part["relu_errors"]
    assert np.all(errors == 0.5)  # silent on every image: right on half, wrong on half
    assert part["relu_bias"] == -5.0


def test_the_leaky_relu_recovers(part):
    errors = part["leaky_errors"]
    assert errors[-1] < errors[0] / 5
