"""Part 5: the loss, descent, gradient-check and training numbers its prose relies on."""

import numpy as np
import pytest

SLUG = "05-training"


@pytest.fixture
def part(part_run):
    return part_run(SLUG).namespace


def test_cross_entropy_punishes_a_confident_mistake_hardest(part):
    truth, guess = np.array([1.0]), np.array([0.01])
    assert round(part["mean_squared_error"](guess, truth), 3) == 0.980
    assert round(part["binary_cross_entropy"](guess, truth), 3) == 4.605


def test_descent_reaches_the_bottom_of_both_bowls(part):
    assert part["path_1d"][-1] == pytest.approx(2.0, abs=0.2)
    assert part["path_2d"][-1] == pytest.approx([1.0, 0.5], abs=0.02)


def test_learning_rates_crawl_converge_and_diverge(part):
    loss, paths = part["bowl_loss"], part["rate_paths"]
    assert loss(paths["too small"][-1]) > 5
    assert loss(paths["about right"][-1]) == pytest.approx(0.5, abs=1e-3)
    distances = np.abs(paths["too large"] - 2.0)
    assert np.all(np.diff(distances) > 0)  # every step lands further from the bottom


def test_distance_shrinks_by_one_minus_two_eta_each_step(part):
    for name, rate in part["learning_rates"].items():
        distances = np.abs(part["rate_paths"][name] - 2.0)
        assert distances[1:] / distances[:-1] == pytest.approx(abs(1 - 2 * rate))


def test_chain_rule_simplifies_to_prediction_minus_label(part):
    assert part["dL_da"] * part["da_dz"] == pytest.approx(part["a"] - part["y"])


def test_backpropagation_agrees_with_the_numerical_gradient(part):
    assert part["gradient_gap"] < 1e-7


def test_trained_neuron_is_perfect_on_clean_and_fresh_middle_lines(part):
    assert part["clean_accuracy"] == 1.0
    assert part["fresh_accuracy"] == 1.0
    assert part["confidence"][0] > 0.99
    assert part["confidence"][1] < 0.01
    losses = part["middle_losses"]
    assert losses[0] == pytest.approx(np.log(2), abs=0.02)
    assert round(losses[-1], 3) == 0.012  # quoted in the prose


def test_learned_weights_form_the_hand_picked_cross(part):
    learned = part["trained_weights"].reshape(3, 3)
    trusted = [learned[0, 1], learned[2, 1]]
    distrusted = [learned[1, 0], learned[1, 2]]
    assert min(trusted) > 2
    assert max(distrusted) < -2
    others = [learned[0, 0], learned[0, 2], learned[1, 1], learned[2, 0], learned[2, 2]]
    assert max(abs(value) for value in others) < 0.5


def test_one_neuron_is_stuck_at_chance_on_all_six_lines(part):
    accuracy = part["accuracy"]
    assert part["all_losses"][-1] > 0.65
    assert (
        accuracy(part["all_weights"], part["all_bias"], part["six_clean"], part["six_labels"])
        == 0.5
    )
    fresh = accuracy(
        part["all_weights"], part["all_bias"], part["fresh_all"], part["fresh_all_labels"]
    )
    assert 0.4 < fresh < 0.6
    assert np.all(np.abs(part["six_outputs"] - 0.5) < 0.1)


def test_vertical_and_horizontal_totals_are_always_equal(part):
    assert part["largest_gap"] < 1e-12
