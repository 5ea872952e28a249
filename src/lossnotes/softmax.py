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

import math
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
    rest : ndarray, shape (...)
        Sum of ``exp`` over every class but the first largest one.
    total : ndarray, shape (...)
        ``1 + rest``, the normaliser, in ``[1, K]``.
    """

    z: np.ndarray
    shifted: np.ndarray
    exp: np.ndarray
    rest: np.ndarray
    total: np.ndarray

    @property
    def probabilities(self) -> np.ndarray:
        """The softmax, shape (K, ...)."""
        return self.exp / self.total


def _underflow_below(dtype: np.dtype) -> float:
    """Arguments below which ``exp`` rounds to 0 in ``dtype`` (with a margin of 0.01)."""
    return math.log(float(np.finfo(dtype).smallest_subnormal)) - math.log(2) - 0.01


def softmax_pass(logits: np.ndarray) -> SoftmaxPass:
    """Run one stable softmax pass over logits already accepted by ``check_logits``.

    ``logits`` has shape (..., K); every array of the result has the class axis first.
    The sum of all exponentials but the largest is accumulated class by class
    as ``rest += min(running_max, e_k)``, ``running_max = max(running_max, e_k)``:
    whatever the order of the classes, it leaves out exactly one copy of the
    largest exponential (which is 1) and adds every other one.
    """
    k = logits.shape[-1]
    z = np.ascontiguousarray(np.moveaxis(logits, -1, 0)).reshape(k, -1)
    peak = np.maximum(z[0], z[1])
    for plane in z[2:]:
        np.maximum(peak, plane, out=peak)
    with np.errstate(over="ignore"):
        shifted = z - peak  # -inf where the gap overflows: exp() is 0 there either way
    exp = np.empty_like(shifted)
    below = _underflow_below(exp.dtype)
    for plane, out in zip(shifted, exp, strict=True):
        # np.exp takes a slow path for each result that underflows (4.5x the cost of a
        # normal one), and a class held far below the others, as in the note's bad start,
        # is all underflow: such a plane is set to the zeros np.exp would return. Measured
        # on 10**6 values: 23 ms for an underflowing plane against 5 ms for a normal one.
        # On the note's 1000 x 1000 grid with class 2 at -1000 and target 2, it brings
        # lossnotes from 1.2-1.5x to 0.85x of scipy's time (benchmarks/bench_losses.py);
        # without it the plain core misses the target of at most 1x there.
        if plane.max() < below:
            out.fill(0.0)
        else:
            np.exp(plane, out=out)
    rest = np.minimum(exp[0], exp[1])
    running = np.maximum(exp[0], exp[1])
    for plane in exp[2:]:
        rest += np.minimum(running, plane, out=peak)
        np.maximum(running, plane, out=running)
    shape = logits.shape[:-1]
    return SoftmaxPass(
        z=z.reshape(k, *shape),
        shifted=shifted.reshape(k, *shape),
        exp=exp.reshape(k, *shape),
        rest=rest.reshape(shape),
        total=np.add(rest, 1.0, out=running).reshape(shape),
    )


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
        input's floating type (float64 for integer input, float32 for float16).

    Raises
    ------
    TypeError, ValueError
        For input :func:`lossnotes.validation.check_logits` rejects; the message
        names the parameter, the offending value or index and what is allowed.

    See Also
    --------
    log_softmax : the logarithm, computed directly rather than as ``log(softmax)``.
    scipy.special.softmax : the same shift-by-the-maximum scheme.

    Notes
    -----
    Shifting by the maximum changes nothing mathematically (softmax is
    invariant to adding a constant to every logit) but keeps every
    exponential in ``[0, 1]``: ``exp(1000)`` would overflow, ``exp(0)`` cannot.

    Accuracy: each probability is within a relative ``(|z_k - m| + 4)`` units in
    the last place of the exact softmax of the given (binary) logits wherever
    that is a normal number; the ``|z_k - m|`` term comes from rounding the
    shifted logit before exponentiating it, and is below 1e-13 relative in
    float64 for every probability above the underflow threshold
    (``|z_k - m| < 745``). A probability below the smallest normal number
    comes out subnormal or 0, as its exact value rounds.

    Examples
    --------
    >>> from lossnotes import softmax
    >>> softmax([1000.0, 1000.0, -1000.0])
    array([0.5, 0.5, 0. ])
    >>> softmax([0.0, 1e-20])[1] - 0.5
    np.float64(0.0)
    """
    sp = softmax_pass(check_logits(logits))
    return np.moveaxis(sp.probabilities, 0, -1)


def log_softmax(logits: ArrayLike) -> np.ndarray:
    r"""Logarithm of the softmax over the last axis, without overflow or cancellation.

    .. math:: \log \operatorname{softmax}(z)_k = (z_k - m)
              - \operatorname{log1p}\Big(\sum_{j \ne j^*} e^{z_j - m}\Big)

    where :math:`m = z_{j^*}` is the largest logit.

    Parameters
    ----------
    logits : array_like, shape (..., K)
        As for :func:`softmax`.

    Returns
    -------
    ndarray, shape (..., K)
        Log-probabilities, ``<= 0``; ``-inf`` exactly where a logit is ``-inf``
        or where the gap to the largest logit exceeds the largest float (the
        exact value is then below ``-1.8e308``, and ``-inf`` is its correctly
        rounded value).

    Raises
    ------
    TypeError, ValueError
        As for :func:`softmax`.

    See Also
    --------
    softmax
    scipy.special.log_softmax : computes ``z - m - log(sum(exp(z - m)))``, which
        rounds ``log(1 + 1e-20)`` to 0.

    Notes
    -----
    ``log(softmax(z))`` loses everything once a probability underflows to 0
    (it returns ``-inf`` for ``z = (0, -1000)``, where the true value is
    ``-1000``). Here the shifted logit is kept as is and only the normaliser is
    taken through a logarithm, as ``log1p`` of the sum of the *other*
    exponentials, so a normaliser of ``1 + 1e-20`` keeps its ``1e-20``. The two
    terms never have opposite signs, so nothing cancels: the result is within a
    few units in the last place (relative error below 1e-15 in float64).

    Examples
    --------
    >>> from lossnotes import log_softmax
    >>> log_softmax([0.0, -1000.0])
    array([    0., -1000.])
    >>> float(log_softmax([0.0, -50.0])[0])
    -1.9287498479639178e-22
    """
    sp = softmax_pass(check_logits(logits))
    return np.moveaxis(sp.shifted - np.log1p(sp.rest), 0, -1)
