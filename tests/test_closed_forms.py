"""Closed forms against the library on the experiment grid; exact fixed-logit gradients; bounds."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

import lossnotes
from lossnotes.closed_forms import (
    CASES,
    cliff,
    closed_form,
    dropped_term_log10,
    profile,
    profile_slope,
    surface_profile,
)
from lossnotes.gradient_maps import (
    fixed_logit_gradient_log10,
    gradient_norm_bound,
    smallest_subnormal_log10,
    vanishing_summary,
)

GRID = lossnotes.EXPERIMENT
LOGITS = GRID.logits()
Z0, Z1 = LOGITS[..., 0], LOGITS[..., 1]
FUNCTIONS = {"cross_entropy": lossnotes.cross_entropy, "mse": lossnotes.mse}


@pytest.mark.parametrize(("loss", "target"), CASES)
def test_closed_form_matches_library_on_the_grid(loss, target):
    library = FUNCTIONS[loss](LOGITS, target)
    closed = closed_form(loss, target, Z0, Z1, GRID.fixed_logit)
    np.testing.assert_allclose(closed, library, rtol=1e-14, atol=0)


@pytest.mark.parametrize(("loss", "target"), CASES)
def test_profile_matches_surface(loss, target):
    surface = lossnotes.evaluate_surface(loss, target)
    d, values = surface_profile(surface)
    np.testing.assert_array_equal(d, Z1 - Z0)
    np.testing.assert_allclose(values, profile(loss, target, d), rtol=1e-12, atol=1e-12)


def test_named_closed_forms():
    # target 0: CE = softplus(d); at d = 0 that is log 2, MSE = (2/3)(1/2)^2 = 1/6
    assert closed_form("cross_entropy", 0, 1.0, 1.0) == pytest.approx(np.log(2), rel=1e-15)
    assert closed_form("mse", 0, 1.0, 1.0) == pytest.approx(1 / 6, rel=1e-15)
    # fixed class: CE = 1000 + logaddexp, MSE at d = 0 is (1 + 1/4 + 1/4)/3 = 1/2
    assert closed_form("cross_entropy", 2, 0.0, 0.0) == pytest.approx(1000 + np.log(2), rel=1e-15)
    assert closed_form("mse", 2, 3.0, 3.0) == pytest.approx(0.5, rel=1e-15)
    assert profile("cross_entropy", 2, 0.0) == pytest.approx(np.log(2), rel=1e-15)
    with pytest.raises(ValueError, match="must be one of"):
        closed_form("mse", 1, 0.0, 0.0)


@pytest.mark.parametrize("fixed", [-3.0, -8.0])
@pytest.mark.parametrize(("loss", "target"), CASES)
def test_dropped_terms_bounded_by_2r(loss, target, fixed):
    # With a fixed logit close enough for r = e^z2 / (e^z0 + e^z1) to matter, the exact
    # loss (mpmath) differs from the closed form by at most 2 r, as the module states.
    mpmath.mp.dps = 40
    grid = lossnotes.Grid(resolution=9, fixed_logit=fixed)
    for z in grid.logits().reshape(-1, 3):
        e = [mpmath.e ** mpmath.mpf(float(v)) for v in z]
        p = [x / sum(e) for x in e]
        if loss == "cross_entropy":
            exact = -mpmath.log(p[target])
        else:
            exact = sum((p[k] - (k == target)) ** 2 for k in range(3)) / 3
        r = e[2] / (e[0] + e[1])
        gap = abs(exact - mpmath.mpf(float(closed_form(loss, target, z[0], z[1], fixed))))
        assert gap <= 2 * r + 1e-15 * abs(exact)


def test_dropped_term_exponent():
    # Largest r at z0 = z1 = -10: e^(-1000 + 10 - log 2).
    expected = (-990 - np.log(2)) / np.log(10)
    assert dropped_term_log10() == pytest.approx(expected, rel=1e-14)
    assert dropped_term_log10() < smallest_subnormal_log10() - 100


@pytest.mark.parametrize(("loss", "target"), CASES)
def test_profile_slope_is_the_derivative(loss, target):
    d = np.linspace(-15, 15, 301)
    h = 1e-5
    numeric = (profile(loss, target, d + h) - profile(loss, target, d - h)) / (2 * h)
    np.testing.assert_allclose(profile_slope(loss, target, d), numeric, rtol=1e-6, atol=1e-10)


def test_mse_cliff_numbers():
    c = cliff("mse", 0)
    # max of (4/3) s^2 (1 - s) is at s = 2/3: (4/3)(4/9)(1/3) = 16/81, at d = log 2
    assert c.max_slope == pytest.approx(16 / 81, rel=1e-6)
    assert c.max_slope_at == pytest.approx(np.log(2), abs=2e-3)
    assert c.max_heatmap_slope == pytest.approx(np.sqrt(2) * 16 / 81, rel=1e-6)
    # 10 % and 90 % of the rise of (2/3) s^2: s = sqrt(0.1), sqrt(0.9) (up to the tiny ends)
    logit = lambda s: np.log(s / (1 - s))  # noqa: E731
    assert c.band_low == pytest.approx(logit(np.sqrt(0.1)), abs=3e-3)
    assert c.band_high == pytest.approx(logit(np.sqrt(0.9)), abs=3e-3)
    d = Z1 - Z0
    assert c.band_share == pytest.approx(((d >= c.band_low) & (d <= c.band_high)).mean())
    assert 0.5 < c.plateau_share < 1
    with pytest.raises(ValueError, match="not a function of d"):
        cliff("cross_entropy", 2)


def test_mse_valley_is_measured_over_abs_d():
    c = cliff("mse", 2)
    assert c.max_slope_at > 0 and c.band_low > 0
    fine = np.abs(profile_slope("mse", 2, np.linspace(0, 5, 50001))).max()
    assert c.max_slope == pytest.approx(fine, rel=1e-6)


def _exact_fixed_gradient(loss, target, z):
    e = [mpmath.e ** mpmath.mpf(float(v)) for v in z]
    p = [x / sum(e) for x in e]
    a = [p[k] - (k == target) for k in range(3)]
    if loss == "cross_entropy":
        return a[2]
    c = sum(a[k] * p[k] for k in range(3))
    return mpmath.mpf(2) / 3 * p[2] * (a[2] - c)


@pytest.mark.parametrize(("loss", "target"), CASES)
@pytest.mark.parametrize(
    "z",
    [
        (0.0, 0.0, -1000.0),
        (3.0, -2.0, -1000.0),
        (-2.0, 3.0, -1000.0),
        (-10.0, -10.0, -1000.0),
        (10.0, 9.8, -1000.0),
    ],
)
def test_fixed_logit_gradient_against_mpmath(loss, target, z):
    mpmath.mp.dps = 1000  # the MSE target-0 bracket cancels down to ~1e-435
    exact = _exact_fixed_gradient(loss, target, z)
    magnitude, sign = fixed_logit_gradient_log10(loss, target, np.array(z))
    assert float(sign) == float(mpmath.sign(exact))
    assert float(magnitude) == pytest.approx(float(mpmath.log10(abs(exact))), abs=1e-12)


def test_fixed_logit_gradient_in_float64_and_exactly():
    for target in (0, 2):
        surface = lossnotes.evaluate_surface("mse", target)
        assert (surface.grad[..., 2] == 0).all()
        magnitude, _ = fixed_logit_gradient_log10("mse", target, LOGITS)
        assert magnitude.max() < smallest_subnormal_log10() - 100
    magnitude, sign = fixed_logit_gradient_log10("mse", 2, np.array([0.0, 0.0, -1000.0]))
    assert float(sign) == -1.0
    # (2/3) p2 (1 + p0^2 + p1^2) = p2 at z0 = z1 = 0: log10(e^-1000 / 2)
    assert float(magnitude) == pytest.approx((-1000 - np.log(2)) / np.log(10), abs=1e-12)
    ce = lossnotes.evaluate_surface("cross_entropy", 2)
    assert (ce.grad[..., 2] == -1).all()


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_gradient_norm_bound_holds(loss):
    bound = gradient_norm_bound(loss)
    rng = np.random.default_rng(1)
    z = rng.normal(size=(20000, 3)) * rng.choice([0.1, 1, 10, 1000], size=(20000, 1))
    t = rng.integers(0, 3, size=20000)
    _, grad = lossnotes.loss_and_grad(loss, z, t)
    norms = np.linalg.norm(grad, axis=-1)
    assert norms.max() <= bound * (1 + 1e-12)
    for target in (0, 2):
        assert lossnotes.evaluate_surface(loss, target).grad_norm.max() <= bound
    # CE gets arbitrarily close to its bound: one wrong class holding all the mass.
    if loss == "cross_entropy":
        assert norms.max() > 0.999 * bound
    with pytest.raises(ValueError):
        gradient_norm_bound("mse", num_classes=1)


def test_vanishing_summary_numbers():
    s = vanishing_summary(lossnotes.evaluate_surface("mse", 0))
    # Smallest norm where class 0 loses: at z0 = -10, z1 = 10, d = 20, where the
    # gradient is sqrt(2) (4/3) s^2 (1 - s) with s = sigmoid(20).
    sig = 1 / (1 + np.exp(-20.0))
    assert s.min_norm_losing_at == (-10.0, 10.0)
    assert s.min_norm_losing == pytest.approx(np.sqrt(2) * (4 / 3) * sig**2 * (1 - sig), rel=1e-9)
    assert 0 < s.share_losing < s.share < 1
    ce = vanishing_summary(lossnotes.evaluate_surface("cross_entropy", 0))
    assert ce.share_losing == 0.0 and ce.min_norm_losing == pytest.approx(np.sqrt(2) / 2)
