"""Bisection on floating-point numbers: the edge of a predicate, the root of a function.

The thresholds and extrema on the pages (where ``np.exp`` underflows, where a
profile is steepest, where a band begins) are found by bisection down to
neighbouring floating-point numbers, never read off a sampled curve.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .validation import N_, InputError

__all__ = ["edge", "root"]


def edge(
    holds: Callable[[np.floating], bool], lo: float, hi: float, dtype: str = "float64"
) -> tuple[float, float]:
    """Neighbouring numbers ``(a, b)`` of ``dtype`` with ``holds(a)`` true and ``holds(b)`` false.

    Parameters
    ----------
    holds : callable
        A predicate on numbers of ``dtype``, true at ``lo`` and false at ``hi``,
        that changes once between them.
    lo, hi : float
        The bracket; ``lo > hi`` is allowed (the edge is then searched downwards).
    dtype : {"float32", "float64"}
        The floating type the predicate is evaluated in.

    Returns
    -------
    tuple of float
        ``a`` and ``b`` are adjacent numbers of ``dtype``.

    Examples
    --------
    >>> import numpy as np
    >>> from lossnotes.bisection import edge
    >>> a, b = edge(lambda x: np.exp(x) == 0, -1000.0, 0.0)
    >>> round(a, 4), float(np.exp(b)) > 0
    (-745.1332, True)
    """
    kind = np.dtype(dtype).type
    a, b = kind(lo), kind(hi)
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        if not holds(a) or holds(b):
            raise InputError(
                N_("{name} must hold at lo = {lo} and fail at hi = {hi}"),
                name="predicate",
                lo=lo,
                hi=hi,
            )
        while True:
            mid = kind(a / 2 + b / 2)
            if mid in (a, b):
                step = np.nextafter(a, b)
                if step == b:
                    return float(a), float(b)
                mid = step
            if holds(mid):
                a = mid
            else:
                b = mid


def root(f: Callable[[float], float], lo: float, hi: float) -> float:
    """A root of ``f`` between ``lo`` and ``hi`` (where ``f`` changes sign), to float64 precision.

    Returns the end of the final bracket of neighbouring float64 numbers at
    which ``|f|`` is smaller.

    Examples
    --------
    >>> from lossnotes.bisection import root
    >>> abs(root(lambda x: x * x - 2, 0.0, 2.0) - 2**0.5) <= 2.3e-16
    True
    """
    positive_at_lo = f(lo) > 0
    if (f(hi) > 0) == positive_at_lo:
        raise InputError(
            N_("{name} must change sign between lo = {lo} and hi = {hi}"), name="f", lo=lo, hi=hi
        )
    a, b = edge(lambda x: (f(float(x)) > 0) == positive_at_lo, lo, hi)
    return a if abs(f(a)) <= abs(f(b)) else b
