r"""Numbers about the gradients of the experiment's surfaces.

* :func:`fixed_logit_gradient_log10`: the exact size of the gradient with
  respect to the fixed logit, in log space. For MSE it is about ``1e-435``,
  far below the smallest float64, so floating point gives exactly 0; the
  function returns its base-10 exponent and sign instead.
* :func:`gradient_norm_bound`: an upper bound on the gradient norm of
  cross-entropy and MSE that holds for *every* logit vector, so neither
  gradient can explode.
* :func:`vanishing_summary`: where and how much the gradient vanishes.

The bounds. With ``p = softmax(z)``, the one-hot ``y`` and ``a = p - y``,

* cross-entropy: ``grad = a`` and ``|a|^2 = (1 - p_t)^2 + sum_{k != t} p_k^2
  <= 2 (1 - p_t)^2 <= 2``, so ``|grad| <= sqrt(2)``;
* MSE (mean over K classes): ``grad = (2/K) J a`` with the softmax Jacobian
  ``J = diag(p) - p p^T``. By Gershgorin's theorem every eigenvalue of ``J`` is
  at most ``max_i 2 p_i (1 - p_i) <= 1/2``, so ``|grad| <= (2/K)(1/2) sqrt(2)
  = sqrt(2)/K``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .grid import FIXED_CLASS
from .surface import Surface
from .validation import N_, InputError, check_name

__all__ = [
    "VanishingSummary",
    "fixed_logit_gradient_log10",
    "gradient_norm_bound",
    "smallest_subnormal_log10",
    "vanishing_summary",
]

_LN10 = float(np.log(10.0))


def gradient_norm_bound(loss: str, num_classes: int = 3) -> float:
    """An upper bound on the gradient norm of ``loss`` over all logit vectors.

    Parameters
    ----------
    loss : {"cross_entropy", "mse"}
    num_classes : int
        K, the number of classes.

    Returns
    -------
    float
        ``sqrt(2)`` for cross-entropy, ``sqrt(2) / K`` for MSE (mean over classes).

    Examples
    --------
    >>> from lossnotes.gradient_maps import gradient_norm_bound
    >>> round(gradient_norm_bound("mse"), 4)
    0.4714
    """
    check_name(loss, ("cross_entropy", "mse"), "loss")
    if num_classes < 2:
        raise InputError(
            N_("{name} must be at least 2, got {value}"), name="num_classes", value=num_classes
        )
    return float(np.sqrt(2.0)) if loss == "cross_entropy" else float(np.sqrt(2.0) / num_classes)


def smallest_subnormal_log10() -> float:
    """Base-10 exponent of the smallest positive float64 (about -323.3)."""
    return float(np.log10(np.finfo(np.float64).smallest_subnormal))


def _log_softmax3(logits: np.ndarray) -> np.ndarray:
    """Log-probabilities of 3-class logits (..., 3) in float64: all finite for finite logits."""
    z = logits.astype(np.float64)
    lse = np.logaddexp(np.logaddexp(z[..., 0], z[..., 1]), z[..., 2])
    return z - lse[..., np.newaxis]


def _log_abs_sum(log_a: np.ndarray, sign_a: np.ndarray, log_b: np.ndarray) -> np.ndarray:
    """``log|A + B|`` from ``log|A|``, the sign of A, and ``log B`` with ``B > 0``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        both = np.logaddexp(log_a, log_b)
        # |A| > B wherever A < 0 on the grids used here; the difference is formed in log space.
        gap = np.minimum(log_b - log_a, 0.0)
        minus = log_a + np.log1p(-np.exp(gap))
    out = np.where(sign_a > 0, both, minus)
    return np.where(sign_a == 0, log_b, out)


def fixed_logit_gradient_log10(
    loss: str, target: int, logits: np.ndarray, fixed_class: int = FIXED_CLASS
) -> tuple[np.ndarray, np.ndarray]:
    r"""Exact ``log10 |dL/dz_2|`` and its sign for 3-class logits, computed in log space.

    Parameters
    ----------
    loss : {"cross_entropy", "mse"}
    target : int
        0 or 2 (the class with the fixed logit).
    logits : ndarray, shape (..., 3)
        Finite logits; class ``fixed_class`` (2) is the fixed one.

    Returns
    -------
    log10_magnitude : ndarray, shape (...)
    sign : ndarray, shape (...)
        -1, 0 or +1.

    Notes
    -----
    With ``p = softmax(z)``, ``a = p - y`` and ``c = sum_k a_k p_k``:

    * CE: ``dL/dz_2 = p_2 - y_2``: ``p_2`` for target 0, ``-(p_0 + p_1)`` for target 2;
    * MSE, target 2: ``dL/dz_2 = -(2/3) p_2 (p_0 (q + p_0) + p_1 (q + p_1))`` with
      ``q = p_0 + p_1``;
    * MSE, target 0: ``dL/dz_2 = (2/3) p_2 (a_2 - c)`` with
      ``a_2 - c = p_1 (p_0 - p_1) + p_2 (2 p_0 + p_1)``.

    Each is assembled from ``log p_k``, which stays finite (about -1000 for
    the fixed class) where ``p_2`` itself underflows to 0.

    Examples
    --------
    >>> import numpy as np
    >>> from lossnotes.gradient_maps import fixed_logit_gradient_log10
    >>> mag, sign = fixed_logit_gradient_log10("mse", 2, np.array([0.0, 0.0, -1000.0]))
    >>> round(float(mag), 2), int(sign)
    (-434.6, -1)
    """
    check_name(loss, ("cross_entropy", "mse"), "loss")
    if fixed_class != 2 or target not in (0, 2) or logits.shape[-1] != 3:
        raise InputError(
            N_(
                "{name} must be 3-class logits (..., 3) with class 2 fixed and target 0 or 2; "
                "got {k} classes, fixed class {fixed}, target {target}"
            ),
            name="logits",
            k=logits.shape[-1],
            fixed=fixed_class,
            target=target,
        )
    logp = _log_softmax3(np.asarray(logits))
    l0, l1, l2 = logp[..., 0], logp[..., 1], logp[..., 2]
    if loss == "cross_entropy":
        if target == 0:
            return l2 / _LN10, np.ones_like(l2)
        return np.logaddexp(l0, l1) / _LN10, -np.ones_like(l2)
    p0, p1 = np.exp(l0), np.exp(l1)
    if target == 2:
        q = p0 + p1
        inner = np.log(p0 * (q + p0) + p1 * (q + p1))
        return (np.log(2 / 3) + l2 + inner) / _LN10, -np.ones_like(l2)
    # p0 - p1 = p1 * expm1(z0 - z1): no cancellation.
    z = np.asarray(logits, dtype=np.float64)
    diff = p1 * np.expm1(z[..., 0] - z[..., 1])
    sign_a = np.sign(diff)
    with np.errstate(divide="ignore"):
        log_a = np.log(p1) + np.log(np.abs(diff))
    log_b = l2 + np.log(2 * p0 + p1)
    log_inner = _log_abs_sum(log_a, sign_a, log_b)
    return (np.log(2 / 3) + l2 + log_inner) / _LN10, np.where(sign_a == 0, 1.0, sign_a)


@dataclass(frozen=True)
class VanishingSummary:
    """Where a surface's gradient norm is small.

    Attributes
    ----------
    threshold : float
    share : float
        Share of all grid points with norm below ``threshold``.
    share_losing : float
        Share of the points where the target is losing (another class's logit
        is at least as large) with norm below ``threshold``.
    min_norm_losing : float
        Smallest norm where the target is losing.
    min_norm_losing_at : tuple of float
        ``(z0, z1)`` where it is reached.
    """

    threshold: float
    share: float
    share_losing: float
    min_norm_losing: float
    min_norm_losing_at: tuple[float, float]


def vanishing_summary(surface: Surface, threshold: float = 1e-6) -> VanishingSummary:
    """Measure where ``surface``'s gradient norm falls below ``threshold``."""
    logits = surface.grid.logits()
    norm = surface.grad_norm
    target_logit = logits[..., surface.target]
    others = np.delete(logits, surface.target, axis=-1).max(axis=-1)
    losing = others >= target_logit
    masked = np.where(losing, norm, np.inf)
    i, j = np.unravel_index(int(np.argmin(masked)), masked.shape)
    return VanishingSummary(
        threshold=float(threshold),
        share=float((norm < threshold).mean()),
        share_losing=float((norm[losing] < threshold).mean()) if losing.any() else 0.0,
        min_norm_losing=float(masked[i, j]),
        min_norm_losing_at=(float(logits[i, j, 0]), float(logits[i, j, 1])),
    )
