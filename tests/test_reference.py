"""The stable core against an independent 400-digit mpmath reference.

The reference evaluates the definitions (softmax, -log p_t, the mean of squared
residuals, the chain rule through the softmax Jacobian) on the exact binary
value of each input, writing ``1 - p_k`` as the sum of the other
probabilities (so that it keeps its digits when tiny).

Why 400 digits: the chain rule of the MSE gradient is a sum of terms of mixed
signs, each at most 1 in size, and at logits a few hundred apart it cancels
through as many digits as the gradient entry is small: at z = (0, 300, 300)
with target 0 the entry of class 1 is about 1e-131 while its terms are about
0.1. Evaluated to D digits, the sum carries an absolute error near 10**-D, so
a 60- or 80-digit reference is wrong there (a correct implementation would
fail against it, and a wrong one could pass). 400 digits put that error far
below the smallest normal float64 (2.2e-308), so every normal entry is
exact to more than 80 digits, whatever cancels.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest

from lossnotes import (
    EXPERIMENT,
    cross_entropy,
    cross_entropy_grad,
    log_softmax,
    loss_and_grad,
    mse,
    mse_grad,
    softmax,
)

DIGITS = 400
mp.mp.dps = DIGITS

#: The promised relative error in float64, and in float32 (times the condition number
#: for the bracket of a non-target MSE gradient entry in float32).
TOL = {np.float64: 1e-12, np.float32: 2e-5}


def reference(z: np.ndarray, t: int) -> dict:
    """Exact values (to 400 digits) for the float logits ``z`` and target ``t``."""
    zz = [mp.mpf(float(v)) if np.isfinite(v) else None for v in z]
    k = len(zz)
    m = max(v for v in zz if v is not None)
    e = [mp.exp(v - m) if v is not None else mp.mpf(0) for v in zz]
    total = mp.fsum(e)
    p = [x / total for x in e]

    def others(i):  # 1 - p_i
        return mp.fsum(p[j] for j in range(k) if j != i)

    if zz[t] is None:
        ce = mp.inf
    else:
        ce = mp.log1p(
            mp.fsum(mp.exp(v - zz[t]) for j, v in enumerate(zz) if j != t and v is not None)
        )
    a = [p[j] if j != t else -others(t) for j in range(k)]
    mse_grad_ref, cond = [], []
    rest = mp.fsum(e[j] for j in range(k) if j != t)
    for j in range(k):
        terms = [a[i] * p[i] * (others(j) if i == j else -p[j]) for i in range(k)]
        mse_grad_ref.append(mp.mpf(2) / k * mp.fsum(terms))
        if j == t:
            cond.append(mp.mpf(1))
            continue
        bracket = [e[t] * (e[j] + rest)]
        bracket += [e[i] * (e[j] - e[i]) for i in range(k) if i not in (t, j)]
        total_abs = mp.fsum(abs(x) for x in bracket)
        value = abs(mp.fsum(bracket))
        cond.append(total_abs / value if value else mp.inf)
    log_p = [
        -mp.log1p(mp.fsum(mp.exp(w - v) for i, w in enumerate(zz) if i != j and w is not None))
        if v is not None
        else -mp.inf
        for j, v in enumerate(zz)
    ]
    return {
        "softmax": p,
        "log_softmax": log_p,
        "ce": ce,
        "ce_grad": [p[j] if j != t else -others(t) for j in range(k)],
        "mse": mp.fsum(x * x for x in a) / k,
        "mse_grad": mse_grad_ref,
        "cond": cond,
    }


def close(got, exact, dtype, scale=1) -> bool:
    """``got`` is within ``TOL * scale`` relative of ``exact``, or rounds like it out of range."""
    info = np.finfo(dtype)
    if exact == mp.inf or abs(exact) > mp.mpf(float(info.max)):
        return bool(np.isinf(got)) and (got > 0) == (exact > 0)
    if not np.isfinite(got):
        return False
    if abs(exact) < mp.mpf(float(info.tiny)):  # below the normal range: an absolute error
        return abs(mp.mpf(float(got)) - exact) <= mp.mpf(float(info.tiny))
    return abs(mp.mpf(float(got)) - exact) <= TOL[dtype] * scale * abs(exact)


def check_all(z: np.ndarray, t: int) -> None:
    dtype = z.dtype.type
    ref = reference(z, t)
    got = {
        "softmax": softmax(z),
        "log_softmax": log_softmax(z),
        "ce_grad": cross_entropy_grad(z, t),
        "mse_grad": mse_grad(z, t),
    }
    for name, values in got.items():
        assert values.dtype == dtype, name
        for j, value in enumerate(values):
            scale = ref["cond"][j] if name == "mse_grad" and dtype is np.float32 else 1
            assert close(value, ref[name][j], dtype, scale), (name, j, z.tolist(), t, value)
    for name, fn in (("ce", cross_entropy), ("mse", mse)):
        value = fn(z, t)
        assert value.dtype == dtype
        assert close(value, ref[name], dtype), (name, z.tolist(), t, value, ref[name])


HAND_PICKED = [
    ([9.06, -25.65], 0),
    ([10.0, -10.0, -1000.0], 0),
    ([10.0, -10.0, -1000.0], 2),
    ([1e15, 1e15 + 2, -1e15], 1),
    ([1e300, -1e300, 0.0], 0),
    ([1e300, -1e300, 0.0], 2),
    ([-1e300, 1e300, 1e300], 0),
    ([0.0, 0.0, -1000.0], 0),
    ([0.0, 0.0, -1000.0], 2),
    ([5.0, 5.0, 5.0], 1),
    ([-np.inf, 0.0, 1.0], 1),
    ([0.0, -np.inf, -np.inf], 0),
    ([0.0, -50.0, -50.0000001], 1),
    ([3.0, 1.0, 1.0 + 1e-12], 2),
    ([700.0, 0.0, -700.0], 2),
    ([-700.0, 0.0, 700.0], 0),
    ([0.0, 1e-20, -1e-20], 0),
    ([0.0, -744.0, -30.0, 2.0], 3),
    ([1e-300, -1e-300], 1),
]


@pytest.mark.parametrize(("z", "t"), HAND_PICKED)
def test_hand_picked_extremes_float64(z, t):
    check_all(np.array(z, dtype=np.float64), t)


@pytest.mark.parametrize(
    ("z", "t"),
    [
        ([9.06, -25.65], 0),
        ([10.0, -10.0, -1000.0], 0),
        ([3e38, -3e38], 1),
        ([3e38, -3e38, 0.0], 0),
        ([80.0, 0.0, -80.0], 2),
        ([30.0, -60.0], 0),
        ([-np.inf, 0.0, 1.0], 2),
        ([1e7, 1e7 + 2, -1e7], 1),
    ],
)
def test_hand_picked_extremes_float32(z, t):
    z32 = np.array(z, dtype=np.float32)
    check_all(z32, t)
    loss, grad = loss_and_grad("mse", z32, t)
    assert loss.dtype == np.float32 and grad.dtype == np.float32
    assert np.isfinite(grad).all()


def test_the_issue_examples_to_the_last_digits():
    got = float(cross_entropy([9.06, -25.65], 0))
    assert got == pytest.approx(8.426331353470533e-16, rel=1e-13)
    exact = reference(np.array([1e15, 1e15 + 2, -1e15]), 1)["ce"]
    got = float(cross_entropy([1e15, 1e15 + 2, -1e15], 1))
    assert abs(got - float(exact)) <= 1e-15 * float(exact)
    assert round(got, 5) == 0.12693
    ref = reference(np.array([10.0, -10.0, -1000.0]), 0)["ce"]
    assert abs(float(cross_entropy([10.0, -10.0, -1000.0], 0)) - ref) <= 1e-15 * ref


def test_a_gap_beyond_the_largest_float_gives_inf_the_rounded_value():
    loss, grad = loss_and_grad("cross_entropy", [1e308, -1e308], 1)
    assert loss == np.inf
    np.testing.assert_array_equal(grad, [1.0, -1.0])
    assert loss_and_grad("cross_entropy", np.array([3e38, -3e38], np.float32), 1)[0] == np.inf
    # below the largest float it stays finite and exact
    assert float(cross_entropy([8e307, -8e307], 1)) == 1.6e308


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_random_draws(dtype):
    rng = np.random.default_rng(20240607)
    top = 3 if dtype is np.float64 else 1.5
    for _ in range(120):
        k = int(rng.integers(2, 6))
        scale = 10.0 ** rng.uniform(-3, top)
        z = rng.normal(0.0, scale, k).astype(dtype)
        check_all(z, int(rng.integers(0, k)))


@pytest.mark.parametrize("target", [0, 1, 2])
def test_experiment_grid_subsample(target):
    logits = EXPERIMENT.logits()[::11, ::11].reshape(-1, 3)
    for z in logits:
        check_all(z, target)
    # the vectorised call gives the same numbers as the one-sample calls
    loss, grad = loss_and_grad("mse", logits, target)
    np.testing.assert_array_equal(loss, [mse(z, target) for z in logits])
    np.testing.assert_array_equal(grad, [mse_grad(z, target) for z in logits])


def _mse_grad_root() -> float:
    """The x where d MSE / d z_1 changes sign along z = (0, 1, x), target 0 (bisection, exact)."""
    lo, hi = 0.0, 20.0
    sign_lo = reference(np.array([0.0, 1.0, lo]), 0)["mse_grad"][1] > 0
    for _ in range(80):
        mid = (lo + hi) / 2
        if (reference(np.array([0.0, 1.0, mid]), 0)["mse_grad"][1] > 0) == sign_lo:
            lo = mid
        else:
            hi = mid
    return lo


def test_mse_gradient_near_a_sign_change_keeps_the_plain_bound():
    root = _mse_grad_root()
    assert root == pytest.approx(1.5771727439, rel=1e-9)
    conditions = []
    for offset in [1e-1, 1e-3, 1e-5, 1e-7, 1e-9, 1e-11, 1e-13, 1e-15]:
        for side in (1, -1):
            z = np.array([0.0, 1.0, root + side * offset])
            ref = reference(z, 0)
            got = mse_grad(z, 0)
            for j in range(3):
                assert close(got[j], ref["mse_grad"][j], np.float64), (offset, side, j)
            conditions.append(float(ref["cond"][1]))
    # the points come within an ulp of the sign change (condition numbers up to ~1e15, where
    # plain float64 arithmetic keeps no correct digit); the exact fallback keeps them all
    assert max(conditions) > 1e14


def test_ill_conditioned_entries_are_rare_and_do_not_change_well_conditioned_ones():
    rng = np.random.default_rng(11)
    z = rng.normal(0, 3, size=(2000, 4))
    t = rng.integers(0, 4, size=2000)
    _, grad = loss_and_grad("mse", z, t)
    for i in range(0, 2000, 97):
        ref = reference(z[i], int(t[i]))
        for j in range(4):
            assert close(grad[i, j], ref["mse_grad"][j], np.float64)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_mse_on_logits_against_the_reference(dtype):
    rng = np.random.default_rng(7)
    big = 1.5e154 if dtype is np.float64 else 2e19
    cases = [rng.normal(0, 10.0 ** rng.uniform(-3, 3), 3) for _ in range(50)]
    cases += [np.array([big, 0.0, -big / 2]), np.array([big * 1.3, big, 1.0])]
    for z in cases:
        z = z.astype(dtype)
        t = 1
        loss, grad = loss_and_grad("mse_logits", z, t)
        exact = [mp.mpf(float(v)) - (1 if j == t else 0) for j, v in enumerate(z)]
        assert close(loss, mp.fsum(x * x for x in exact) / 3, dtype), z
        for j in range(3):
            assert close(grad[j], 2 * exact[j] / 3, dtype), (z, j)


def _check_batch(z: np.ndarray, t) -> None:
    """Every sample of a batch against the reference, for every function.

    Each sample must also give the same numbers alone as in the batch.
    """
    ce, ce_grad = loss_and_grad("cross_entropy", z, t)
    mse_loss, mse_g = loss_and_grad("mse", z, t)
    targets = np.broadcast_to(t, z.shape[:1])
    for i, row in enumerate(z):
        ti = int(targets[i])
        ref = reference(row, ti)
        assert close(ce[i], ref["ce"], np.float64), (row.tolist(), ce[i])
        assert close(mse_loss[i], ref["mse"], np.float64), (row.tolist(), mse_loss[i])
        for j in range(z.shape[1]):
            assert close(ce_grad[i, j], ref["ce_grad"][j], np.float64), (row.tolist(), j)
            assert close(mse_g[i, j], ref["mse_grad"][j], np.float64), (row.tolist(), j)
        for name, (loss, grad) in (("cross_entropy", (ce, ce_grad)), ("mse", (mse_loss, mse_g))):
            alone = loss_and_grad(name, row, ti)
            np.testing.assert_array_equal(alone[0], loss[i])
            np.testing.assert_array_equal(alone[1], grad[i])


@pytest.mark.parametrize(
    ("rows", "t"),
    [
        ([[10.0, -10.0, -1000.0], [0.0, 3.0, 200.0]], 0),
        # the note's bad start: the target held far below
        ([[10.0, -10.0, -1000.0], [3.0, 5.0, -900.0], [-7.5, 9.0, -1e6]], 2),
        ([[-1000.0, 0.0, 2.0], [-3.0, 0.0, -2.0]], 0),
        # the target wins one sample and loses another by 1000
        ([[10.0, -10.0, -1000.0], [0.0, 0.0, 5.0]], 2),
        ([[0.0, 500.0, -1000.0], [1.0, 1.0, -1000.0]], 2),
        # a target of -inf beside a class of -inf: an infinite loss
        ([[-np.inf, 0.0, -np.inf], [1.0, 2.0, -2000.0]], 2),
        # one target per sample
        ([[0.0, 300.0, 300.0], [5.0, -5.0, 0.0], [1e15, 1e15 + 2, -1e15]], [0, 2, 1]),
    ],
)
def test_batches_that_mix_extremes_against_the_reference(rows, t):
    _check_batch(np.array(rows, dtype=np.float64), t)


#: Logits a few hundred apart, where the MSE gradient's chain rule cancels through
#: hundreds of digits (see the module docstring), and ties between the target and a
#: class far above another (where one grouping of the MSE bracket cancels).
HUNDREDS = [
    ([0.0, 300.0, 300.0], 0),
    ([0.0, 300.0, 300.0 + 1e-13], 0),
    ([0.0, 300.0, 299.9], 0),
    ([-250.0, 0.0, 0.0], 0),
    ([300.0, 0.0, 0.0], 1),
    ([0.0, 0.0, -300.0], 2),
    ([0.0, 0.0, -12.0], 2),
    ([7.0, 7.0, -5.0], 0),
    ([9.5, 9.5, -5.0], 1),
    ([0.0, 200.0, 200.0, 199.0], 0),
    ([-600.0, 100.0, 100.0 + 2e-14, -50.0], 0),
    ([-20.0, 0.0, 3e-9], 0),
    ([0.0, 5.0, 5.0 + 1e-10], 0),
    ([5.0, 5.0 + 1e-10, 0.0], 0),
    ([2.0, 2.5, 2.0 + 1e-12, -3.0], 0),
]


@pytest.mark.parametrize(("z", "t"), HUNDREDS)
def test_logits_a_few_hundred_apart(z, t):
    check_all(np.array(z, dtype=np.float64), t)


def test_ties_and_near_ties_against_the_reference():
    # the target, or another class, ties (or nearly) with a class above or below the rest:
    # where one grouping of the MSE bracket cancels without a sign change
    rng = np.random.default_rng(17)
    for _ in range(60):
        k = int(rng.integers(3, 5))
        z = rng.normal(0.0, 6.0, k)
        i, m = rng.choice(k, 2, replace=False)
        z[m] = z[i] + rng.choice([0.0, 1e-12, -1e-12, 1e-7, -1e-7])
        check_all(z, int(rng.integers(0, k)))


def test_a_60_digit_reference_would_be_wrong_there():
    # The entry of class 1 at z = (0, 300, 300), target 0, is about 1.2e-131: 60 or 80
    # digits get it wrong by far more than the 1e-12 the tests check, 400 do not.
    z = np.array([0.0, 300.0, 300.0])
    exact = reference(z, 0)["mse_grad"][1]
    assert 1e-131 < exact < 2e-131
    for digits in (60, 80):
        with mp.workdps(digits):
            rough = reference(z, 0)["mse_grad"][1]
        assert abs(rough - exact) > 1e-3 * abs(exact), digits
    with mp.workdps(2 * DIGITS):
        # at 400 digits the absolute error is about 1e-400: 250 digits of the entry are exact
        assert abs(reference(z, 0)["mse_grad"][1] - exact) < mp.mpf(10) ** -250 * abs(exact)


def _plain_exact_mse_grad(logits):
    """The MSE gradient (target first) in plain float64 arithmetic: no exact fallback."""
    p = np.exp(np.array(logits) - max(logits))
    p /= p.sum()
    a = p.copy()
    a[0] = -p[1:].sum()
    return list(2 * p * (a - np.dot(a, p)) / len(p))


def _perturbations(losses):
    """Ways to break the core, each of which the checks above must notice."""

    def naive_one_minus_p(sp, order, grad):
        loss = _cross_entropy(sp, order, grad)
        grad[0][...] = losses._target_first(sp.exp, order)[0] / sp.total - 1.0
        return loss

    def off_by_1e_11(sp, order, grad):
        loss = _mse(sp, order, grad)
        for plane in grad:
            plane *= 1 + 1e-11
        return loss

    _cross_entropy, _mse = losses._cross_entropy, losses._mse
    return {
        # no exact recomputation near a sign change of an MSE gradient entry
        "no exact fallback": ("_exact_mse_grad", _plain_exact_mse_grad),
        # e_j - e_k as a plain difference of close exponentials
        "no expm1": ("_exp_difference", lambda z, e, j, k: e[j] - e[k]),
        # p_t - 1 as a difference, which rounds a tiny value to 0
        "1 - p_t": ("_cross_entropy", naive_one_minus_p),
        # an error of 1e-11, ten times the promised bound
        "1e-11 off": ("_mse", off_by_1e_11),
    }


@pytest.mark.parametrize(
    ("broken", "z", "t"),
    [
        ("no exact fallback", None, 0),
        # two close classes, the target far below (at logits of a few hundred the gap is
        # a few ulp of the logits, and a plain difference of exponentials is exact)
        ("no expm1", [1.0, 1.0 + 1e-9, -50.0], 2),
        ("no expm1", [-50.0, 3.0, 3.0 + 3e-10], 0),
        ("1 - p_t", [9.06, -25.65], 0),
        ("1e-11 off", [2.0, -1.0, 0.5], 1),
    ],
)
def test_the_checks_catch_a_broken_core(broken, z, t, monkeypatch):
    import lossnotes.losses as losses

    if z is None:  # within an ulp of a sign change of an MSE gradient entry
        z = [0.0, 1.0, float(np.nextafter(_mse_grad_root(), 0.0))]
    z = np.array(z)
    check_all(z, t)  # the real core passes
    name, replacement = _perturbations(losses)[broken]
    monkeypatch.setattr(losses, name, replacement)
    with pytest.raises(AssertionError):
        check_all(z, t)


def test_underflowing_and_subnormal_exponentials_against_the_reference():
    # a plane all below the underflow threshold is filled with zeros (each row alone, and
    # the last two rows together); one whose results are subnormal is exponentiated;
    # both agree with the reference
    rows = np.array([[0.0, -720.0, -1000.0], [0.0, -744.9, -745.2], [0.0, -740.0, -1e300]])
    for t in range(3):
        _check_batch(rows, t)
        _check_batch(rows[1:], t)
        for i in range(3):
            _check_batch(rows[i : i + 1], t)
    assert float(cross_entropy_grad(rows, 0)[1, 1]) == pytest.approx(np.exp(-744.9), rel=0.2)
    assert cross_entropy_grad(rows, 0)[0, 1] == pytest.approx(np.exp(-720.0), rel=1e-12)


def test_invalid_values_are_reported():
    for rows, t in [
        ([[np.inf, 0.0, -1000.0]], 2),  # +inf in the class the shift would use
        ([[10.0, -10.0, -1000.0], [0.0, np.nan, -1000.0]], 2),
        ([[10.0, -10.0, -1000.0], [-np.inf, -np.inf, -np.inf]], 2),
    ]:
        with pytest.raises(ValueError, match="logits"):
            loss_and_grad("cross_entropy", rows, t)
        with pytest.raises(ValueError, match="logits"):
            loss_and_grad("mse", rows, t)
