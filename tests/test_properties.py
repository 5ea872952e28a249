"""Property tests (hypothesis): invariances, sums, bounds and finite differences."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lossnotes import log_softmax, loss_and_grad, softmax

K = st.integers(2, 6)
FINITE = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
WIDE = st.floats(-1e300, 1e300, allow_nan=False, allow_infinity=False)


@st.composite
def logits_and_target(draw, elements=FINITE):
    k = draw(K)
    z = draw(arrays(np.float64, k, elements=elements))
    return z, draw(st.integers(0, k - 1))


@settings(max_examples=300, deadline=None)
@given(logits_and_target(), st.floats(-1e3, 1e3, allow_nan=False))
def test_shift_invariance(case, shift):
    z, t = case
    z = np.round(z, 3)
    shifted = z + shift
    if not np.array_equal(shifted - shift, z):  # the shift itself must be exact
        return
    for name in ("cross_entropy", "mse"):
        a, ga = loss_and_grad(name, z, t)
        b, gb = loss_and_grad(name, shifted, t)
        np.testing.assert_allclose(b, a, rtol=1e-9, atol=0)
        np.testing.assert_allclose(gb, ga, rtol=1e-9, atol=1e-300)


@settings(max_examples=300, deadline=None)
@given(logits_and_target(WIDE))
def test_gradients_sum_to_zero_and_losses_are_in_range(case):
    z, t = case
    k = z.size
    for name in ("cross_entropy", "mse"):
        _, grad = loss_and_grad(name, z, t)
        assert np.isfinite(grad).all()
        scale = np.abs(grad).max()
        assert abs(grad.sum()) <= 1e-15 * max(scale, 1e-300) * k
    ce = loss_and_grad("cross_entropy", z, t)[0]
    assert ce >= 0
    m = loss_and_grad("mse", z, t)[0]
    assert 0 <= m <= 2 / k
    p = softmax(z)
    assert abs(p.sum() - 1) <= 4e-16 * k
    assert (log_softmax(z) <= 0).all()


@settings(max_examples=200, deadline=None)
@given(logits_and_target(st.floats(-8, 8, allow_nan=False)))
def test_gradients_match_central_differences(case):
    z, t = case
    h = 1e-5
    for name in ("cross_entropy", "mse", "mse_logits"):
        _, grad = loss_and_grad(name, z, t)
        for j in range(z.size):
            up, down = z.copy(), z.copy()
            up[j] += h
            down[j] -= h
            numeric = (loss_and_grad(name, up, t)[0] - loss_and_grad(name, down, t)[0]) / (
                up[j] - down[j]
            )
            assert abs(numeric - grad[j]) <= 1e-7 * max(1.0, abs(grad[j])), (name, j)


@settings(max_examples=100, deadline=None)
@given(logits_and_target(), st.integers(1, 40))
def test_a_batch_gives_the_one_sample_numbers(case, n):
    z, _ = case
    rng = np.random.default_rng(n)
    batch = z + rng.normal(0, 5, (n, z.size))
    targets = rng.integers(0, z.size, n)
    for name in ("cross_entropy", "mse", "mse_logits"):
        loss, grad = loss_and_grad(name, batch, targets)
        for i in range(n):
            one_loss, one_grad = loss_and_grad(name, batch[i], int(targets[i]))
            # every sample is computed on its own: the same bits alone and in a batch
            np.testing.assert_array_equal(loss[i], one_loss)
            np.testing.assert_array_equal(grad[i], one_grad)


F32 = st.floats(allow_nan=False, allow_infinity=False, width=32)


@settings(max_examples=300, deadline=None)
@given(logits_and_target(F32))
def test_float32_stays_float32_and_finite(case):
    z, t = case
    z = z.astype(np.float32)
    gap = float(np.max(z.astype(np.float64)) - np.float64(z[t]))
    for name in ("cross_entropy", "mse"):
        loss, grad = loss_and_grad(name, z, t)
        assert loss.dtype == np.float32 and grad.dtype == np.float32
        assert np.isfinite(grad).all()
        if name == "mse" or gap < 3e38:
            assert np.isfinite(loss)
    p = softmax(z)
    assert p.dtype == np.float32 and np.isfinite(p).all()


def test_a_large_batch_does_not_depend_on_its_composition():
    rng = np.random.default_rng(3)
    z = rng.normal(0, 30, (200_000, 3))
    z[::997, 1] = -2000.0  # some samples far below
    z[::1009, 0] = z[::1009, 2]  # ties between the target and a class (regrouped brackets)
    t = rng.integers(0, 3, 200_000)
    perm = rng.permutation(200_000)
    for name in ("cross_entropy", "mse"):
        loss, grad = loss_and_grad(name, z, t)
        # the same batch shuffled, and cut in two uneven parts, gives the same bits
        shuffled = loss_and_grad(name, z[perm], t[perm])
        np.testing.assert_array_equal(shuffled[0], loss[perm])
        np.testing.assert_array_equal(shuffled[1], grad[perm])
        head = loss_and_grad(name, z[:70_001], t[:70_001])
        np.testing.assert_array_equal(head[0], loss[:70_001])
        np.testing.assert_array_equal(head[1], grad[:70_001])
        # one target for the whole batch takes the same path as per-sample targets
        one = loss_and_grad(name, z, 2)
        mask = t == 2
        np.testing.assert_array_equal(one[0][mask], loss[mask])
        np.testing.assert_array_equal(one[1][mask], grad[mask])
        for i in range(0, 200_000, 9973):
            alone = loss_and_grad(name, z[i], int(t[i]))
            np.testing.assert_array_equal(alone[0], loss[i])
            np.testing.assert_array_equal(alone[1], grad[i])
