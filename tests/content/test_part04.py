"""Part 4: batch shapes, random weights at chance, and what the perceptron rule can learn."""

import numpy as np
import pytest

SLUG = "04-the-perceptron"


@pytest.fixture
def part(part_run):
    return part_run(SLUG).namespace


def test_hand_network_is_88_percent_sure_of_the_middle_lines(part):
    outputs = part["hand_network"].forward(part["middle_lines"])
    assert np.round(outputs, 3).tolist() == [0.881, 0.119]


def test_forward_pass_shapes(part):
    assert part["X"].shape == (120, 9)
    assert part["sums"].shape == part["outputs"].shape == (120,)
    assert part["layer_outputs"].shape == (120, 3)


def test_random_network_is_near_chance(part):
    assert round(part["random_accuracy"], 3) == 0.558  # quoted as 55.8 %
    assert 0.4 < part["random_accuracy"] < 0.6


def test_random_network_is_unsure_and_mostly_says_vertical(part):
    outputs = part["random_network"].forward(part["X"][part["sample_rows"]])
    assert 0.45 <= outputs.min() <= outputs.max() <= 0.75
    assert part["random_predictions"][part["sample_rows"]].sum() == 9  # nine of ten "vertical"


def test_random_networks_average_a_coin_flip(part):
    accuracies = part["accuracies"]
    assert len(accuracies) == 500
    assert abs(accuracies.mean() - 0.5) < 0.02
    assert part["same_answer_for_all"] == 88  # quoted in the prose


@pytest.mark.parametrize("gate", ["AND", "OR"])
def test_perceptron_rule_learns_and_and_or(part, gate):
    _, _, mistakes, answers = part["gate_results"][gate]
    assert answers.tolist() == part["GATE_LABELS"][gate].tolist()
    assert mistakes[-1] == 0


def test_perceptron_rule_fails_xor_however_long_it_trains(part):
    labels = part["GATE_LABELS"]["XOR"]
    weights, bias, mistakes = part["train_perceptron_rule"](part["GATE_INPUTS"], labels, epochs=200)
    assert min(mistakes) > 0
    answers = part["step"](part["GATE_INPUTS"] @ weights + bias)
    assert answers.tolist() != labels.tolist()
