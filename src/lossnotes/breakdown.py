"""Where the naive formulas break: inf and NaN maps, counts, the epsilon plateau, log-sum-exp.

Numbers for the numerics chapter. The naive formulas come from
:mod:`lossnotes.naive`; every comparison value comes from the stable core.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import naive
from .bisection import edge
from .grid import EXPERIMENT, Grid
from .losses import cross_entropy, mse
from .softmax import log_softmax
from .validation import check_name

__all__ = [
    "DTYPES",
    "WIDE",
    "EpsilonProfile",
    "LseRow",
    "epsilon_profile",
    "exp_limits",
    "lse_rows",
    "outcome_counts",
    "outcome_map",
    "stable_counts",
    "stable_logsumexp",
    "subnormal_log",
]

#: The floating types compared.
DTYPES: tuple[str, ...] = ("float32", "float64")

#: A wider grid than the experiment's, over which the naive formulas' failure regions show.
WIDE = Grid(low=-800.0, high=800.0, resolution=321, fixed_logit=-1000.0)


def exp_limits(dtype: str) -> tuple[float, float]:
    """``(overflow, underflow)``: where ``np.exp`` in ``dtype`` returns ``inf`` and 0.

    ``np.exp(x)`` is ``inf`` for every ``x`` from the first value up and
    exactly 0 for every ``x`` from the second value down. Both are found by bisection on the
    numbers of ``dtype``, evaluating ``np.exp`` itself: they are the limits of
    the arithmetic the naive formulas really perform. The underflow limit lies
    below ``log`` of the smallest subnormal (see :func:`subnormal_log`): between
    the two, ``np.exp`` rounds up to that smallest subnormal.

    Examples
    --------
    >>> from lossnotes.breakdown import exp_limits
    >>> [round(x, 2) for x in exp_limits("float32")], [round(x, 2) for x in exp_limits("float64")]
    ([88.72, -103.97], [709.78, -745.13])
    """
    check_name(dtype, DTYPES, "dtype")
    _, first_inf = edge(lambda x: bool(np.isfinite(np.exp(x))), 0.0, 1e6, dtype)
    last_zero, _ = edge(lambda x: bool(np.exp(x) == 0), -1e6, 0.0, dtype)
    return first_inf, last_zero


def subnormal_log(dtype: str) -> float:
    """Natural logarithm of the smallest positive (subnormal) number of ``dtype``."""
    check_name(dtype, DTYPES, "dtype")
    return float(np.log(np.float64(np.finfo(np.dtype(dtype)).smallest_subnormal)))


def outcome_map(formula: str, target: int, grid: Grid = EXPERIMENT, dtype: str = "float64"):
    """Codes of :data:`lossnotes.naive.OUTCOMES` of a naive formula at every grid point.

    Returns
    -------
    ndarray of int8, shape (n, n)
        0 finite, 1 ``+inf``, 2 ``-inf``, 3 ``NaN``.
    """
    logits = grid.logits(np.dtype(dtype).type)
    return naive.classify(naive.evaluate(formula, logits, target))


def outcome_counts(
    formula: str, target: int, grid: Grid = EXPERIMENT, dtype: str = "float64"
) -> dict[str, int]:
    """How many grid points give each outcome (keys :data:`lossnotes.naive.OUTCOMES`)."""
    codes = outcome_map(formula, target, grid, dtype)
    return {name: int((codes == i).sum()) for i, name in enumerate(naive.OUTCOMES)}


def stable_counts(formula: str, target: int, grid: Grid = EXPERIMENT) -> dict[str, int]:
    """Outcome counts of the stable core's version of a naive formula (float64).

    Every cross-entropy formula's stable version is :func:`lossnotes.cross_entropy`;
    the MSE formula's is :func:`lossnotes.mse`.
    """
    check_name(formula, naive.FORMULAS, "formula")
    logits = grid.logits()
    values = mse(logits, target) if formula == "mse" else cross_entropy(logits, target)
    codes = naive.classify(values)
    return {name: int((codes == i).sum()) for i, name in enumerate(naive.OUTCOMES)}


def stable_logsumexp(logits: np.ndarray) -> np.ndarray:
    """``log(sum(exp(z)))`` by the shift: ``m + log(sum(exp(z - m)))`` with ``m = max(z)``."""
    z = np.asarray(logits, dtype=np.float64)
    m = z.max(axis=-1)
    return m + np.log(np.exp(z - m[..., np.newaxis]).sum(axis=-1))


@dataclass(frozen=True)
class LseRow:
    """Naive and stable log-sum-exp and cross-entropy (target 0) at one logit vector."""

    logits: tuple[float, ...]
    naive_lse32: float
    naive_lse64: float
    stable_lse: float
    naive_ce32: float
    naive_ce64: float
    stable_ce: float


def lse_rows(points: Sequence[Sequence[float]]) -> list[LseRow]:
    """Naive (float32, float64) versus stable values at each point."""
    rows = []
    for point in points:
        z = np.asarray(point, dtype=np.float64)
        z32 = z.astype(np.float32)
        rows.append(
            LseRow(
                logits=tuple(float(v) for v in z),
                naive_lse32=float(naive.logsumexp(z32)),
                naive_lse64=float(naive.logsumexp(z)),
                stable_lse=float(stable_logsumexp(z)),
                naive_ce32=float(naive.cross_entropy(z32, 0)),
                naive_ce64=float(naive.cross_entropy(z, 0)),
                stable_ce=float(cross_entropy(z, 0)),
            )
        )
    return rows


@dataclass(frozen=True)
class EpsilonProfile:
    """Cross-entropy of the fixed class as the fixed logit ``z2`` falls, with ``z0 = z1 = 0``.

    Attributes
    ----------
    fixed : ndarray
        The values of ``z2``.
    stable : ndarray
        ``-log p_2`` from the stable core.
    eps64, eps32 : ndarray
        ``-log(p_2 + eps)`` from the naive formula in float64 and float32.
    stable_grad_log10 : ndarray
        ``log10 |d CE / d z2|``, exactly ``log10(1 - p_2)``.
    eps_grad_log10 : ndarray
        ``log10 |d/dz2 -log(p_2 + eps)| = log10(p_2 (1 - p_2) / (p_2 + eps))``, in log space.
    plateau : float
        ``-log(eps)``.
    """

    fixed: np.ndarray
    stable: np.ndarray
    eps64: np.ndarray
    eps32: np.ndarray
    stable_grad_log10: np.ndarray
    eps_grad_log10: np.ndarray
    plateau: float


def epsilon_profile(
    fixed: np.ndarray | None = None, eps: float = naive.DEFAULT_EPSILON
) -> EpsilonProfile:
    """Stable cross-entropy against the epsilon "fix" along the fixed logit."""
    z2 = np.linspace(-60.0, 10.0, 701) if fixed is None else np.asarray(fixed, dtype=np.float64)
    logits = np.stack([np.zeros_like(z2), np.zeros_like(z2), z2], axis=-1)
    logp = log_softmax(logits)
    log_p2 = logp[..., 2]
    log_rest = np.logaddexp(logp[..., 0], logp[..., 1])  # log(1 - p_2), no cancellation
    ln10 = np.log(10.0)
    eps_grad = log_p2 + log_rest - np.logaddexp(log_p2, np.log(eps))
    return EpsilonProfile(
        fixed=z2,
        stable=cross_entropy(logits, 2),
        eps64=naive.cross_entropy_eps(logits, 2, eps),
        eps32=naive.cross_entropy_eps(logits.astype(np.float32), 2, eps).astype(np.float64),
        stable_grad_log10=log_rest / ln10,
        eps_grad_log10=eps_grad / ln10,
        plateau=float(-np.log(eps)),
    )
