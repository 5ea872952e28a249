"""The naive formulas fail exactly where floating point says they must, and say so quietly."""

from __future__ import annotations

import numpy as np
import pytest

import lossnotes
from lossnotes import naive
from lossnotes.breakdown import WIDE, exp_limits, lse_rows, outcome_counts, outcome_map

N = lossnotes.EXPERIMENT.resolution**2
DTYPES = ("float32", "float64")


@pytest.mark.parametrize("dtype", DTYPES)
def test_dtype_is_kept(dtype):
    z = np.array([1.0, 2.0, -3.0], dtype=dtype)
    for formula in naive.FORMULAS:
        assert naive.evaluate(formula, z, 0).dtype == np.dtype(dtype)
    assert naive.softmax(z).dtype == np.dtype(dtype)
    assert naive.softmax([1, 2, 3]).dtype == np.float64


def test_agrees_with_stable_core_on_tame_logits():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(200, 3)) * 3
    t = rng.integers(0, 3, size=200)
    np.testing.assert_allclose(naive.softmax(z), lossnotes.softmax(z), rtol=1e-13)
    # -log p_t and (p_t - 1)**2 lose digits when p_t is close to 1 (hence the stable core).
    np.testing.assert_allclose(naive.cross_entropy(z, t), lossnotes.cross_entropy(z, t), rtol=1e-9)
    np.testing.assert_allclose(
        naive.cross_entropy_onehot(z, t), lossnotes.cross_entropy(z, t), rtol=1e-9
    )
    np.testing.assert_allclose(naive.mse(z, t), lossnotes.mse(z, t), rtol=1e-9)


def test_hand_picked_failures():
    # exp(1000) = inf: inf/inf is NaN for class 2, finite/inf = 0 for the others.
    np.testing.assert_array_equal(naive.softmax([0.0, 0.0, 1000.0]), [0.0, 0.0, np.nan])
    # p_2 = exp(-1000)/2 underflows to 0: -log 0 = inf.
    assert naive.cross_entropy([0.0, 0.0, -1000.0], 2) == np.inf
    # y_2 log p_2 = 0 * -inf = NaN, though class 2 is not the target.
    assert np.isnan(naive.cross_entropy_onehot([0.0, 0.0, -1000.0], 0))
    # The epsilon fix: -log(0 + eps).
    assert naive.cross_entropy_eps([0.0, 0.0, -1000.0], 2, eps=1e-7) == pytest.approx(
        -np.log(1e-7), rel=1e-15
    )
    assert naive.logsumexp([1000.0, 0.0]) == np.inf
    assert naive.logsumexp([-800.0, -800.0]) == -np.inf
    # float32 overflows already at 89.
    assert np.isnan(naive.mse(np.array([89.0, 0.0, 0.0], dtype=np.float32), 0))
    assert np.isfinite(naive.mse(np.array([89.0, 0.0, 0.0]), 0))


def test_classify_codes():
    np.testing.assert_array_equal(
        naive.classify([0.5, np.inf, -np.inf, np.nan, 0.0]), [0, 1, 2, 3, 0]
    )
    from lossnotes.validation import InputError, InputTypeError

    with pytest.raises(InputError, match="formula must be one of cross_entropy, "):
        naive.evaluate("hinge", [0.0, 1.0], 0)
    with pytest.raises(InputTypeError, match="formula must be a string"):
        naive.evaluate(None, [0.0, 1.0], 0)


# Counts on the experiment grid, derived by hand. Every logit on the grid lies in
# [-10, 10], where exp is a normal number in both types; exp(-1000) = 0 and
# exp(1000) = inf in both. So each formula fails everywhere or nowhere:
#   z2 = -1000: p = (p0, p1, 0) with p0, p1 > 0.
#     CE target 0: finite. CE target 2: -log 0 = +inf.
#     one-hot CE target 0: 0 * log 0 = NaN. one-hot target 2: -(1 * -inf) = +inf
#     (the other terms are 0 * finite).
#     eps CE: finite. MSE: finite.
#   z2 = +1000: p = (x/inf, y/inf, inf/inf) = (0, 0, NaN).
#     CE target 0: +inf. CE target 2: NaN. one-hot CE: NaN (a NaN term).
#     eps CE target 0: -log(eps), finite; target 2: NaN. MSE: NaN.
EXPECTED = {
    (-1000.0, "cross_entropy", 0): "finite",
    (-1000.0, "cross_entropy", 2): "+inf",
    (-1000.0, "cross_entropy_onehot", 0): "nan",
    (-1000.0, "cross_entropy_onehot", 2): "+inf",
    (-1000.0, "cross_entropy_eps", 0): "finite",
    (-1000.0, "cross_entropy_eps", 2): "finite",
    (-1000.0, "mse", 0): "finite",
    (-1000.0, "mse", 2): "finite",
    (1000.0, "cross_entropy", 0): "+inf",
    (1000.0, "cross_entropy", 2): "nan",
    (1000.0, "cross_entropy_onehot", 0): "nan",
    (1000.0, "cross_entropy_onehot", 2): "nan",
    (1000.0, "cross_entropy_eps", 0): "finite",
    (1000.0, "cross_entropy_eps", 2): "nan",
    (1000.0, "mse", 0): "nan",
    (1000.0, "mse", 2): "nan",
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("fixed", "formula", "target"), list(EXPECTED))
def test_counts_on_the_experiment_grid(fixed, formula, target, dtype):
    grid = lossnotes.Grid(fixed_logit=fixed)
    counts = outcome_counts(formula, target, grid, dtype)
    expected = dict.fromkeys(naive.OUTCOMES, 0)
    expected[EXPECTED[fixed, formula, target]] = N
    assert counts == expected


@pytest.mark.parametrize("dtype", DTYPES)
def test_mse_map_on_the_wide_grid(dtype):
    # Naive MSE is NaN exactly where some exp overflows (inf/inf) or all underflow (0/0),
    # and finite elsewhere; p = 0 from an underflowed class is harmless to MSE.
    over, _ = exp_limits(dtype)
    axis = WIDE.axis.astype(dtype).astype(np.float64)
    z0, z1 = np.meshgrid(axis, axis)
    with np.errstate(all="ignore"):
        e = np.exp(np.stack([z0, z1]).astype(dtype))
    all_under = (e == 0).all(axis=0)
    overflow = (z0 > over) | (z1 > over)
    expected = np.where(overflow | all_under, 3, 0)
    np.testing.assert_array_equal(outcome_map("mse", 0, WIDE, dtype), expected)
    assert 0 < (expected == 3).sum() < expected.size


def test_wide_grid_cross_entropy_float64_regions():
    # Target 0: NaN where z0 overflows or both underflow; +inf where p0 underflows otherwise.
    codes = outcome_map("cross_entropy", 0, WIDE, "float64")
    axis = WIDE.axis
    j = lambda v: int(np.argmin(np.abs(axis - v)))  # noqa: E731
    assert codes[j(0), j(0)] == 0
    assert codes[j(0), j(720)] == 3  # z0 = 720 overflows: inf / inf
    assert codes[j(720), j(0)] == 1  # z1 overflows: p0 = 1 / inf = 0
    assert codes[j(-760), j(-760)] == 3  # 0 / 0
    assert codes[j(0), j(-760)] == 1  # exp(z0) = 0 alone: p0 = 0


def test_no_warning_escapes():
    # pytest turns warnings into errors; these would all warn without errstate.
    with np.errstate(all="raise"):
        naive.softmax([1000.0, -1000.0])
        naive.cross_entropy_onehot([0.0, 1000.0, -1000.0], 0)
        naive.mse(np.array([-200.0, -200.0], dtype=np.float32), 0)
        naive.logsumexp([-1e4, -1e4])


def test_lse_rows():
    rows = lse_rows([(0.0, 0.0, 1000.0), (10.0, -10.0, -1000.0), (100.0, 0.0, -1000.0)])
    assert rows[0].naive_lse64 == np.inf and rows[0].stable_lse == 1000.0
    assert rows[0].stable_ce == pytest.approx(1000.0)
    # 1 - p0 cancels in the naive formula: float64 keeps only about 8 digits of 2.06e-9.
    assert rows[1].stable_ce == pytest.approx(2.061153620314381e-09, rel=1e-14)
    assert abs(rows[1].naive_ce64 / rows[1].stable_ce - 1) > 1e-9
    assert np.isnan(rows[2].naive_ce32) and rows[2].naive_lse32 == np.inf
    assert rows[2].naive_ce64 == 0.0 and rows[2].stable_ce == pytest.approx(np.exp(-100.0))
