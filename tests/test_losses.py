"""Losses and gradients against closed forms, finite differences and hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

import lossnotes
from lossnotes import (
    EXPERIMENT,
    cross_entropy,
    cross_entropy_grad,
    log_softmax,
    loss_and_grad,
    mse,
    mse_grad,
    mse_logits,
    mse_logits_grad,
    softmax,
)


def softplus(x):
    return np.logaddexp(0.0, x)


def sigmoid(x):
    """The logistic function without cancellation on either side."""
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


@pytest.fixture(scope="module")
def grid_logits():
    return EXPERIMENT.logits()


def test_cross_entropy_matches_closed_form_on_experiment_grid(grid_logits):
    d = grid_logits[..., 1] - grid_logits[..., 0]
    np.testing.assert_allclose(cross_entropy(grid_logits, 0), softplus(d), rtol=1e-13, atol=0)


def test_mse_matches_closed_form_on_experiment_grid(grid_logits):
    d = grid_logits[..., 1] - grid_logits[..., 0]
    np.testing.assert_allclose(mse(grid_logits, 0), (2 / 3) * sigmoid(d) ** 2, rtol=1e-13, atol=0)


def test_fixed_class_target_matches_closed_forms(grid_logits):
    z0, z1 = grid_logits[..., 0], grid_logits[..., 1]
    d = z0 - z1
    np.testing.assert_allclose(
        cross_entropy(grid_logits, 2), 1000 + np.logaddexp(z0, z1), rtol=1e-15, atol=0
    )
    np.testing.assert_allclose(
        mse(grid_logits, 2), (1 + sigmoid(d) ** 2 + sigmoid(-d) ** 2) / 3, rtol=1e-14, atol=0
    )


def test_cross_entropy_gradient_closed_form(grid_logits):
    g = cross_entropy_grad(grid_logits, 0)
    d = grid_logits[..., 1] - grid_logits[..., 0]
    np.testing.assert_allclose(g[..., 0], -sigmoid(d), rtol=1e-13)
    np.testing.assert_allclose(g[..., 1], sigmoid(d), rtol=1e-13)
    assert np.all(g[..., 2] == 0.0)  # p_2 ~ e^-1000 underflows to exactly 0
    g2 = cross_entropy_grad(grid_logits, 2)
    assert np.all(g2[..., 2] == -1.0)


def test_mse_gradient_closed_form(grid_logits):
    # MSE = (2/3) s^2 with s = sigmoid(z1 - z0): d/dz1 = (4/3) s^2 (1 - s) = -d/dz0.
    d = grid_logits[..., 1] - grid_logits[..., 0]
    s, one_minus_s = sigmoid(d), sigmoid(-d)
    g = mse_grad(grid_logits, 0)
    np.testing.assert_allclose(g[..., 1], (4 / 3) * s**2 * one_minus_s, rtol=1e-12)
    np.testing.assert_allclose(g[..., 0], -(4 / 3) * s**2 * one_minus_s, rtol=1e-12)
    assert np.all(mse_grad(grid_logits, 2)[..., 2] == 0.0)


@pytest.mark.parametrize("name", ["cross_entropy", "mse", "mse_logits"])
def test_gradients_match_central_differences(name):
    rng = np.random.default_rng(7)
    z = rng.normal(scale=3.0, size=(50, 4))
    t = rng.integers(0, 4, size=50)
    loss, grad = loss_and_grad(name, z, t)
    h = 1e-6
    numeric = np.empty_like(z)
    for k in range(4):
        step = np.zeros_like(z)
        step[:, k] = h
        plus, _ = loss_and_grad(name, z + step, t)
        minus, _ = loss_and_grad(name, z - step, t)
        numeric[:, k] = (plus - minus) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)
    single = {"cross_entropy": cross_entropy, "mse": mse, "mse_logits": mse_logits}[name]
    np.testing.assert_array_equal(loss, single(z, t))


def test_separate_gradient_functions_agree_with_loss_and_grad():
    z = np.array([[2.0, -1.0, 0.5], [0.0, 0.0, -1000.0]])
    t = np.array([1, 2])
    for name, fn in [
        ("cross_entropy", cross_entropy_grad),
        ("mse", mse_grad),
        ("mse_logits", mse_logits_grad),
    ]:
        np.testing.assert_array_equal(loss_and_grad(name, z, t)[1], fn(z, t))


def test_hand_computed_values():
    z = [0.0, 0.0, -1000.0]
    assert float(cross_entropy(z, 0)) == pytest.approx(np.log(2), rel=1e-15)
    assert float(cross_entropy(z, 2)) == pytest.approx(1000 + np.log(2), rel=1e-15)
    assert float(mse(z, 0)) == pytest.approx((0.25 + 0.25) / 3, rel=1e-15)
    assert float(mse(z, 2)) == pytest.approx((0.25 + 0.25 + 1) / 3, rel=1e-15)
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(softmax([1.0, 2.0, 3.0]), e / e.sum())
    np.testing.assert_allclose(log_softmax([0.0, -1000.0]), [0.0, -1000.0])
    assert float(mse_logits([3.0, -1.0], 1)) == pytest.approx((9 + 4) / 2)
    np.testing.assert_allclose(mse_logits_grad([3.0, -1.0], 1), [3.0, -2.0])


def test_issue_examples_keep_their_digits():
    assert float(cross_entropy([9.06, -25.65], 0)) == pytest.approx(np.exp(-34.71), rel=1e-12)
    assert float(cross_entropy([1e15, 1e15 + 2, -1e15], 1)) == pytest.approx(
        np.log1p(np.exp(-2.0)), rel=1e-14
    )


def test_shapes_and_target_broadcasting():
    z = np.zeros((4, 5, 3))
    assert cross_entropy(z, 1).shape == (4, 5)
    assert mse_grad(z, 1).shape == (4, 5, 3)
    t = np.array([0, 1, 2, 0, 1])  # broadcast over the first axis
    loss = cross_entropy(z + np.arange(3), t)
    expected = -log_softmax(np.arange(3.0))[t]
    np.testing.assert_allclose(loss, np.broadcast_to(expected, (4, 5)), rtol=1e-15)
    assert cross_entropy(np.zeros(3), 0).shape == ()
    assert lossnotes.loss_and_grad("mse", np.zeros((2, 3)), [0, 1])[1].shape == (2, 3)


def test_float32_stays_float32():
    z = np.array([[3.0, -2.0, -1000.0]], dtype=np.float32)
    for name in ("cross_entropy", "mse", "mse_logits"):
        loss, grad = loss_and_grad(name, z, 0)
        assert loss.dtype == np.float32 and grad.dtype == np.float32
        assert np.all(np.isfinite(loss)) and np.all(np.isfinite(grad))
