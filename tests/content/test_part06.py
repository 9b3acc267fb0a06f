"""Part 6: the metrics built from scratch agree with a hand count and with each other."""

import re

import numpy as np
import pytest

from tests.content._run import lesson_text, run_part

pytestmark = pytest.mark.kernel

SLUG = "06-evaluation"


@pytest.fixture(scope="module")
def part():
    return run_part(SLUG)


def _table_row(name: str) -> list[int]:
    """The 0/1 values of one row of the hand-count table in the prose."""
    row = re.search(rf"^\| {name} \|(.+)\|$", lesson_text(SLUG), re.M).group(1)
    return [int(value) for value in row.split("|")]


def test_hand_count_table_in_the_prose_is_the_one_the_code_counts(part):
    assert _table_row("truth") == part.namespace["toy_truth"]
    assert _table_row("prediction") == part.namespace["toy_predicted"]


def test_counts_and_scores_agree_with_a_hand_count(part):
    # Counted by hand from the ten-image table: TP at 1, 3, 4; FN at 2, 10; FP at 6.
    assert part.namespace["toy_counts"] == {"TP": 3, "FN": 2, "FP": 1, "TN": 4}
    scores = part.namespace["toy_scores"]
    assert scores["accuracy"] == pytest.approx(7 / 10)
    assert scores["precision"] == pytest.approx(3 / 4)
    assert scores["recall"] == pytest.approx(3 / 5)
    assert scores["f1"] == pytest.approx(2 * (3 / 4) * (3 / 5) / (3 / 4 + 3 / 5))


def test_test_set_scores_agree_with_the_confusion_matrix(part):
    ns = part.namespace
    for model, matrix in [
        ("single neuron", ns["neuron_confusion"]),
        ("small committee", ns["committee_confusion"]),
    ]:
        (tn, fp), (fn, tp) = matrix
        scores = ns["test_scores"][model]
        assert matrix.sum() == len(ns["y_test"])
        assert scores["accuracy"] == pytest.approx((tp + tn) / matrix.sum())
        assert scores["precision"] == pytest.approx(tp / (tp + fp))
        assert scores["recall"] == pytest.approx(tp / (tp + fn))


def test_committee_is_good_and_the_neuron_near_a_coin_toss(part):
    scores = part.namespace["test_scores"]
    assert scores["small committee"]["accuracy"] > 0.90
    assert abs(scores["single neuron"]["accuracy"] - 0.5) < 0.1


def test_lazy_model_has_high_accuracy_and_zero_recall(part):
    ns = part.namespace
    lazy = ns["scores"](ns["rare_truth"], ns["lazy_predicted"])
    assert lazy["accuracy"] > 0.85
    assert lazy["recall"] == 0.0


def test_memoriser_aces_training_and_fails_the_test(part):
    ns = part.namespace
    assert np.mean(ns["memoriser_predict"](ns["X_train"]) == ns["y_train"]) == 1.0
    assert np.mean(ns["memoriser_predict"](ns["X_test"]) == ns["y_test"]) < 0.6


def test_saliency_is_the_same_for_every_image_only_for_the_neuron(part):
    neuron_maps = np.array(part.namespace["maps"]["neuron"])
    committee_maps = np.array(part.namespace["maps"]["committee"])
    np.testing.assert_allclose(neuron_maps, np.tile(neuron_maps[0], (6, 1)), atol=1e-6)
    np.testing.assert_allclose(neuron_maps[0], part.namespace["neuron"]["w"], atol=1e-6)
    assert np.ptp(committee_maps, axis=0).max() > 1.0


def test_committee_accuracy_falls_as_noise_grows(part):
    accuracy = part.namespace["accuracy_by_noise"]["small committee"]
    assert accuracy[0] >= 0.99
    assert accuracy[-1] < accuracy[0] - 0.2


def test_threshold_experiment_claims_hold_at_both_ends_of_the_slider(part):
    """'What to look for' under the threshold experiment: recall 1.0 far left, precision 1.0 far
    right, and recall falling as the line moves right."""
    ns = part.namespace
    proba, truth, scores = ns["committee_test_proba"], ns["y_test"], ns["scores"]

    def at(threshold):
        return scores(truth, (proba >= threshold).astype(int))

    assert at(0.02)["recall"] == 1.0
    assert at(0.98)["precision"] == 1.0
    assert at(0.98)["recall"] < at(0.5)["recall"] < at(0.02)["recall"]
    assert at(0.02)["precision"] < at(0.5)["precision"]
