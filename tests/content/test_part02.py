"""Part 2: the hand-picked neuron's numbers, as the prose quotes them."""

import numpy as np
import pytest

SLUG = "02-a-single-neuron"


@pytest.fixture
def part(part_run):
    return part_run(SLUG).namespace


def test_cartoon_neuron_rests_then_fires_without_its_inhibitor(part_run):
    printed = part_run(SLUG).stdout["cartoon-neuron"].splitlines()
    assert printed == ["total input 0.7 -> stays at rest", "total input 1.3 -> fires"]


def test_three_ways_of_computing_the_weighted_sum_agree(part):
    assert part["z_by_hand"] == part["z_loop"] == part["z_vectorised"] == 1


def test_hand_picked_neuron_scores_middle_lines_plus_and_minus_two(part):
    neuron, make_line = part["hand_neuron"], part["make_line"]
    assert neuron.weighted_sum(make_line("vertical", 1)) == 2
    assert neuron.weighted_sum(make_line("horizontal", 1)) == -2


def test_hand_picked_neuron_gets_every_noisy_middle_line_right(part):
    assert part["middle_accuracy"] == 1.0
    sums, labels = part["middle_sums"], part["middle_labels"]
    assert sums[labels == 1].min() > 0 > sums[labels == 0].max()


def test_hand_picked_neuron_is_right_only_about_the_middle_lines(part):
    right = part["clean_predictions"] == part["clean_labels"]
    assert right.tolist() == [False, True, False, False, True, False]
    assert part["clean_sums"].tolist() == [-1, 2, -1, 1, -2, 1]


def test_on_all_noisy_lines_it_does_worse_than_a_coin(part):
    assert part["noisy_accuracy"] < 0.5


def test_trusting_every_column_and_distrusting_every_row_cancels_out(part):
    assert np.array_equal(part["repair_weights"], np.zeros((3, 3)))
