"""Part 9: the complete network reaches the accuracy the lesson promises, computed, not claimed."""

import numpy as np
import pytest

from tests.content._run import run_part

pytestmark = pytest.mark.kernel

SLUG = "09-full-implementation"


@pytest.fixture(scope="module")
def part():
    return run_part(SLUG)


def test_test_accuracy_on_noisy_images_is_at_least_90_percent(part):
    ns = part.namespace
    assert ns["NOISE"] >= 0.3  # the images really are noisy
    assert ns["test_accuracy"] >= 0.90
    assert f"test accuracy: {ns['test_accuracy']:.3f}" in part.stdout["test-accuracy"]


def test_test_set_is_held_out_and_scaled_with_training_statistics(part):
    ns = part.namespace
    assert (len(ns["y_train"]), len(ns["y_val"]), len(ns["y_test"])) == (360, 120, 120)
    train_rows = {row.tobytes() for row in ns["X_train_raw"]}
    assert not any(row.tobytes() in train_rows for row in ns["X_test_raw"])
    np.testing.assert_allclose(ns["pixel_mean"], ns["X_train_raw"].mean(axis=0))


def test_backpropagation_matches_numerical_gradients(part):
    assert part.namespace["largest_gap"] < 1e-7


def test_early_stopping_keeps_the_best_validation_epoch(part):
    history = part.namespace["history"]
    best = history["best_epoch"]
    assert history["val_loss"][best] == min(history["val_loss"])
    assert len(history["train_loss"]) < 300  # it stopped before the epoch limit


def test_confusion_matrix_and_misclassified_examples_agree_with_accuracy(part):
    ns = part.namespace
    confusion = ns["confusion"]
    assert confusion.sum() == len(ns["y_test"])
    assert np.trace(confusion) / confusion.sum() == pytest.approx(ns["test_accuracy"])
    assert len(ns["wrong"]) == confusion.sum() - np.trace(confusion)


def test_every_figure_the_section_promises_is_drawn(part):
    for cell_id in [
        "training-curves",
        "confusion-matrix",
        "hidden-weights",
        "misclassified",
        "hyperparameter-lab",
    ]:
        assert len(part.figures[cell_id]) == 1, cell_id
    hidden_panel_titles = [t for t in part.figures["hidden-weights"][0] if t.startswith("member")]
    assert len(hidden_panel_titles) == 8


def test_lab_logs_each_run_and_the_sweep_does_not(part):
    ns = part.namespace
    assert len(ns["lab_log"]) == 1
    assert ns["lab_log"][0]["hidden_size"] == ns["HIDDEN_SIZE"]
    again = ns["run_experiment"](0.1, 8, 0.4, 0)
    assert again["test_accuracy"] == ns["lab_log"][0]["test_accuracy"]  # seeded: repeatable


def test_softmax_extension_learns_three_classes(part):
    ns = part.namespace
    assert ns["three_class_accuracy"] > 0.85
    assert ns["confusion_3"].shape == (3, 3)


def test_noise_capacity_experiment_claims_hold(part):
    """The 'what to look for' sentences of the noise/hidden-size experiment."""
    quick_run = part.namespace["quick_run"]

    def accuracy(noise, hidden_size):
        model, X, y = quick_run(noise, hidden_size)
        return model.accuracy(X, y)

    assert accuracy(0.2, 8) >= 0.95  # low noise, enough members: the rows pull apart
    assert accuracy(0.8, 8) < accuracy(0.2, 8) - 0.1  # noise makes images ambiguous
    assert max(accuracy(0.2, 1), accuracy(0.2, 2)) < 0.9  # too small a committee
