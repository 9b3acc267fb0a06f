"""Part 8: each remedy is measured doing what the prose says it does."""

import numpy as np
import pytest

from tests.content._run import run_part

pytestmark = pytest.mark.kernel

SLUG = "08-deep-learning-challenges"


@pytest.fixture(scope="module")
def part():
    return run_part(SLUG)


def test_plain_network_overfits(part):
    plain = part.namespace["plain"]
    assert plain["train"][-1] < 0.1
    assert plain["val"][-1] > min(plain["val"]) + 0.05


@pytest.mark.parametrize("remedy", ["early_stopping", "l2", "dropout"])
def test_each_remedy_lowers_validation_loss(part, remedy):
    ns = part.namespace
    assert ns[f"val_loss_{remedy}"] < ns["val_loss_plain"]


def test_early_stopping_stops_before_the_epoch_limit_and_keeps_the_best_epoch(part):
    early = part.namespace["early"]
    assert early["stopped_at"] < 1999
    assert early["val_final"] == pytest.approx(min(early["val"]))


def test_bias_variance_trade_off(part):
    ns = part.namespace
    bias, variance = ns["bias_squared"], ns["variance"]
    total = np.add(bias, variance)
    assert bias[0] > 10 * bias[2]  # a straight line is far too simple
    assert variance[-1] > 10 * variance[2]  # degree 12 chases the noise
    assert 0 < int(np.argmin(total)) < len(total) - 1


def test_gradients_vanish_in_a_deep_sigmoid_stack_and_not_with_relu_and_he(part):
    sigmoid_norms = part.namespace["sigmoid_grad_norms"]
    he_norms = part.namespace["relu_he_grad_norms"]
    assert len(sigmoid_norms) == len(he_norms) == 11
    assert sigmoid_norms[0] < 1e-4 * sigmoid_norms[-1]
    assert max(he_norms) / min(he_norms) < 20


def test_oversized_init_explodes_and_clipping_keeps_training_finite(part):
    ns = part.namespace
    assert min(ns["oversized_grad_norms"]) > max(ns["relu_he_grad_norms"])
    assert not np.all(np.isfinite(ns["unclipped"]))
    assert np.all(np.isfinite(ns["clipped"]))
    assert ns["clipped"][-1] < 0.1


def test_remedy_experiment_claims_hold(part):
    """The 'what to look for' sentences of the L2/dropout experiment, at the settings they name."""
    run = part.namespace["remedy_run"]
    plain, light_l2, heavy_l2 = run(0.0, 0.0), run(0.01, 0.0), run(0.04, 0.0)
    assert plain["val"][-1] > min(plain["val"]) + 0.05  # the grey curve turns up
    for remedied in (light_l2, run(0.0, 0.5), run(0.0, 0.75)):
        assert remedied["val"][-1] == pytest.approx(min(remedied["val"]), abs=0.02)  # still falling
        assert remedied["train"][-1] > plain["train"][-1]  # memorising is harder
    light_dropout = run(0.0, 0.25)
    turn = int(np.argmin(light_dropout["val"]))
    assert light_dropout["epoch"][turn] > plain["epoch"][int(np.argmin(plain["val"]))]  # delayed
    assert light_dropout["val"][-1] > light_dropout["val"][turn]  # … but it still turns
    assert heavy_l2["train"][-1] > 0.4  # far above zero
    assert heavy_l2["val"][-1] > min(plain["val"])  # worse than the plain network's best
