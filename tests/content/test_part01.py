"""Part 1: the numbers its prose quotes, and the data set every later part rebuilds."""

import numpy as np
import pytest

SLUG = "01-the-first-neuron"


@pytest.fixture
def part(part_run):
    return part_run(SLUG).namespace


def test_umbrella_member_votes_yes_on_clouds_and_wet_pavement(part):
    assert part["total"] == pytest.approx(0.9)
    assert part["vote"] == "bring an umbrella"


def test_transpose_of_the_vertical_line_is_the_horizontal_line(part):
    assert np.array_equal(part["vertical_line"].T, part["horizontal_line"])


def test_dot_products_measure_agreement_with_the_pattern(part):
    pattern = part["pattern"]
    agreements = [pattern @ image.reshape(9) for image in part["candidates"].values()]
    assert agreements == [3, 1, 0]
    assert part["scores"].tolist() == [[3, 1], [1, 3], [0, 1]]


def test_scaling_gives_the_promised_ranges(part):
    min_max, standardised = part["min_max"], part["standardised"]
    assert (min_max.min(), min_max.max()) == (0.0, 1.0)
    assert standardised.mean() == pytest.approx(0.0, abs=1e-12)
    assert standardised.std() == pytest.approx(1.0)


def test_clean_lines_are_the_six_labelled_lines(part):
    images, labels = part["clean_images"], part["clean_labels"]
    assert images.shape == (6, 3, 3)
    assert labels.tolist() == [1, 1, 1, 0, 0, 0]
    for image, label in zip(images, labels, strict=True):
        lines = image.sum(axis=0) if label == 1 else image.sum(axis=1)  # column or row sums
        assert sorted(lines.tolist()) == [0.0, 0.0, 3.0]


def test_noisy_set_is_120_balanced_images_of_valid_ink(part):
    images, labels = part["noisy_images"], part["noisy_labels"]
    assert images.shape == (120, 3, 3)
    assert np.sum(labels == 1) == np.sum(labels == 0) == 60
    assert images.min() >= 0.0
    assert images.max() <= 1.0


def test_noisy_lines_are_seeded(part):
    first, _ = part["noisy_lines"](seed=3)
    again, _ = part["noisy_lines"](seed=3)
    other, _ = part["noisy_lines"](seed=4)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)
