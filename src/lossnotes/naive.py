"""The textbook formulas, written exactly as people write them: for contrast only.

Nothing in the stable path (:mod:`lossnotes.softmax`, :mod:`lossnotes.losses`)
uses this module. It exists so that the numerics chapter can show where the
usual one-line formulas produce ``inf`` and ``NaN``:

* ``softmax(z) = exp(z) / sum(exp(z))``, with no shift by the maximum: ``exp``
  overflows to ``inf`` above ``log(largest float)`` (about 88.7 in float32,
  709.8 in float64) and underflows to 0 below about -103.9 (float32) or -745.1
  (float64), so ``inf / inf`` and ``0 / 0`` give ``NaN``;
* cross-entropy as ``-log(softmax(z))[t]``, which is ``inf`` once ``p_t``
  underflows to 0;
* cross-entropy as ``-sum(y * log(softmax(z)))`` with the one-hot ``y``, which
  is ``NaN`` as soon as *any* probability underflows, because ``0 * -inf`` is
  ``NaN``;
* the epsilon "fix" ``-log(p_t + eps)``, finite but capped at ``-log(eps)``;
* MSE on the unshifted softmax.

Each function computes in the floating type of its input (float32 stays
float32; other input becomes float64) and never emits a numpy warning: the
arithmetic runs under ``np.errstate(all="ignore")`` and what happened shows in
the returned values, which :func:`classify` sorts into finite, ``inf`` and
``NaN``. There is no validation beyond the dtype: these functions are meant to
fail the way the textbook formulas fail.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .validation import check_name

__all__ = [
    "DEFAULT_EPSILON",
    "FORMULAS",
    "OUTCOMES",
    "classify",
    "cross_entropy",
    "cross_entropy_eps",
    "cross_entropy_onehot",
    "evaluate",
    "logsumexp",
    "mse",
    "softmax",
]

#: The epsilon of :func:`cross_entropy_eps` unless given, a common choice in deep-learning code.
DEFAULT_EPSILON = 1e-7

#: Names of the naive loss formulas, as :func:`evaluate` accepts them.
FORMULAS: tuple[str, ...] = ("cross_entropy", "cross_entropy_onehot", "cross_entropy_eps", "mse")

#: The outcomes :func:`classify` tells apart, in the order of its codes 0, 1, 2, 3.
OUTCOMES: tuple[str, ...] = ("finite", "+inf", "-inf", "nan")


def _float(logits: ArrayLike) -> np.ndarray:
    z = np.asarray(logits)
    if z.dtype == np.float32 or z.dtype == np.float64:
        return z
    return z.astype(np.float64)


def _one_hot(target: ArrayLike, k: int, dtype: np.dtype) -> np.ndarray:
    return (np.arange(k) == np.asarray(target)[..., np.newaxis]).astype(dtype)


def _pick(a: np.ndarray, target: ArrayLike) -> np.ndarray:
    t = np.broadcast_to(np.asarray(target), a.shape[:-1])
    return np.take_along_axis(a, t[..., np.newaxis], axis=-1)[..., 0]


def softmax(logits: ArrayLike) -> np.ndarray:
    """``exp(z) / sum(exp(z))`` over the last axis, with no shift.

    Parameters
    ----------
    logits : array_like, shape (..., K)

    Returns
    -------
    ndarray, shape (..., K)
        In the input's floating type. ``NaN`` where an exponential overflows
        (``inf / inf``) or every exponential underflows (``0 / 0``).

    Examples
    --------
    >>> from lossnotes import naive
    >>> naive.softmax([0.0, 0.0, 1000.0])
    array([ 0.,  0., nan])
    """
    z = _float(logits)
    with np.errstate(all="ignore"):
        e = np.exp(z)
        return e / e.sum(axis=-1, keepdims=True)


def logsumexp(logits: ArrayLike) -> np.ndarray:
    """``log(sum(exp(z)))`` over the last axis, with no shift.

    Returns ``inf`` once an exponential overflows and ``-inf`` once all of
    them underflow.

    Examples
    --------
    >>> from lossnotes import naive
    >>> float(naive.logsumexp([1000.0, 0.0]))
    inf
    """
    z = _float(logits)
    with np.errstate(all="ignore"):
        return np.log(np.exp(z).sum(axis=-1))


def cross_entropy(logits: ArrayLike, target: ArrayLike) -> np.ndarray:
    """``-log(softmax(z))[t]``, with the unshifted softmax.

    Examples
    --------
    >>> from lossnotes import naive
    >>> float(naive.cross_entropy([0.0, 0.0, -1000.0], 2))
    inf
    """
    with np.errstate(all="ignore"):
        return -_pick(np.log(softmax(logits)), target)


def cross_entropy_onehot(logits: ArrayLike, target: ArrayLike) -> np.ndarray:
    """``-sum(y * log(softmax(z)))`` with the one-hot ``y`` of ``target``.

    ``NaN`` wherever any class's probability underflows to 0, even one that is
    not the target: ``0 * log(0)`` is ``0 * -inf``, which is ``NaN``.

    Examples
    --------
    >>> from lossnotes import naive
    >>> float(naive.cross_entropy_onehot([0.0, 0.0, -1000.0], 0))
    nan
    """
    p = softmax(logits)
    y = _one_hot(target, p.shape[-1], p.dtype)
    with np.errstate(all="ignore"):
        return -(y * np.log(p)).sum(axis=-1)


def cross_entropy_eps(
    logits: ArrayLike, target: ArrayLike, eps: float = DEFAULT_EPSILON
) -> np.ndarray:
    """``-log(p_t + eps)``: the epsilon "fix", capped at ``-log(eps)``.

    Examples
    --------
    >>> from lossnotes import naive
    >>> round(float(naive.cross_entropy_eps([0.0, 0.0, -1000.0], 2)), 4)
    16.1181
    """
    p = softmax(logits)
    with np.errstate(all="ignore"):
        return -np.log(_pick(p, target) + p.dtype.type(eps))


def mse(logits: ArrayLike, target: ArrayLike) -> np.ndarray:
    """``mean((softmax(z) - y)**2)`` over the classes, with the unshifted softmax.

    Examples
    --------
    >>> from lossnotes import naive
    >>> float(naive.mse([0.0, 0.0, 1000.0], 0))
    nan
    """
    p = softmax(logits)
    y = _one_hot(target, p.shape[-1], p.dtype)
    with np.errstate(all="ignore"):
        return np.square(p - y).mean(axis=-1)


_FUNCTIONS = {
    "cross_entropy": cross_entropy,
    "cross_entropy_onehot": cross_entropy_onehot,
    "cross_entropy_eps": cross_entropy_eps,
    "mse": mse,
}


def evaluate(formula: str, logits: ArrayLike, target: ArrayLike) -> np.ndarray:
    """Evaluate the naive formula named ``formula`` (one of :data:`FORMULAS`).

    Raises
    ------
    ValueError
        For a name not in :data:`FORMULAS`.
    """
    return _FUNCTIONS[check_name(formula, FORMULAS, "formula")](logits, target)


def classify(values: ArrayLike) -> np.ndarray:
    """Sort values into the :data:`OUTCOMES`: 0 finite, 1 ``+inf``, 2 ``-inf``, 3 ``NaN``.

    Examples
    --------
    >>> from lossnotes import naive
    >>> naive.classify([1.0, float("inf"), -float("inf"), float("nan")])
    array([0, 1, 2, 3], dtype=int8)
    """
    v = np.asarray(values)
    codes = np.zeros(v.shape, dtype=np.int8)
    codes[np.isposinf(v)] = 1
    codes[np.isneginf(v)] = 2
    codes[np.isnan(v)] = 3
    return codes
