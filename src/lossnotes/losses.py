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
is the sum of the other probabilities, and differences of probabilities are
``expm1`` of logit differences.
"""

from __future__ import annotations

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
# Samples beyond it (the target far below the largest logit, a -inf target
# logit, or invalid input) are evaluated again with the usual shift by the
# maximum, where every e_k <= 1 and the cross-entropy is log(T) - (z_t - max),
# a sum of two non-negative terms, at least log(2).
#
# Rounding. exp(z_k - c) carries the rounding of the difference z_k - c, a
# relative error of at most |z_k - c| * eps / 2: wherever it matters the
# exponential is a normal number, so |z_k - c| < 745 and that is below 1e-13 in
# float64. Everything else is sums of terms of one sign, products and quotients,
# except the bracket of the MSE gradient of a non-target class (see mse_grad).

#: Samples per chunk.
_CHUNK = 32768
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


def _gap_limit(dtype: np.dtype, k: int) -> float:
    """Largest logit gap above the target evaluated with the target shift.

    There ``r <= (K - 1) * exp(gap)`` stays below ``2**(maxexp / 3 - 6)``, so
    ``(1 + r)**3`` is far from overflow and ``(2/K) / (1 + r)**3`` far from underflow.
    """
    return (np.finfo(dtype).maxexp // 3 - 6) * math.log(2) - math.log(k - 1)


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
    shifted_by_max = not isinstance(e[0], float)
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
    if shifted_by_max:
        grad[0] *= e0
        grad[0] += 0.0  # -0.0 -> 0.0 where the target's probability underflows
    diffs = {(a, b): _exp_difference(z, e, a, b) for a in range(1, k) for b in range(a + 1, k)}
    for j in range(1, k):
        bracket = np.add(e[j], r)
        if shifted_by_max:
            bracket *= e0
        for m in range(1, k):
            if m != j:
                term = e[m] * diffs[(j, m)] if j < m else e[m] * diffs[(m, j)]
                if j < m:
                    bracket += term
                else:
                    bracket -= term
        np.multiply(bracket, e[j], out=grad[j])
        grad[j] *= weight


def _max_shift(name: str, z: list, loss: np.ndarray, grad: list) -> bool:
    """Evaluate with the shift by the maximum; return False if a sample is invalid."""
    peak = np.maximum(z[0], z[1])
    for plane in z[2:]:
        np.maximum(peak, plane, out=peak)
    t_shift = np.subtract(z[0], peak)
    e = [np.exp(t_shift)] + [np.exp(np.subtract(plane, peak)) for plane in z[1:]]
    r = e[1].copy()
    for plane in e[2:]:
        r += plane
    if np.isnan(r.sum()):  # nan, +inf or an all -inf sample
        return False
    if name == "cross_entropy":
        # -log p_t = log1p(r + (e_t - 1)) - (z_t - max). If the target is the
        # maximum, e_t - 1 = 0 and this is log1p(r) exactly; otherwise r >= 1
        # holds the maximum's 1, the loss is at least log(2) and the absolute
        # rounding of r + (e_t - 1) is harmless.
        np.subtract(e[0], 1.0, out=loss)
        loss += r
        np.log1p(loss, out=loss)
        loss -= t_shift
    _finish(name, z, e, r, loss, grad)
    return True


def _kernel(name: str, z: list, loss: np.ndarray, grad: list, gap_limit: float) -> bool:
    """Evaluate one chunk of class planes (target first); return False on invalid input.

    The whole chunk takes the target shift if no logit exceeds the target's by
    more than ``gap_limit``, and the shift by the maximum otherwise.
    """
    if z[0].max() == np.inf:  # a +inf target logit would pass the target shift
        return False
    gaps = [np.subtract(plane, z[0]) for plane in z[1:]]
    if not all(gap.max() <= gap_limit for gap in gaps):  # also for nan input
        return _max_shift(name, z, loss, grad)
    e = [1.0] + [np.exp(gap, out=gap) for gap in gaps]
    r = e[1] if len(z) == 2 else np.add(e[1], e[2])
    for plane in e[3:]:
        r += plane
    if name == "cross_entropy":
        np.log1p(r, out=loss)
    _finish(name, z, e, r, loss, grad)
    return True


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
    k = z.shape[-1]
    residual = np.array(z, copy=True)
    if isinstance(t, numbers.Integral):
        residual[..., t] -= 1
    else:
        np.put_along_axis(residual, t[..., np.newaxis], np.take_along_axis(
            residual, t[..., np.newaxis], axis=-1) - 1, axis=-1)
    grad = residual * (2.0 / k)
    with np.errstate(over="ignore"):
        loss = np.square(residual).sum(axis=-1) / k
    big = np.isinf(loss) & np.isfinite(residual).all(axis=-1)
    if big.any():  # the squares overflow but the mean may not: scale by the largest residual
        sub = residual[big]
        scale = np.abs(sub).max(axis=-1)
        with np.errstate(over="ignore"):
            loss[big] = scale * (scale * (np.square(sub / scale[:, np.newaxis]).sum(axis=-1) / k))
    return loss, grad


# ------------------------------------------------------------------- public API

def loss_and_grad(name: str, logits: ArrayLike, target: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """A loss and its gradient with respect to every logit, from one softmax pass.

    Parameters
    ----------
    name : {"cross_entropy", "mse", "mse_logits"}
        The loss. ``"mse_logits"`` is the square loss between the raw logits
        and the one-hot target (no softmax).
    logits : array_like, shape (..., K)
        Real logits, K >= 2; ``-inf`` allowed where a sample has a finite logit.
    target : int or array_like of int
        Class index in ``0 .. K-1``, broadcastable to ``logits.shape[:-1]``.

    Returns
    -------
    loss : ndarray, shape (...)
    grad : ndarray, shape (..., K)

    Raises
    ------
    TypeError, ValueError
        For an unknown ``name`` or input the validators reject; the message names
        the parameter and what is allowed.

    Examples
    --------
    >>> from lossnotes import loss_and_grad
    >>> loss, grad = loss_and_grad("cross_entropy", [0.0, 0.0, -1000.0], 2)
    >>> float(loss)
    1000.6931471805599
    >>> grad
    array([ 0.5,  0.5, -1. ])
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
              = \operatorname{log1p}\Big(\sum_{j \ne j^*} e^{z_j - m}\Big) - (z_t - m)

    with :math:`m = z_{j^*}` the largest logit.

    Parameters
    ----------
    logits : array_like, shape (..., K)
        Real logits, K >= 2.
    target : int or array_like of int
        Class indices in ``0 .. K-1``, broadcastable to ``logits.shape[:-1]``.

    Returns
    -------
    ndarray, shape (...)
        The loss, ``>= 0``. It is ``inf`` only where the exact value exceeds the
        largest float (a target logit more than ~1.8e308 below the largest one)
        or the target's logit is ``-inf``.

    Notes
    -----
    The usual stable formula ``logsumexp(z) - z_t`` subtracts two nearly equal
    numbers when the target wins by a wide margin: for ``z = (9.06, -25.65)``
    and target 0 it returns 0.0, while the loss is about 8.4e-16. Here the loss
    is a sum of two non-negative terms and keeps its digits.

    Examples
    --------
    >>> from lossnotes import cross_entropy
    >>> float(cross_entropy([9.06, -25.65], 0))  # doctest: +ELLIPSIS
    8.4...e-16
    """
    return loss_and_grad("cross_entropy", logits, target)[0]


def cross_entropy_grad(logits: ArrayLike, target: ArrayLike) -> np.ndarray:
    r"""Gradient of :func:`cross_entropy` with respect to every logit.

    .. math:: \frac{\partial\,\mathrm{CE}}{\partial z_k} = p_k - y_k

    Parameters
    ----------
    logits, target
        As for :func:`cross_entropy`.

    Returns
    -------
    ndarray, shape (..., K)
        The gradient; it sums to 0 over the classes. The target's entry
        ``p_t - 1`` is computed as minus the sum of the other probabilities.

    Examples
    --------
    >>> from lossnotes import cross_entropy_grad
    >>> cross_entropy_grad([0.0, 0.0, -1000.0], 2)
    array([ 0.5,  0.5, -1. ])
    """
    return loss_and_grad("cross_entropy", logits, target)[1]


def mse(logits: ArrayLike, target: ArrayLike) -> np.ndarray:
    r"""Mean squared error between the softmax of ``logits`` and the one-hot ``target``.

    .. math:: \mathrm{MSE}(z, t) = \frac{1}{K} \sum_k (p_k - y_k)^2,
              \qquad p = \operatorname{softmax}(z)

    Parameters
    ----------
    logits : array_like, shape (..., K)
        Real logits, K >= 2.
    target : int or array_like of int
        Class indices in ``0 .. K-1``, broadcastable to ``logits.shape[:-1]``.

    Returns
    -------
    ndarray, shape (...)
        The loss, in ``[0, 2/K]``.

    Notes
    -----
    This is the mean over the K classes; the sum used in many lectures is K
    times this value. ``p_t - 1`` is computed as minus the sum of the other
    probabilities, so a loss of ``1e-40`` is not rounded to 0.

    Examples
    --------
    >>> from lossnotes import mse
    >>> float(mse([0.0, 0.0, -1000.0], 0))
    0.16666666666666666
    """
    return loss_and_grad("mse", logits, target)[0]


def mse_grad(logits: ArrayLike, target: ArrayLike) -> np.ndarray:
    r"""Gradient of :func:`mse` with respect to every logit.

    .. math:: \frac{\partial\,\mathrm{MSE}}{\partial z_j}
              = \frac{2}{K}\, p_j \Big((p_j - y_j) - \sum_k (p_k - y_k)\, p_k\Big)

    Parameters
    ----------
    logits, target
        As for :func:`mse`.

    Returns
    -------
    ndarray, shape (..., K)
        The gradient; it sums to 0 over the classes.

    Notes
    -----
    Every entry carries the factor ``p_j``: where a class's probability
    underflows (a logit of -1000 beside logits near 0 gives ``p ~ 1e-435``),
    its gradient is exactly 0 in floating point. The bracket is evaluated as
    ``sum_k p_k (a_j - a_k)``; for the target class all its terms have one sign,
    and differences ``p_j - p_k`` come from ``expm1`` of logit differences, so
    the only cancellation left is the one at a genuine sign change of the
    gradient entry.

    Examples
    --------
    >>> from lossnotes import mse_grad
    >>> mse_grad([0.0, 0.0, -1000.0], 2)
    array([0., 0., 0.])
    """
    return loss_and_grad("mse", logits, target)[1]


def mse_logits(logits: ArrayLike, target: ArrayLike) -> np.ndarray:
    r"""Mean squared error between the raw ``logits`` and the one-hot ``target``.

    .. math:: \frac{1}{K} \sum_k (z_k - y_k)^2

    Parameters
    ----------
    logits, target
        As for :func:`mse`.

    Returns
    -------
    ndarray, shape (...)
        The loss; ``inf`` where a logit is ``-inf`` or the square exceeds the
        largest float.

    Examples
    --------
    >>> from lossnotes import mse_logits
    >>> float(mse_logits([1.0, 0.0, 0.0], 0))
    0.0
    """
    return loss_and_grad("mse_logits", logits, target)[0]


def mse_logits_grad(logits: ArrayLike, target: ArrayLike) -> np.ndarray:
    r"""Gradient of :func:`mse_logits`: ``(2/K) (z - y)``.

    Parameters
    ----------
    logits, target
        As for :func:`mse`.

    Returns
    -------
    ndarray, shape (..., K)
    """
    return loss_and_grad("mse_logits", logits, target)[1]
