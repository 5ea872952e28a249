"""Cross-entropy and mean-squared-error losses and their gradients, stable at any logit.

Definitions, for logits ``z`` of K classes, ``p = softmax(z)`` and the one-hot
target ``y`` of class ``t``:

* cross-entropy ``CE = -log p_t``;
* MSE ``= (1/K) * sum_k (p_k - y_k)**2`` (the mean over classes; the sum used in
  many lectures is K times this);
* MSE on logits ``= (1/K) * sum_k (z_k - y_k)**2``: the square loss on the raw
  outputs, with no softmax.

Gradients are with respect to every one of the K logits. Each formula is
arranged so that no two nearly equal numbers are ever subtracted: ``1 - p_t``
is the sum of the other probabilities, and differences of close probabilities
are ``expm1`` of logit differences. The one cancellation left, near the
genuine sign change of a non-target MSE gradient entry, is detected and the
few samples it affects are recomputed exactly (see :func:`mse_grad`).

float32 input is computed in float32; integer input in float64. No numpy
floating-point warning is ever emitted.
"""

from __future__ import annotations

import decimal
import math
import numbers
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numpy.typing import ArrayLike

from .validation import check_logits, check_name, check_target

__all__ = [
    "LOSS_NAMES",
    "cross_entropy",
    "cross_entropy_grad",
    "loss_and_grad",
    "mse",
    "mse_grad",
    "mse_logits",
    "mse_logits_grad",
]

#: The names :func:`loss_and_grad` accepts.
LOSS_NAMES: tuple[str, ...] = ("cross_entropy", "mse", "mse_logits")


# ------------------------------------------------------------------- the engine
#
# Every loss is evaluated on class planes: for each class, the contiguous vector
# of its logits over a chunk of samples, the target class first. A reduction over
# the K classes is then K - 1 element-wise operations between planes, and the
# working set of a chunk stays in the processor's cache. Chunks are shared out
# between threads (numpy releases the GIL inside its loops).
#
# Shift. The exponentials are taken relative to the target's own logit,
# e_k = exp(z_k - z_t), so e_t = 1 needs no exponential and the normaliser is
# T = 1 + r with r = sum_{k != t} e_k: the cross-entropy is log1p(r) whatever
# the target's rank, a single correctly rounded function of a sum of positive
# terms. This needs r <= the dtype's fast limit (T**3 must not overflow).
# A chunk beyond it (some logit far above the target's, as in the note's bad
# start, a -inf target logit, or invalid input) is shifted by the logits of the
# first class that is never below the target, if no logit exceeds those by more
# than the limit, and otherwise by the maximum (per sample). Either shift c has
# z_t <= c and one exponential equal to 1, and the cross-entropy is
# log1p(r + e_t - 1) - (z_t - c), a sum of two non-negative terms.
#
# Underflow. np.exp takes a slow path for every result that underflows (seven
# times the cost of a normal one, fifty for a subnormal one), and a class held
# far below the others is all underflow: a plane of exponents that all round to
# 0 is filled with zeros instead.
#
# Rounding. exp(z_k - c) carries the rounding of the difference z_k - c, a
# relative error of at most |z_k - c| * eps / 2: wherever it matters the
# exponential is a normal number, so |z_k - c| < 745 and that is below 1e-13 in
# float64. Everything else is sums of terms of one sign, products and quotients,
# except the bracket of the MSE gradient of a non-target class (see mse_grad).

#: Samples per chunk: large enough that numpy's per-call cost is small next to the
#: work (half a megabyte a plane), small enough that a chunk's planes stay near
#: the core. On a 2-core machine, 65536 measured 20 % faster than 32768 on the
#: 1000 x 1000 benchmark, and 131072 no faster.
_CHUNK = 65536
#: Below this |z_j - z_k|, e_j - e_k is computed through expm1; above it
#: e_small <= e_big / 2 and the plain difference is exact to a few ulp.
_EXPM1_BELOW = 0.7
_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _threads() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def _pool() -> ThreadPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=_threads(), thread_name_prefix="lossnotes")
        return _POOL


def _forget_pool() -> None:
    """In a forked child the pool's threads do not exist: start a new pool when needed."""
    global _POOL, _POOL_LOCK
    _POOL = None
    _POOL_LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def _gap_limit(dtype: np.dtype, k: int) -> float:
    """Largest logit gap above the target evaluated with the target shift.

    There ``r <= (K - 1) * exp(gap)`` stays below ``2**(maxexp / 3 - 6)``, so
    ``(1 + r)**3`` is far from overflow and ``(2/K) / (1 + r)**3`` far from underflow.
    """
    return (np.finfo(dtype).maxexp // 3 - 6) * math.log(2) - math.log(k - 1)


def _underflow_below(dtype: np.dtype) -> float:
    """Arguments below which ``exp`` rounds to 0 in ``dtype`` (with a margin of 0.01)."""
    return math.log(float(np.finfo(dtype).smallest_subnormal)) - math.log(2) - 0.01


def _exp_in_place(x: np.ndarray, top: float, below: float) -> np.ndarray:
    """``exp(x)`` written into ``x``, given ``top = x.max()``; returns ``x``.

    Where every argument is below ``below`` every result is 0, and the plane is
    filled with zeros: ``np.exp`` takes a slow path for each result that
    underflows (about seven times the cost of a normal one), and a class held
    far below the others, as in the note's experiment, is all underflow.
    """
    if top < below:  # False for nan: the exponential then propagates it
        x.fill(0.0)
        return x
    return np.exp(x, out=x)


def _exp_difference(z: list, e: list, j: int, k: int) -> np.ndarray:
    """``e_j - e_k`` to full relative accuracy (a new array).

    The plain difference is exact to a few ulp unless the two logits are within
    ``_EXPM1_BELOW`` of each other; there it is ``+-max(e_j, e_k) * -expm1(-|z_j - z_k|)``.
    """
    diff = e[j] - e[k]
    gap = z[j] - z[k]  # nan only where both are -inf, and then diff = 0 - 0 already
    near = np.abs(gap) < _EXPM1_BELOW
    if near.any():
        idx = np.flatnonzero(near)
        g = gap[idx]
        big = np.maximum(e[j][idx], e[k][idx])
        diff[idx] = np.copysign(big * -np.expm1(-np.abs(g)), g)
    return diff


def _finish(name: str, z: list, e: list, r: np.ndarray, loss: np.ndarray, grad: list) -> None:
    """Gradient (and the MSE) from the exponentials of one shift, written into ``grad``, ``loss``.

    ``z`` and ``e`` are lists of class planes, target first; ``e[0]`` is the
    scalar 1 for the target shift, else a plane. ``r`` is ``sum(e[1:])``. The
    cross-entropy itself is written into ``loss`` by the caller.
    """
    target_shift = isinstance(e[0], float)
    k = len(z)
    e0 = e[0]
    total = r + e0
    if name == "cross_entropy":  # the loss is already in ``loss``
        np.divide(r, total, out=grad[0])
        np.negative(grad[0], out=grad[0])
        for j in range(1, k):
            np.divide(e[j], total, out=grad[j])
        return
    # mse. With p = e / T, q = 1 - p_t = r / T and a = p - y:
    #   K * MSE = q**2 + sum_{k!=t} p_k**2 = N / T**2,  N = r**2 + sum_{k!=t} e_k**2,
    #   dMSE/dz_t = -(2/K) e_t N / T**3                       (all terms of one sign),
    #   dMSE/dz_j =  (2/K) e_j B_j / T**3,
    #   B_j = e_t (e_j + r) + sum_{k not in {t, j}} e_k (e_j - e_k).
    square = np.multiply(total, total)
    if k == 3:  # N = 2 (r**2 - e_1 e_2): three operations instead of five
        n_sum = np.multiply(r, r)
        n_sum -= e[1] * e[2]
        np.divide(n_sum, square, out=loss)
        loss *= 2.0 / k
    else:
        n_sum = np.multiply(r, r)
        for j in range(1, k):
            n_sum += e[j] * e[j]
        np.divide(n_sum, square, out=loss)
        loss *= 1.0 / k
    weight = np.divide(2.0 / k, np.multiply(square, total, out=square), out=square)  # (2/K)/T**3
    np.multiply(n_sum, weight, out=grad[0])
    if k == 3:
        grad[0] *= -2.0
    else:
        np.negative(grad[0], out=grad[0])
    if not target_shift:
        grad[0] *= e0
        grad[0] += 0.0  # -0.0 -> 0.0 where the target's probability underflows
    diffs = {(a, b): _exp_difference(z, e, a, b) for a in range(1, k) for b in range(a + 1, k)}
    # With three or more classes a non-target bracket mixes signs, and near a sign change
    # of the gradient entry it cancels. In float64 such entries are found (the sum of the
    # terms' sizes exceeds the bracket by _ILL_CONDITIONED) and recomputed exactly.
    watch = k >= 3 and grad[0].dtype == np.float64
    suspects: set[int] = set()
    for j in range(1, k):
        positive = np.add(e[j], r)  # P_j = e_t (e_j + r), the bracket's positive part
        if not target_shift:
            positive *= e0
        if k == 3:  # one signed term: B_1 = P_1 + e_2 D, B_2 = P_2 - e_1 D, D = e_1 - e_2
            term = np.multiply(e[3 - j], diffs[(1, 2)])
            bracket = (np.add if j == 1 else np.subtract)(positive, term, out=term)
        else:
            bracket = positive.copy()
            spread = positive.copy() if watch else None
            for m in range(1, k):
                if m != j:
                    term = e[m] * diffs[(j, m)] if j < m else e[m] * diffs[(m, j)]
                    if j < m:
                        bracket += term
                    else:
                        bracket -= term
                    if watch:
                        spread += np.abs(term, out=term)
        np.multiply(bracket, e[j], out=grad[j])
        grad[j] *= weight
        if not watch:
            continue
        np.abs(bracket, out=bracket)
        if k == 3:
            # The sizes add up to P + |s| for the one term s; where s < 0 that is 2P - B,
            # so kappa > _ILL_CONDITIONED implies (_ILL_CONDITIONED - 1) |B| < 2P, and
            # then the sizes are below 2.01 P.
            bracket *= 0.5 * (_ILL_CONDITIONED - 1)
            flagged = np.less(bracket, positive)
            spread = positive
            size = 2.01
        else:
            bracket *= _ILL_CONDITIONED
            flagged = np.greater(spread, bracket)
            size = 1.0
        if flagged.any():  # keep those whose exact value may be a normal number
            ill = np.flatnonzero(flagged)
            bound = size * spread[ill] * e[j][ill] * weight[ill]  # >= |exact gradient entry|
            suspects.update(ill[bound >= _SMALLEST_NORMAL].tolist())
    for i in sorted(suspects):
        exact = _exact_mse_grad([float(plane[i]) for plane in z])
        for j, value in enumerate(exact):
            grad[j][i] = value


#: A non-target MSE bracket whose terms' sizes add up to more than this many times its
#: value loses more than 1e-12 of relative accuracy in float64: it is recomputed exactly.
_ILL_CONDITIONED = 1e3
_SMALLEST_NORMAL = float(np.finfo(np.float64).tiny)


def _exact_mse_grad(logits: list[float]) -> list[float]:
    """The MSE gradient of one sample (target first), correctly rounded to float64.

    Evaluated in decimal arithmetic from the exact binary values of the logits, with
    enough digits that the cancellation of a bracket near its sign change costs nothing:
    50 digits, or 400 if more than 30 of them cancel.
    """
    k = len(logits)
    for digits in (50, 400):
        with decimal.localcontext() as ctx:
            ctx.prec = digits
            ctx.traps[decimal.Underflow] = False
            d = [decimal.Decimal(x) for x in logits]
            top = max(d)
            e = [(x - top).exp() for x in d]
            total = sum(e)
            p = [x / total for x in e]
            a = [p[0] - 1, *p[1:]]
            c = sum(ai * pi for ai, pi in zip(a, p, strict=True))
            brackets = [ai - c for ai in a]
            size = max(abs(ai) + abs(c) for ai in a)
            if all(b == 0 or abs(b) * 10**30 > size for b in brackets) or digits == 400:
                return [float(2 * pi * b / k) for pi, b in zip(p, brackets, strict=True)]
    raise AssertionError("unreachable")  # pragma: no cover


def _evaluate_shifted(
    name: str, z: list, e: list, t_shift: np.ndarray, loss: np.ndarray, grad: list
) -> bool:
    """Finish a chunk from exponentials relative to ``c >= z_t`` (``t_shift = z_t - c``).

    Some class has ``e = 1``. The cross-entropy is -log p_t = log1p(r + (e_t - 1))
    - (z_t - c): if that class is the target, e_t - 1 = 0 and this is log1p(r)
    exactly; otherwise r >= 1, the loss is at least log(2) and the absolute
    rounding of r + (e_t - 1) is harmless. Both terms are non-negative: nothing
    cancels. Return False if a sample is invalid (nan, +inf or an all -inf sample).
    """
    r = e[1].copy()
    for plane in e[2:]:
        r += plane
    if np.isnan(r.sum()):
        return False
    if name == "cross_entropy":
        np.subtract(e[0], 1.0, out=loss)
        loss += r
        np.log1p(loss, out=loss)
        loss -= t_shift
    _finish(name, z, e, r, loss, grad)
    return True


def _max_shift(name: str, z: list, loss: np.ndarray, grad: list) -> bool:
    """Evaluate with the shift by the maximum; return False if a sample is invalid."""
    peak = np.maximum(z[0], z[1])
    for plane in z[2:]:
        np.maximum(peak, plane, out=peak)
    below = _underflow_below(peak.dtype)
    t_shift = np.subtract(z[0], peak)
    e = [t_shift.copy()] + [np.subtract(plane, peak) for plane in z[1:]]
    for plane in e:
        _exp_in_place(plane, plane.max(), below)
    return _evaluate_shifted(name, z, e, t_shift, loss, grad)


def _class_shift(
    name: str, z: list, c: int, buffers: list, loss: np.ndarray, grad: list, gap_limit: float
) -> bool:
    """Evaluate with the shift by the logits of class ``c`` (not the target), if it fits.

    It fits a chunk where no logit exceeds ``z_c`` by more than ``gap_limit``, no
    ``z_c`` is ``+inf`` and no target logit exceeds ``z_c`` (which the
    cross-entropy needs, so that nothing cancels; the MSE follows the same
    choice). Then ``e_c = 1`` needs no exponential, and a class far below the
    others (all underflow) costs no exponential either: this is the note's bad
    start with the target held at -1000. Return False, with nothing written to
    ``loss`` or ``grad``, where it does not fit. ``buffers`` are K - 1 planes to
    reuse.
    """
    if z[c].max() == np.inf:
        return False
    below = _underflow_below(z[0].dtype)
    t_shift = np.subtract(z[0], z[c], out=buffers[0])
    t_top = t_shift.max()
    if not t_top <= 0.0:  # also for nan
        return False
    e = [t_shift.copy() if name == "cross_entropy" else t_shift]
    others = iter(buffers[1:])
    for k in range(1, len(z)):
        if k == c:
            e.append(np.ones_like(t_shift))
            continue
        gap = np.subtract(z[k], z[c], out=next(others))
        top = gap.max()
        if not top <= gap_limit:
            return False
        e.append(_exp_in_place(gap, top, below))
    _exp_in_place(e[0], t_top, below)
    return _evaluate_shifted(name, z, e, t_shift, loss, grad)


def _kernel(name: str, z: list, loss: np.ndarray, grad: list, gap_limit: float) -> bool:
    """Evaluate one chunk of class planes (target first); return False on invalid input.

    The whole chunk takes the target shift if no logit exceeds the target's by
    more than ``gap_limit``; otherwise the shift by the first class whose logit
    is never below the target's, if that fits (see :func:`_class_shift`), and
    the shift by the maximum otherwise.
    """
    if z[0].max() == np.inf:  # a +inf target logit would pass the target shift
        return False
    gaps = [np.subtract(plane, z[0]) for plane in z[1:]]
    tops = [gap.max() for gap in gaps]
    if all(top <= gap_limit for top in tops):  # False for nan input
        below = _underflow_below(gaps[0].dtype)
        e = [1.0] + [_exp_in_place(gap, top, below) for gap, top in zip(gaps, tops, strict=True)]
        r = e[1] if len(z) == 2 else np.add(e[1], e[2])
        for plane in e[3:]:
            r += plane
        if name == "cross_entropy":
            np.log1p(r, out=loss)
        _finish(name, z, e, r, loss, grad)
        return True
    if not any(math.isnan(top) for top in tops):
        # The first class (in index order) that is never below the target: a rule that
        # picks the same class for a sample alone and in a batch wherever it can.
        for c, gap in enumerate(gaps, start=1):
            if gap.min() >= 0.0:
                if _class_shift(name, z, c, gaps, loss, grad, gap_limit):
                    return True
                break
    return _max_shift(name, z, loss, grad)


def _evaluate(name: str, logits: np.ndarray, target: int | np.ndarray):
    """Loss (shape ``batch``) and gradient (shape ``batch + (K,)``) of a softmax loss.

    ``logits`` has passed the type and shape checks of ``check_logits`` (not
    the value checks: invalid values are detected on the way and reported by a
    full ``check_logits`` pass); ``target`` is an int or an intp array of the
    batch shape.
    """
    batch, k = logits.shape[:-1], logits.shape[-1]
    n = math.prod(batch)
    dtype = logits.dtype
    planes = logits.reshape(n, k).T  # (K, n): a view; contiguous rows if planar in memory
    if not isinstance(target, numbers.Integral):
        t_flat = target.reshape(n)
        if n and (t_flat == t_flat[0]).all():
            target = int(t_flat[0])
    if isinstance(target, numbers.Integral):
        order = [target, *(j for j in range(k) if j != target)]
        perm = None
    else:  # per-sample targets: copy the planes in target-first order
        perm = np.arange(k, dtype=np.intp)[:, np.newaxis] - 1
        perm = perm + (perm >= t_flat)
        perm[0] = t_flat
        planes = np.take_along_axis(planes, perm, axis=0)
        order = list(range(k))
    planar = all(planes[j].flags.c_contiguous for j in range(k))
    loss = np.empty(n, dtype=dtype)
    grad = np.empty((k, n), dtype=dtype)
    limit = _gap_limit(dtype, k)

    def run(start: int, stop: int) -> bool:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            if planar:
                z = [planes[j, start:stop] for j in order]
            else:
                block = np.ascontiguousarray(planes[:, start:stop])
                z = [block[j] for j in order]
            return _kernel(name, z, loss[start:stop], [grad[j, start:stop] for j in order], limit)

    bounds = [(a, min(a + _CHUNK, n)) for a in range(0, n, _CHUNK)]
    if len(bounds) > 2 and _threads() > 1:
        valid = all(_pool().map(lambda ab: run(*ab), bounds))
    else:
        valid = all(run(a, b) for a, b in bounds)
    if not valid:
        check_logits(logits)  # raises with the parameter, the index and what is allowed
        raise ValueError("logits hold a value that is not allowed")  # pragma: no cover
    if perm is not None:
        out = np.empty_like(grad)
        np.put_along_axis(out, perm, grad, axis=0)
        grad = out
    return loss.reshape(batch), grad.T.reshape(*batch, k)


def _prepare(logits: ArrayLike, target: ArrayLike) -> tuple[np.ndarray, int | np.ndarray]:
    z = check_logits(logits, check_values=False)
    return z, check_target(target, z)


# ---------------------------------------------------------------- MSE on logits


def _mse_logits(z: np.ndarray, t) -> tuple[np.ndarray, np.ndarray]:
    """Loss and gradient of the square loss on the raw logits (validated ``z``)."""
    batch, k = z.shape[:-1], z.shape[-1]
    residual = np.array(z, copy=True).reshape(-1, k)
    rows = np.arange(residual.shape[0])
    residual[rows, np.broadcast_to(t, batch).reshape(-1)] -= 1
    grad = residual * (2.0 / k)
    with np.errstate(over="ignore"):
        loss = np.square(residual).sum(axis=-1) / k
    big = np.isinf(loss) & np.isfinite(residual).all(axis=-1)
    if big.any():  # the squares overflow but the mean may not: scale by the largest residual
        sub = residual[big]
        exponent = np.frexp(np.abs(sub).max(axis=-1))[1] - 1  # residual / 2**exponent in [-2, 2)
        scale = np.ldexp(np.ones_like(exponent, dtype=z.dtype), exponent)
        mean = np.square(sub / scale[:, np.newaxis]).sum(axis=-1) / k
        with np.errstate(over="ignore"):
            loss[big] = scale * (scale * mean)
    return loss.reshape(batch), grad.reshape(*batch, k)


def loss_and_grad(name: str, logits: ArrayLike, target: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """A loss and its gradient with respect to every logit, from one softmax pass.

    Parameters
    ----------
    name : {"cross_entropy", "mse", "mse_logits"}
        The loss. ``"mse_logits"`` is the square loss between the raw logits
        and the one-hot target (no softmax).
    logits : array_like, shape (..., K)
        Real logits, K >= 2; ``-inf`` allowed (a class of probability 0) where
        a sample has a finite logit. Integer input is computed in float64,
        float16 in float32; float32 stays float32 throughout.
    target : int or array_like of int
        Class index in ``0 .. K-1``, broadcastable to ``logits.shape[:-1]``.

    Returns
    -------
    loss : ndarray, shape (...)
        The loss of each sample, in the computing dtype.
    grad : ndarray, shape (..., K)
        Its gradient with respect to every logit. For large batches the array
        is a view of class-planar memory (``grad[..., k]`` is contiguous).

    Raises
    ------
    TypeError, ValueError
        For an unknown ``name`` or input the validators reject (NaN, ``+inf``,
        an all ``-inf`` sample, a non-numeric or empty array, K < 2, a bad
        target); the message names the parameter, the offending value or
        index, and what is allowed.

    See Also
    --------
    cross_entropy, cross_entropy_grad, mse, mse_grad, mse_logits, mse_logits_grad

    Notes
    -----
    The samples are processed in chunks of class planes, in parallel threads
    for large batches, each chunk with one of two shifts: by the target's logit
    (no exponential for the target, the cross-entropy as ``log1p`` of a sum of
    positive terms), or, where some logit exceeds the target's by hundreds, by
    the maximum. The numbers do not depend on the thread count; they can
    differ in the last bits between a sample evaluated alone and in a batch
    (the chunk's shift), both within the bounds each function documents.

    Examples
    --------
    >>> from lossnotes import loss_and_grad
    >>> loss, grad = loss_and_grad("cross_entropy", [0.0, 0.0, -1000.0], 2)
    >>> float(loss)
    1000.6931471805599
    >>> grad
    array([ 0.5,  0.5, -1. ])
    >>> loss, grad = loss_and_grad("mse_logits", [[2.0, 0.0], [0.0, 1.0]], [0, 1])
    >>> loss
    array([0.5, 0. ])
    """
    check_name(name, LOSS_NAMES, "name")
    z, t = _prepare(logits, target)
    if name == "mse_logits":
        check_logits(z)
        return _mse_logits(z, t)
    return _evaluate(name, z, t)


def cross_entropy(logits: ArrayLike, target: ArrayLike) -> np.ndarray:
    r"""Cross-entropy of the softmax of ``logits`` against class ``target``.

    .. math:: \mathrm{CE}(z, t) = -\log \operatorname{softmax}(z)_t
              = \operatorname{log1p}\Big(\sum_{k \ne t} e^{z_k - z_t}\Big)

    Parameters
    ----------
    logits : array_like, shape (..., K)
        Real logits, K >= 2; ``-inf`` allowed where a sample has a finite logit.
    target : int or array_like of int
        Class indices in ``0 .. K-1``, broadcastable to ``logits.shape[:-1]``.

    Returns
    -------
    ndarray, shape (...)
        The loss, ``>= 0``, in the input's floating type. It is ``inf`` where
        the target's logit is ``-inf``, and where the exact value exceeds the
        largest float (a target logit more than ~1.8e308 below the largest
        one in float64, ~3.4e38 in float32): ``inf`` is then the correctly
        rounded result.

    Raises
    ------
    TypeError, ValueError
        As for :func:`loss_and_grad`.

    See Also
    --------
    cross_entropy_grad, loss_and_grad
    scipy.special.logsumexp : ``logsumexp(z) - z[t]`` is the usual stable formula.

    Notes
    -----
    The usual stable formula ``logsumexp(z) - z_t`` subtracts two nearly equal
    numbers when the target wins by a wide margin: for ``z = (9.06, -25.65)``
    and target 0 it returns 0.0, while the loss is about 8.4e-16. Here the loss
    is ``log1p`` of a sum of positive terms (the exponentials relative to the
    target), or, when the target is far below the maximum, the sum of two
    non-negative terms ``log1p(...) - (z_t - max)``; nothing cancels.

    Accuracy: relative error at most 1e-12 in float64 wherever the exact loss
    is a normal number, at any logit (measured against 80-digit arithmetic:
    below 6e-14); the error comes from rounding a logit gap before
    exponentiating it, at most ``|gap| * eps / 2`` with ``|gap| < 745``. In
    float32 the same analysis gives at most 2e-5 (measured below 4e-6).

    Examples
    --------
    >>> from lossnotes import cross_entropy
    >>> float(cross_entropy([9.06, -25.65], 0))
    8.426331353470533e-16
    >>> float(cross_entropy([1e15, 1e15 + 2, -1e15], 1))
    0.1269280110429725
    >>> float(cross_entropy([1e308, -1e308], 1))
    inf
    """
    return loss_and_grad("cross_entropy", logits, target)[0]


def cross_entropy_grad(logits: ArrayLike, target: ArrayLike) -> np.ndarray:
    r"""Gradient of :func:`cross_entropy` with respect to every logit.

    .. math:: \frac{\partial\,\mathrm{CE}}{\partial z_k} = p_k - y_k

    Parameters
    ----------
    logits : array_like, shape (..., K)
        As for :func:`cross_entropy`.
    target : int or array_like of int
        As for :func:`cross_entropy`.

    Returns
    -------
    ndarray, shape (..., K)
        The gradient, finite for every allowed input; it sums to 0 over the
        classes. The target's entry ``p_t - 1`` is computed as minus the sum of
        the other probabilities, so ``-1e-300`` is not rounded to 0.

    Raises
    ------
    TypeError, ValueError
        As for :func:`loss_and_grad`.

    Notes
    -----
    Accuracy: every entry within a relative 1e-12 of the exact value in
    float64 wherever that is a normal number (2e-5 in float32).

    Examples
    --------
    >>> from lossnotes import cross_entropy_grad
    >>> cross_entropy_grad([0.0, 0.0, -1000.0], 2)
    array([ 0.5,  0.5, -1. ])
    >>> float(cross_entropy_grad([0.0, -700.0], 0)[0])
    -9.85967654375977e-305
    """
    return loss_and_grad("cross_entropy", logits, target)[1]


def mse(logits: ArrayLike, target: ArrayLike) -> np.ndarray:
    r"""Mean squared error between the softmax of ``logits`` and the one-hot ``target``.

    .. math:: \mathrm{MSE}(z, t) = \frac{1}{K} \sum_k (p_k - y_k)^2,
              \qquad p = \operatorname{softmax}(z)

    Parameters
    ----------
    logits : array_like, shape (..., K)
        Real logits, K >= 2; ``-inf`` allowed where a sample has a finite logit.
    target : int or array_like of int
        Class indices in ``0 .. K-1``, broadcastable to ``logits.shape[:-1]``.

    Returns
    -------
    ndarray, shape (...)
        The loss, in ``[0, 2/K]``.

    Raises
    ------
    TypeError, ValueError
        As for :func:`loss_and_grad`.

    Notes
    -----
    This is the mean over the K classes; the sum used in many lectures is K
    times this value. It is evaluated as ``(r**2 + sum_{k != t} e_k**2) / (K T**2)``
    with ``e_k`` the exponentials, ``r`` the sum of the non-target ones and
    ``T`` the normaliser: ``1 - p_t`` never appears as a difference, so a loss
    of ``1e-40`` is not rounded to 0. Relative error at most 1e-12 in float64
    wherever the exact value is a normal number (2e-5 in float32).

    Examples
    --------
    >>> from lossnotes import mse
    >>> float(mse([0.0, 0.0, -1000.0], 0))
    0.16666666666666666
    >>> float(mse([0.0, -50.0], 0))
    3.720075976020836e-44
    """
    return loss_and_grad("mse", logits, target)[0]


def mse_grad(logits: ArrayLike, target: ArrayLike) -> np.ndarray:
    r"""Gradient of :func:`mse` with respect to every logit.

    .. math:: \frac{\partial\,\mathrm{MSE}}{\partial z_j}
              = \frac{2}{K}\, p_j \Big((p_j - y_j) - \sum_k (p_k - y_k)\, p_k\Big)

    Parameters
    ----------
    logits : array_like, shape (..., K)
        As for :func:`mse`.
    target : int or array_like of int
        As for :func:`mse`.

    Returns
    -------
    ndarray, shape (..., K)
        The gradient; it sums to 0 over the classes.

    Raises
    ------
    TypeError, ValueError
        As for :func:`loss_and_grad`.

    Notes
    -----
    With ``e_k`` the exponentials of one shift, ``r = sum_{k != t} e_k`` and
    ``T = e_t + r``, the gradient is

    * target: ``-(2/K) e_t (r**2 + sum_{k != t} e_k**2) / T**3``, all terms of
      one sign;
    * class ``j != t``: ``(2/K) e_j B_j / T**3`` with the bracket
      ``B_j = e_t (e_j + r) + sum_{k not in {t, j}} e_k (e_j - e_k)``, where
      ``e_j - e_k`` comes from ``expm1`` of the logit gap when the two are
      close, so every term is computed to full relative accuracy.

    The bracket is the only sum whose terms can have opposite signs: where an
    entry changes sign its exact value is small next to its terms, and float
    arithmetic loses digits in proportion to the condition number

    .. math:: \kappa_j = \frac{e_t (e_j + r) + \sum_{k \notin \{t, j\}} e_k |e_j - e_k|}{|B_j|}

    (about ``1e-16 * kappa_j`` relative). In float64, every sample with an
    entry of ``kappa_j > 1000`` whose exact value may be a normal number is
    recomputed in decimal arithmetic from the exact binary logits and rounded
    once, so every entry is within 1e-12 relative of the exact gradient
    wherever that is a normal number (tested against 80-digit arithmetic within
    an ulp of a sign change, where ``kappa`` reaches 1e15). Such samples lie
    within about 1e-3 of a sign change (relative to the logits' spread), so
    they are rare: ordinary input pays only for measuring ``kappa``. In
    float32 the bound is ``2e-5 * kappa_j``.

    Every entry carries the factor ``p_j``: where a class's probability
    underflows (a logit of -1000 beside logits near 0 gives ``p ~ 1e-435``),
    its gradient is exactly 0 in floating point, as the exact value rounds.

    Examples
    --------
    >>> from lossnotes import mse_grad
    >>> mse_grad([0.0, 0.0, -1000.0], 2)
    array([0., 0., 0.])
    >>> mse_grad([2.0, 0.0], 0)
    array([-0.02503108,  0.02503108])
    """
    return loss_and_grad("mse", logits, target)[1]


def mse_logits(logits: ArrayLike, target: ArrayLike) -> np.ndarray:
    r"""Mean squared error between the raw ``logits`` and the one-hot ``target``.

    .. math:: \frac{1}{K} \sum_k (z_k - y_k)^2

    Parameters
    ----------
    logits : array_like, shape (..., K)
        As for :func:`mse`.
    target : int or array_like of int
        As for :func:`mse`.

    Returns
    -------
    ndarray, shape (...)
        The loss; ``inf`` where a logit is ``-inf`` or the exact mean exceeds
        the largest float. Squares that overflow although the mean does not
        (logits near 1e154 and above in float64) are rescaled by the largest
        residual, so the mean stays finite and exact to a few ulp.

    Raises
    ------
    TypeError, ValueError
        As for :func:`loss_and_grad`.

    Examples
    --------
    >>> from lossnotes import mse_logits
    >>> float(mse_logits([1.0, 0.0, 0.0], 0))
    0.0
    >>> float(mse_logits([1.5e154, 0.0, 0.0], 1))
    7.500000000000001e+307
    """
    return loss_and_grad("mse_logits", logits, target)[0]


def mse_logits_grad(logits: ArrayLike, target: ArrayLike) -> np.ndarray:
    r"""Gradient of :func:`mse_logits`: ``(2/K) (z - y)``.

    Parameters
    ----------
    logits : array_like, shape (..., K)
        As for :func:`mse`.
    target : int or array_like of int
        As for :func:`mse`.

    Returns
    -------
    ndarray, shape (..., K)
        The gradient; it grows linearly with the logits and never vanishes
        away from the target.

    Raises
    ------
    TypeError, ValueError
        As for :func:`loss_and_grad`.

    Examples
    --------
    >>> from lossnotes import mse_logits_grad
    >>> mse_logits_grad([3.0, 0.0, -1000.0], 0)
    array([   1.33333333,    0.        , -666.66666667])
    """
    return loss_and_grad("mse_logits", logits, target)[1]
