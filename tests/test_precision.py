"""Each number the pages state exactly, against an independent computation.

Every test here pins one value the site glues into its prose (an extremum, a
threshold, a count) to a closed form, a bisection or a high-precision mpmath
reference computed here, independently of the library's own method.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

import lossnotes
from lossnotes.bisection import edge, root
from lossnotes.breakdown import exp_limits, subnormal_log
from lossnotes.closed_forms import BAND, cliff, profile
from lossnotes.comparison import VANISHING_THRESHOLD, vanishing_where_wrong
from lossnotes.descent import ADAM_BETAS, adam_second_moment_floor, descend
from lossnotes.gradient_maps import (
    gradient_log10,
    gradient_norm_bound,
    gradient_norm_log10,
    gradient_norm_supremum,
    vanishing_summary,
)
from lossnotes.leading import leader_gap, losing, tie

GRID = lossnotes.EXPERIMENT
LOGITS = GRID.logits()


def _sigmoid(x):
    return 1 / (1 + mpmath.e ** (-x))


# -- why: the steepest point of the MSE cliff and the edges of its band ---------------------


def test_steepest_point_of_the_mse_cliff_is_ln2():
    mpmath.mp.dps = 50
    # independent: root of the derivative of (4/3) s^2 (1 - s) along d, by mpmath
    slope = lambda d: mpmath.mpf(4) / 3 * _sigmoid(d) ** 2 * (1 - _sigmoid(d))  # noqa: E731
    at = mpmath.findroot(lambda d: mpmath.diff(slope, d), 0.7)
    assert float(at) == pytest.approx(math.log(2), rel=1e-15)
    c = cliff("mse", 0)
    assert c.max_slope_at == pytest.approx(float(at), rel=4e-16)
    assert c.max_slope == pytest.approx(16 / 81, rel=1e-15)
    assert c.max_heatmap_slope == pytest.approx(16 * math.sqrt(2) / 81, rel=1e-15)


def test_steepest_point_of_the_mse_valley():
    mpmath.mp.dps = 50
    slope = lambda d: (  # noqa: E731
        mpmath.mpf(2) / 3 * (2 * _sigmoid(d) - 1) * _sigmoid(d) * (1 - _sigmoid(d))
    )
    at = mpmath.findroot(lambda d: mpmath.diff(slope, d), 1.3)
    assert float(at) == pytest.approx(math.log(2 + math.sqrt(3)), rel=1e-15)
    c = cliff("mse", 2)
    assert c.max_slope_at == pytest.approx(float(at), rel=4e-16)
    assert c.max_slope == pytest.approx(math.sqrt(3) / 27, rel=1e-15)


@pytest.mark.parametrize(
    ("target", "start", "guesses"), [(0, -20, (-0.77, 2.9)), (2, 0, (0.65, 3.6))]
)
def test_band_edges_against_mpmath(target, start, guesses):
    mpmath.mp.dps = 50
    if target == 0:
        f = lambda d: mpmath.mpf(2) / 3 * _sigmoid(d) ** 2  # noqa: E731
    else:
        f = lambda d: (1 + _sigmoid(d) ** 2 + _sigmoid(-d) ** 2) / 3  # noqa: E731
    v0, v1 = f(mpmath.mpf(start)), f(mpmath.mpf(20))
    edges = [
        float(mpmath.findroot(lambda d, lv=level: f(d) - (v0 + lv * (v1 - v0)), guess))
        for level, guess in zip(BAND, guesses, strict=True)
    ]
    c = cliff("mse", target)
    assert c.band_low == pytest.approx(edges[0], rel=1e-12)
    assert c.band_high == pytest.approx(edges[1], rel=1e-12)
    if target == 2:
        assert round(c.band_low, 4) == 0.6549


def test_bisection_helpers():
    a, b = edge(lambda x: x * x < 2, 0.0, 2.0)
    assert np.nextafter(a, 3.0) == b and a * a < 2 <= b * b
    assert root(math.cos, 0.0, 3.0) == pytest.approx(math.pi / 2, rel=1e-15)
    with pytest.raises(ValueError):
        root(lambda x: x * x + 1, -1.0, 1.0)


# -- numerics: where np.exp overflows and underflows ------------------------------------------


@pytest.mark.parametrize(
    ("dtype", "bits", "min_exp"), [("float32", 24, -126), ("float64", 53, -1022)]
)
def test_exp_limits_against_the_format(dtype, bits, min_exp):
    mpmath.mp.dps = 50
    kind = np.dtype(dtype).type
    over, under = exp_limits(dtype)
    # exp overflows once it rounds past the largest finite number: above
    # log(2^emax (2 - 2^-bits)), halfway to 2^(emax + 1).
    emax = -min_exp + 1
    over_exact = mpmath.log(mpmath.mpf(2) ** emax * (2 - mpmath.mpf(2) ** -bits))
    # exp is 0 at or below half the smallest subnormal, 2^(min_exp - bits): log of 2^(min_exp-bits)
    under_exact = mpmath.log(mpmath.mpf(2) ** (min_exp - bits + 1) / 2)
    spacing_over = float(np.spacing(kind(over)))
    spacing_under = float(np.spacing(kind(abs(under))))
    assert abs(over - float(over_exact)) <= 2 * spacing_over
    assert abs(under - float(under_exact)) <= 2 * spacing_under
    with np.errstate(over="ignore", under="ignore"):
        assert np.isinf(np.exp(kind(over))) and np.isfinite(np.exp(np.nextafter(kind(over), 0)))
        assert np.exp(kind(under)) == 0 and np.exp(np.nextafter(kind(under), 0)) > 0
        # between the underflow limit and log(smallest subnormal), exp rounds up to it
        tiny = np.finfo(dtype).smallest_subnormal
        between = kind((under + subnormal_log(dtype)) / 2)
        assert np.exp(between) == tiny
    assert subnormal_log(dtype) == pytest.approx(float(mpmath.log(tiny)), rel=1e-12)


def test_float32_limit_ratios():
    (o32, u32), (o64, u64) = exp_limits("float32"), exp_limits("float64")
    assert round(o64 / o32, 1) == 8.0
    assert round(u64 / u32, 1) == 7.2
    assert o64 / o32 == pytest.approx(1024 / 128, rel=1e-6)  # log(2^1024) / log(2^128)
    assert u64 / u32 == pytest.approx(1075 / 150, rel=1e-6)  # log(2^-1075) / log(2^-150)


# -- gradients: 0 in float64, not in exact arithmetic ----------------------------------------


def _mp_gradient(loss, target, z):
    e = [mpmath.e ** mpmath.mpf(float(v)) for v in z]
    p = [x / sum(e) for x in e]
    a = [p[k] - (k == target) for k in range(3)]
    if loss == "cross_entropy":
        return a
    c = sum(a[k] * p[k] for k in range(3))
    return [mpmath.mpf(2) / 3 * p[k] * (a[k] - c) for k in range(3)]


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("target", [0, 1, 2])
@pytest.mark.parametrize(
    "z",
    [
        (0.0, 0.0, -1000.0),
        (10.0, 10.0, -1000.0),
        (-10.0, -10.0, -1000.0),
        (3.0, -2.0, -1000.0),
        (10.0, 9.797979797979798, -1000.0),
        (1.0, -2.0, 0.5),
        (-700.0, 0.0, 3.0),
    ],
)
def test_exact_gradient_against_mpmath(loss, target, z):
    mpmath.mp.dps = 1200  # the MSE brackets cancel down to ~1e-870
    exact = _mp_gradient(loss, target, z)
    mags, signs = gradient_log10(loss, target, np.array(z))
    for k in range(3):
        assert float(signs[k]) == float(mpmath.sign(exact[k]))
        if exact[k] != 0:
            assert float(mags[k]) == pytest.approx(float(mpmath.log10(abs(exact[k]))), abs=1e-11)
    norm = mpmath.sqrt(sum(x * x for x in exact))
    assert float(gradient_norm_log10(loss, target, np.array(z))) == pytest.approx(
        float(mpmath.log10(norm)), abs=1e-11
    )


def test_mse_norm_on_the_diagonal_is_zero_only_in_float64():
    surface = lossnotes.evaluate_surface("mse", 2)
    zero = surface.grad_norm == 0
    diagonal = LOGITS[..., 0] == LOGITS[..., 1]
    np.testing.assert_array_equal(zero, diagonal)
    exact = gradient_norm_log10("mse", 2, LOGITS[zero])
    # on the diagonal the norm is p2 sqrt(3/2) with p2 = e^(-1000 - z - ln 2), z from -10 to 10
    expected = [
        (-1000 - z - math.log(2)) / math.log(10) + math.log10(math.sqrt(1.5)) for z in (10, -10)
    ]
    assert float(exact.min()) == pytest.approx(expected[0], abs=1e-9)
    assert float(exact.max()) == pytest.approx(expected[1], abs=1e-9)
    assert round(float(exact.min()), 1) == -438.9 and round(float(exact.max()), 1) == -430.2


# -- gradients: the tight bound of the MSE gradient --------------------------------------------


def test_mse_supremum_is_16_sqrt2_over_27k():
    for k in (2, 3, 4, 10):
        sup, u = gradient_norm_supremum("mse", k)
        assert sup == pytest.approx(16 * math.sqrt(2) / (27 * k), rel=1e-15)
        assert u == pytest.approx(1 / 3, rel=1e-15)
        assert sup / gradient_norm_bound("mse", k) == pytest.approx(16 / 27, rel=1e-15)
    assert gradient_norm_supremum("cross_entropy", 3) == (math.sqrt(2), 0.0)


@pytest.mark.parametrize("k", [3, 4])
def test_mse_supremum_against_a_search_over_the_simplex(k):
    # independent: random logits and a local random search; nothing beats the supremum,
    # and the edge (target 1/3, one rival 2/3, the rest far below) comes within 1e-9 of it.
    rng = np.random.default_rng(7)
    sup, _ = gradient_norm_supremum("mse", k)
    z = rng.normal(size=(200_000, k)) * rng.choice([0.3, 1, 3, 10, 30], size=(200_000, 1))
    t = np.zeros(200_000, dtype=int)
    _, grad = lossnotes.loss_and_grad("mse", z, t)
    norms = np.linalg.norm(grad, axis=-1)
    best = z[np.argmax(norms)]
    top = float(norms.max())
    for _ in range(3000):
        trial = best + rng.normal(size=k) * 0.05
        value = float(np.linalg.norm(lossnotes.loss_and_grad("mse", trial, 0)[1]))
        if value > top:
            best, top = trial, value
    assert top <= sup * (1 + 1e-12)
    assert top > 0.999 * sup
    edge_point = np.array([0.0, math.log(2)] + [-60.0] * (k - 2))
    edge_norm = float(np.linalg.norm(lossnotes.loss_and_grad("mse", edge_point, 0)[1]))
    assert edge_norm == pytest.approx(sup, rel=1e-9)


# -- training: Adam against sign descent, and what float64 loses -------------------------------


def _adam_count(f, eps, budget=2000, lr=1.0, betas=ADAM_BETAS):
    """Adam on (rival, rival, target) with the closed-form MSE gradient, in plain floats."""
    b1, b2 = betas
    z = [0.0, 0.0, f]
    m, v = [0.0] * 3, [0.0] * 3
    for n in range(budget + 1):
        if z[2] > max(z[0], z[1]):
            return n
        d = z[0] - z[2]
        pt = 1 / (1 + 2 * math.exp(d))
        q = 1 - pt
        g = [pt * q * q / 2, pt * q * q / 2, -pt * q * q]
        for i in range(3):
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * (g[i] * g[i])
            mh, vh = m[i] / (1 - b1 ** (n + 1)), v[i] / (1 - b2 ** (n + 1))
            z[i] -= lr * mh / (math.sqrt(vh) + eps)
    return None


def _sign_count(f, budget=2000):
    z = [0.0, 0.0, f]
    for n in range(budget + 1):
        if z[2] > max(z[0], z[1]):
            return n
        z = [z[0] - 1, z[1] - 1, z[2] + 1]  # every entry non-zero: rivals +, target -
    return None


@pytest.mark.parametrize(
    ("f", "adam", "sign"), [(-2, 1, 2), (-10, 7, 6), (-14, 10, 8), (-30, 23, 16), (-100, 67, 51)]
)
def test_adam_with_tiny_eps_is_not_sign_descent(f, adam, sign):
    runs = {
        opt: descend(
            "mse",
            [0.0, 0.0, float(f)],
            2,
            lr=1.0,
            steps=2000,
            optimizer=opt,
            eps=1e-300,
            until_recovered=True,
        ).recovered_at
        for opt in ("adam", "sign")
    }
    assert runs == {"adam": adam, "sign": sign}
    if f == -2:
        # Adam's first step is sign descent's up to rounding: the tie at -1 it would make in
        # exact arithmetic is broken by 2 units in the last place of the target's step.
        first = descend("mse", [0.0, 0.0, -2.0], 2, 1.0, 1, optimizer="adam", eps=1e-300)
        assert first.logits[1, 0] == -1.0 and 0 < first.logits[1, 2] + 1 <= 4 * 2.0**-53
        assert _adam_count(float(f), 1e-300) == 2
    else:
        assert _adam_count(float(f), 1e-300) == adam
    if f > -100:  # the plain-float rival gradient underflows differently at -100
        assert _sign_count(float(f)) == sign


def test_adam_second_moment_floor():
    mpmath.mp.dps = 50
    floor = adam_second_moment_floor()
    share = 1 - ADAM_BETAS[1]
    # (1 - beta2) g^2 rounds to 0 at or below half the smallest subnormal
    expected = mpmath.sqrt(mpmath.mpf(2) ** -1075 / mpmath.mpf(share))
    assert floor == pytest.approx(float(expected), rel=1e-6)
    assert share * np.square(floor) == 0 and share * np.square(np.nextafter(floor, 1)) > 0
    assert f"{floor:.0e}" == "5e-161"
    with pytest.raises(ValueError):
        adam_second_moment_floor(1.0)


def test_at_minus_100_only_the_fixed_logit_update_is_lost():
    mpmath.mp.dps = 50
    run = descend("mse", [0.0, 0.0, -100.0], 2, lr=1.0, steps=1)
    # rival update p_t q^2 / 2 with p_t = 1 / (1 + 2 e^100), q = 1 - p_t
    pt = 1 / (1 + 2 * mpmath.e**100)
    rival = pt * (1 - pt) ** 2 / 2
    assert run.logits[1, 0] == run.logits[1, 1] == pytest.approx(-float(rival), rel=1e-12)
    assert f"{run.logits[1, 0]:.1e}" == "-9.3e-45"
    assert run.logits[1, 2] == -100.0  # -100 + 2 * rival rounds back to -100


# -- why: one unit in the last place ------------------------------------------------------------


def test_ce_difference_near_1000_is_one_ulp():
    assert np.spacing(1000.0) == 2.0**-43  # 1.137e-13: 1000 lies in [2^9, 2^10)
    surface = lossnotes.evaluate_surface("cross_entropy", 2)
    z = LOGITS
    closed = np.logaddexp(z[..., 0], z[..., 1]) + 1000.0
    assert np.abs(surface.loss - closed).max() <= 2.0**-43


# -- explore: the MSE valley, not a plateau -----------------------------------------------------


@pytest.mark.parametrize("fixed", [-100.0, -1000.0])
def test_mse_with_fixed_target_is_the_valley_from_one_half_to_two_thirds(fixed):
    loss = lossnotes.evaluate_surface("mse", 2, lossnotes.Grid(fixed_logit=fixed)).loss
    d = 20.0  # the largest |z1 - z0| on the grid: (1 + s^2 + (1 - s)^2) / 3 at s = sigmoid(20)
    s = 1 / (1 + math.exp(-d))
    assert loss.min() == pytest.approx(0.5, rel=1e-12)
    assert loss.max() == pytest.approx((1 + s * s + (1 - s) ** 2) / 3, rel=1e-12)
    assert float(profile("mse", 2, 0.0)) == 0.5


# -- the tie: one definition everywhere ------------------------------------------------------


def test_the_tie_counts_as_losing_everywhere():
    z = np.array([[1.0, 0.0, -5.0], [1.0, 1.0, -5.0], [0.0, 1.0, -5.0]])
    assert losing(z, 0).tolist() == [False, True, True]
    assert tie(z, 0).tolist() == [False, True, False]
    assert leader_gap(z, 0).tolist() == [1.0, 0.0, -1.0]
    # a descent run recovers at the first strict lead, never at a tie
    run = descend("cross_entropy", [0.0, 0.0, -1000.0], 0, lr=1.0, steps=3)
    assert run.recovered_at == 1 and leader_gap(run.logits[0], 0) == 0


def test_tie_changes_the_counts_as_the_pages_say():
    mse0 = lossnotes.evaluate_surface("mse", 0)
    ce0 = lossnotes.evaluate_surface("cross_entropy", 0)
    strict = LOGITS[..., 1] > LOGITS[..., 0]
    with_ties = LOGITS[..., 1] >= LOGITS[..., 0]
    norm = mse0.grad_norm
    assert vanishing_where_wrong(mse0) == pytest.approx(
        (norm[with_ties] < VANISHING_THRESHOLD).mean()
    )
    assert round(100 * vanishing_where_wrong(mse0), 1) == 8.0
    assert round(100 * float((norm[strict] < VANISHING_THRESHOLD).mean()), 1) == 8.2
    summary = vanishing_summary(ce0)
    # CE gradient norm sqrt((1 - p0)^2 + p1^2) = sqrt(2) sigmoid(d) with p2 = 0
    assert summary.min_norm_losing == pytest.approx(math.sqrt(2) / 2, rel=1e-12)
    step = GRID.step
    strict_min = float(ce0.grad_norm[strict].min())
    assert strict_min == pytest.approx(math.sqrt(2) / (1 + math.exp(-step)), rel=1e-12)
    assert round(strict_min, 3) == 0.778
