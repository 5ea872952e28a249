"""Gradient descent on the logits: closed-form steps, recovery counts, validation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lossnotes.descent import ADAM_EPS, MAX_STEPS, Descent, descend, leader_gap


def test_one_ce_step_from_equal_logits_is_lr_times_p_minus_y():
    run = descend("cross_entropy", [0.0, 0.0], 0, lr=0.3, steps=1)
    # p = (0.5, 0.5), y = (1, 0): z1 = z0 - lr * (p - y) = (0.15, -0.15).
    np.testing.assert_allclose(run.logits[1], [0.15, -0.15], rtol=0, atol=1e-15)
    assert run.loss[0] == pytest.approx(math.log(2), rel=1e-15)
    assert run.grad_norm[0] == pytest.approx(math.sqrt(0.5), rel=1e-15)
    assert run.recovered_at == 1
    assert run.steps == 1


def test_mse_logits_is_a_linear_recurrence():
    # K = 2, target 1: gradient (2/2)(z - y) = z - y, so z1 <- z1 - lr (z1 - 1).
    run = descend("mse_logits", [0.0, -2.0], 1, lr=0.5, steps=3)
    np.testing.assert_allclose(run.logits[:, 1], [-2.0, -0.5, 0.25, 0.625], atol=1e-15)
    np.testing.assert_array_equal(run.logits[:, 0], 0.0)
    # -0.5 < 0 after one update, 0.25 > 0 after two.
    assert run.recovered_at == 2
    assert run.final_loss == pytest.approx((0.375**2) / 2, rel=1e-14)


def test_recovered_at_is_zero_when_target_already_leads_and_none_when_it_never_does():
    assert descend("cross_entropy", [2.0, 0.0, 0.0], 0, lr=1.0, steps=0).recovered_at == 0
    tie = descend("cross_entropy", [0.0, 0.0, 0.0], 0, lr=1.0, steps=0)
    assert tie.recovered_at is None  # a tie is not a lead
    stuck = descend("mse", [0.0, 0.0, -1000.0], 2, lr=1.0, steps=50)
    assert stuck.recovered_at is None
    # The MSE gradient at the fixed -1000 logit is exactly 0 in float64: nothing moves.
    np.testing.assert_array_equal(stuck.logits, np.tile([0.0, 0.0, -1000.0], (51, 1)))
    assert stuck.grad_norm.max() == 0.0


def test_cross_entropy_climbs_out_of_minus_1000_at_one_and_a_half_per_step():
    # grad = p - y = (0.5, 0.5, -1) while p_2 underflows: the gap 1000 closes by 1.5 per
    # update, so the target leads after ceil(1000 / 1.5) = 667 updates.
    run = descend("cross_entropy", [0.0, 0.0, -1000.0], 2, lr=1.0, steps=700)
    assert run.recovered_at == 667
    np.testing.assert_allclose(run.logits[100], [-50.0, -50.0, -900.0], atol=1e-12)
    assert leader_gap(run.logits[666], 2) < 0 < leader_gap(run.logits[667], 2)


def test_until_recovered_stops_early_and_shapes_follow():
    run = descend("cross_entropy", [0.0, 0.0, -1000.0], 2, lr=1.0, steps=5000, until_recovered=True)
    assert run.steps == run.recovered_at == 667
    assert run.logits.shape == (668, 3) and run.loss.shape == run.grad_norm.shape == (668,)
    assert isinstance(run, Descent) and run.final_logits.shape == (3,)


def test_sign_descent_takes_full_steps_on_a_tiny_but_nonzero_gradient():
    # At z2 = -100 the MSE gradient is about 1e-44: plain descent cannot move z2 in float64,
    # sign descent moves every coordinate by lr.
    gd = descend("mse", [0.0, 0.0, -100.0], 2, lr=1.0, steps=1)
    assert gd.logits[1, 2] == -100.0
    sign = descend("mse", [0.0, 0.0, -100.0], 2, lr=1.0, steps=1, optimizer="sign")
    np.testing.assert_array_equal(sign.logits[1], [-1.0, -1.0, -99.0])


def test_first_adam_step_is_lr_g_over_abs_g_plus_eps():
    start = [0.0, 0.0, -30.0]
    run = descend("mse", start, 2, lr=0.1, steps=1, optimizer="adam")
    from lossnotes import loss_and_grad

    _, g = loss_and_grad("mse", start, 2)
    expected = np.asarray(start) - 0.1 * g / (np.abs(g) + ADAM_EPS)
    np.testing.assert_allclose(run.logits[1], expected, rtol=1e-12, atol=0)
    # |g| ~ 5e-14 << eps: the step is far below lr.
    assert abs(run.logits[1, 2] - start[2]) < 1e-6


def test_adam_recovers_from_a_large_gradient_start():
    run = descend("cross_entropy", [0.0, 0.0, -10.0], 2, lr=1.0, steps=100, optimizer="adam")
    assert run.recovered_at is not None and run.recovered_at < 10


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"lr": 0.0}, ValueError, "lr"),
        ({"lr": float("nan")}, ValueError, "lr"),
        ({"lr": "1"}, TypeError, "lr"),
        ({"steps": -1}, ValueError, "steps"),
        ({"steps": MAX_STEPS + 1}, ValueError, "memory"),
        ({"steps": 2.0}, TypeError, "steps"),
        ({"steps": True}, TypeError, "steps"),
        ({"start": [[0.0, 1.0]]}, ValueError, "start"),
        ({"start": [0.0, float("nan")]}, ValueError, "start"),
        ({"start": [0.0, float("inf")]}, ValueError, "start"),
        ({"start": [0.0]}, ValueError, "start"),
        ({"target": 2}, ValueError, "target"),
        ({"target": 1.0}, TypeError, "target"),
        ({"loss": "hinge"}, ValueError, "loss"),
        ({"optimizer": "sgd"}, ValueError, "optimizer"),
        ({"eps": 0.0}, ValueError, "eps"),
    ],
)
def test_bad_input_names_the_parameter(kwargs, error, fragment):
    args = {"loss": "cross_entropy", "start": [0.0, 1.0], "target": 0, "lr": 1.0, "steps": 3}
    args.update(kwargs)
    with pytest.raises(error, match=fragment):
        descend(**args)


def test_minus_inf_logits_stay_at_minus_inf():
    run = descend("cross_entropy", [0.0, -np.inf, 0.0], 0, lr=1.0, steps=3)
    assert np.isneginf(run.logits[:, 1]).all()
    assert run.recovered_at == 1
