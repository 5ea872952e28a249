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

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from .softmax import SoftmaxPass, softmax_pass
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


def _take(a: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``a[t]`` along the leading class axis: shape (K, ...) -> (...)."""
    return np.take_along_axis(a, t[np.newaxis], axis=0)[0]


def _put(a: np.ndarray, t: np.ndarray, values: np.ndarray) -> None:
    """Set ``a[t] = values`` along the leading class axis, in place."""
    np.put_along_axis(a, t[np.newaxis], values[np.newaxis], axis=0)


def _prepare(logits: ArrayLike, target: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    z = check_logits(logits)
    return z, check_target(target, z)


def _to_last(a: np.ndarray) -> np.ndarray:
    return np.moveaxis(a, 0, -1)


# ---------------------------------------------------------------- cross-entropy


def _ce_loss(sp: SoftmaxPass, t: np.ndarray) -> np.ndarray:
    # -log p_t = log(1 + rest) - (z_t - max): both terms >= 0, nothing cancels.
    # The gap z_t - max overflows to -inf only where the exact loss exceeds the
    # largest float; inf is then the correctly rounded result.
    return np.log1p(sp.rest) - _take(sp.shifted, t)


def _ce_grad(sp: SoftmaxPass, t: np.ndarray) -> np.ndarray:
    # d CE / d z = p - y, with p_t - 1 = -(sum of the other probabilities).
    grad = sp.probabilities
    _put(grad, t, -(sp.sum_except(t) / sp.total))
    return grad


# -------------------------------------------------------------------------- MSE


def _mse_residual(sp: SoftmaxPass, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(p, q)``: the probabilities (K, ...) and ``q = 1 - p_t`` (...)."""
    return sp.probabilities, sp.sum_except(t) / sp.total


def _mse_loss(sp: SoftmaxPass, t: np.ndarray) -> np.ndarray:
    p, q = _mse_residual(sp, t)
    residual = p.copy()
    _put(residual, t, -q)  # p_t - 1 = -q
    k = p.shape[0]
    return np.square(residual).sum(axis=0) / k


def _exp_differences(sp: SoftmaxPass, j: int) -> np.ndarray:
    """``exp(shifted_j) - exp(shifted_k)`` for every class k, shape (K, ...), to full precision.

    Written as ``+-e_big * (1 - exp(-|z_j - z_k|))`` with ``expm1``, so that two
    nearly equal exponentials do not cancel.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        gap = sp.z[j] - sp.z  # nan only where both logits are -inf
    big = np.maximum(sp.exp[j], sp.exp)
    size = np.abs(gap)
    size[np.isnan(size)] = np.inf  # both exponentials are 0 there: 0 * 1 = 0
    return np.copysign(big * -np.expm1(-size), gap)


def _mse_grad(sp: SoftmaxPass, t: np.ndarray) -> np.ndarray:
    # With p = softmax(z), a = p - y and c = sum_k a_k p_k,
    #   d MSE / d z_j = (2/K) p_j (a_j - c).
    # Using sum_k p_k = 1, a_j - c = sum_k p_k (a_j - a_k), which gives
    #   j = t:  a_t - c = -sum_{k != t} p_k (q + p_k)                   (all terms < 0)
    #   j != t: a_j - c = p_t (q + p_j) + sum_{k not in {t, j}} p_k (p_j - p_k)
    # with q = 1 - p_t = sum_{k != t} p_k and p_j - p_k from _exp_differences.
    p, q = _mse_residual(sp, t)
    k = p.shape[0]
    p_t = _take(p, t)
    not_t = np.ones(p.shape, dtype=bool)
    _put(not_t, t, np.zeros(t.shape, dtype=bool))

    grad = np.empty_like(p)
    for j in range(k):
        weights = p * _exp_differences(sp, j) / sp.total  # p_k (p_j - p_k)
        inner = p_t * (q + p[j]) + np.where(not_t, weights, 0).sum(axis=0)
        grad[j] = (2 / k) * p[j] * inner
    at_target = -(2 / k) * p_t * np.where(not_t, p * (q + p), 0).sum(axis=0)
    _put(grad, t, at_target)
    return grad


# ---------------------------------------------------------------- MSE on logits


def _one_hot_residual(z: np.ndarray, t: np.ndarray) -> np.ndarray:
    residual = z.copy()
    _put(residual, t, _take(z, t) - 1)
    return residual


def _mse_logits_loss(z: np.ndarray, t: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):  # |z| > 1e154: the exact loss is above the largest float
        return np.square(_one_hot_residual(z, t)).sum(axis=0) / z.shape[0]


def _mse_logits_grad(z: np.ndarray, t: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return (2 / z.shape[0]) * _one_hot_residual(z, t)


# ------------------------------------------------------------------- public API

_SOFTMAX_LOSSES: dict[str, tuple[Callable, Callable]] = {
    "cross_entropy": (_ce_loss, _ce_grad),
    "mse": (_mse_loss, _mse_grad),
}


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
        zt = np.ascontiguousarray(np.moveaxis(z, -1, 0))
        return _mse_logits_loss(zt, t), _to_last(_mse_logits_grad(zt, t))
    loss_fn, grad_fn = _SOFTMAX_LOSSES[name]
    sp = softmax_pass(z)
    return loss_fn(sp, t), _to_last(grad_fn(sp, t))


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
    z, t = _prepare(logits, target)
    return _ce_loss(softmax_pass(z), t)


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
    z, t = _prepare(logits, target)
    return _to_last(_ce_grad(softmax_pass(z), t))


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
    z, t = _prepare(logits, target)
    return _mse_loss(softmax_pass(z), t)


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
    z, t = _prepare(logits, target)
    return _to_last(_mse_grad(softmax_pass(z), t))


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
    z, t = _prepare(logits, target)
    return _mse_logits_loss(np.moveaxis(z, -1, 0), t)


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
    z, t = _prepare(logits, target)
    return _to_last(_mse_logits_grad(np.moveaxis(z, -1, 0), t))
