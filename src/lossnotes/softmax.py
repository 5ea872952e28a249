"""Softmax and log-softmax, computed without overflow or cancellation.

Everything in :mod:`lossnotes` starts here. The logits are shifted by their
maximum, so every exponential lies in ``[0, 1]`` and the largest is exactly 1.
The normaliser is kept in two parts, ``1 + rest``, where ``rest`` is the sum of
the shifted exponentials of every class but the (first) largest one. This is
what keeps tiny quantities exact: ``log(1 + rest)`` is evaluated as
``log1p(rest)``, and ``1 - p_k`` as a sum of the other probabilities, never as a
difference.

Internally the class axis is moved to the front (``(K, ...)``, contiguous), so
that reductions over the classes run as fast element-wise operations between
class planes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .validation import check_logits

__all__ = ["log_softmax", "softmax"]


@dataclass(frozen=True)
class SoftmaxPass:
    """The quantities one stable softmax pass yields, class axis first.

    Attributes
    ----------
    z : ndarray, shape (K, ...)
        The logits.
    shifted : ndarray, shape (K, ...)
        ``z - max(z)``: every entry is ``<= 0`` and the largest class is exactly 0.
        An entry is ``-inf`` for a ``-inf`` logit or where the difference
        overflows (it is then below every representable number, and its
        exponential is exactly 0).
    exp : ndarray, shape (K, ...)
        ``exp(shifted)``, in ``[0, 1]``.
    top : ndarray of intp, shape (...)
        The first class holding the largest logit.
    rest : ndarray, shape (...)
        Sum of ``exp`` over every class but ``top``.
    total : ndarray, shape (...)
        ``1 + rest``, the normaliser, in ``[1, K]``.
    """

    z: np.ndarray
    shifted: np.ndarray
    exp: np.ndarray
    top: np.ndarray
    rest: np.ndarray
    total: np.ndarray

    @property
    def probabilities(self) -> np.ndarray:
        """The softmax, shape (K, ...)."""
        return self.exp / self.total

    def sum_except(self, target: np.ndarray) -> np.ndarray:
        """Sum of ``exp`` over every class but ``target`` (shape (...)), without cancellation.

        For ``target == top`` this is ``rest``; otherwise it is ``total - exp[target]``,
        which is at least 1 (it holds the top class) and so loses no digits.
        """
        e_t = np.take_along_axis(self.exp, target[np.newaxis], axis=0)[0]
        return np.where(target == self.top, self.rest, self.total - e_t)


def softmax_pass(logits: np.ndarray) -> SoftmaxPass:
    """Run one stable softmax pass over logits already accepted by ``check_logits``.

    ``logits`` has shape (..., K); every array of the result has the class axis first.
    """
    z = np.ascontiguousarray(np.moveaxis(logits, -1, 0))
    top = np.argmax(z, axis=0)
    peak = np.take_along_axis(z, top[np.newaxis], axis=0)
    with np.errstate(over="ignore"):
        shifted = z - peak  # -inf where the gap overflows: exp() is 0 there either way
    exp = np.exp(shifted)
    others = exp.copy()
    np.put_along_axis(others, top[np.newaxis], 0.0, axis=0)
    rest = others.sum(axis=0)
    return SoftmaxPass(z=z, shifted=shifted, exp=exp, top=top, rest=rest, total=1 + rest)


def softmax(logits: ArrayLike) -> np.ndarray:
    r"""Softmax over the last axis, without overflow.

    .. math:: \operatorname{softmax}(z)_k = \frac{e^{z_k - m}}{\sum_j e^{z_j - m}},
              \qquad m = \max_j z_j

    Parameters
    ----------
    logits : array_like, shape (..., K)
        Real logits, K >= 2. ``-inf`` entries are allowed (probability 0) as
        long as each sample has a finite logit; NaN and ``+inf`` are rejected.

    Returns
    -------
    ndarray, shape (..., K)
        Probabilities in ``[0, 1]`` summing to 1 along the last axis, in the
        input's floating type (float64 for integer input).

    Raises
    ------
    TypeError, ValueError
        For input :func:`lossnotes.validation.check_logits` rejects.

    See Also
    --------
    log_softmax : the logarithm, computed directly rather than as ``log(softmax)``.
    scipy.special.softmax : the same shift-by-the-maximum scheme.

    Notes
    -----
    Shifting by the maximum changes nothing mathematically (softmax is
    invariant to adding a constant to every logit) but keeps every
    exponential in ``[0, 1]``: ``exp(1000)`` would overflow, ``exp(0)`` cannot.

    Examples
    --------
    >>> from lossnotes import softmax
    >>> softmax([1000.0, 1000.0, -1000.0])
    array([0.5, 0.5, 0. ])
    """
    sp = softmax_pass(check_logits(logits))
    return np.moveaxis(sp.probabilities, 0, -1)


def log_softmax(logits: ArrayLike) -> np.ndarray:
    r"""Logarithm of the softmax over the last axis, without overflow or cancellation.

    .. math:: \log \operatorname{softmax}(z)_k = (z_k - m) - \operatorname{log1p}\Big(\sum_{j \ne j^*} e^{z_j - m}\Big)

    where :math:`m = z_{j^*}` is the largest logit.

    Parameters
    ----------
    logits : array_like, shape (..., K)
        As for :func:`softmax`.

    Returns
    -------
    ndarray, shape (..., K)
        Log-probabilities, ``<= 0``; ``-inf`` exactly where a logit is ``-inf``.

    Notes
    -----
    ``log(softmax(z))`` loses everything once a probability underflows to 0
    (it returns ``-inf`` for ``z = (0, -1000)``, where the true value is
    ``-1000``). Here the shifted logit is kept as is and only the normaliser is
    taken through a logarithm, as ``log1p`` of the sum of the *other*
    exponentials, so a normaliser of ``1 + 1e-20`` keeps its ``1e-20``.

    Examples
    --------
    >>> from lossnotes import log_softmax
    >>> log_softmax([0.0, -1000.0])
    array([    0., -1000.])
    """
    sp = softmax_pass(check_logits(logits))
    return np.moveaxis(sp.shifted - np.log1p(sp.rest), 0, -1)
