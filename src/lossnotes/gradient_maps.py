r"""Numbers about the gradients of the experiment's surfaces.

* :func:`fixed_logit_gradient_log10`: the exact size of the gradient with
  respect to the fixed logit, in log space. For MSE it is about ``1e-435``,
  far below the smallest float64, so floating point gives exactly 0; the
  function returns its base-10 exponent and sign instead.
* :func:`gradient_log10` and :func:`gradient_norm_log10`: the exact gradient
  of 3-class logits in log space, where float64 rounds it to 0.
* :func:`gradient_norm_bound`: an upper bound on the gradient norm of
  cross-entropy and MSE that holds for *every* logit vector, so neither
  gradient can explode; :func:`gradient_norm_supremum`: the least such bound.
* :func:`vanishing_summary`: where and how much the gradient vanishes.

The bounds. With ``p = softmax(z)``, the one-hot ``y`` and ``a = p - y``,

* cross-entropy: ``grad = a`` and ``|a|^2 = (1 - p_t)^2 + sum_{k != t} p_k^2
  <= 2 (1 - p_t)^2 <= 2``, so ``|grad| <= sqrt(2)``;
* MSE (mean over K classes): ``grad = (2/K) J a`` with the softmax Jacobian
  ``J = diag(p) - p p^T``. By Gershgorin's theorem every eigenvalue of ``J`` is
  at most ``max_i 2 p_i (1 - p_i) <= 1/2``, so ``|grad| <= (2/K)(1/2) sqrt(2)
  = sqrt(2)/K``.

Both bounds hold; the MSE one is loose. Its supremum is approached with the
target's probability ``u`` and one rival's ``1 - u`` (every other class at 0),
where ``|grad| = (2/K) 2 sqrt(2) u (1 - u)^2``, largest at ``u = 1/3``:
``16 sqrt(2) / (27 K)``, which is 16/27 of ``sqrt(2)/K``. A numerical
maximisation over the whole simplex finds no larger value (the tests check
K = 3, 4 and 10).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .bisection import root
from .grid import FIXED_CLASS
from .leading import losing
from .surface import Surface
from .validation import N_, InputError, check_name

__all__ = [
    "VanishingSummary",
    "fixed_logit_gradient_log10",
    "gradient_log10",
    "gradient_norm_bound",
    "gradient_norm_log10",
    "gradient_norm_supremum",
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


def gradient_norm_supremum(loss: str, num_classes: int = 3) -> tuple[float, float]:
    """The least upper bound of the gradient norm of ``loss`` over all logit vectors.

    Parameters
    ----------
    loss : {"cross_entropy", "mse"}
    num_classes : int
        K, at least 2.

    Returns
    -------
    supremum : float
        ``sqrt(2)`` for cross-entropy; ``16 sqrt(2) / (27 K)`` for MSE.
    target_probability : float
        The target's probability ``u`` as the norm approaches the supremum, with
        one rival holding ``1 - u`` and every other class 0: 0 for
        cross-entropy; for MSE the root of ``d/du [u (1 - u)^2] = (1 - u)(1 - 3u)``
        in ``(0, 1)``, found by bisection (1/3).

    Notes
    -----
    Neither value is attained by finite logits; each is approached as the
    other classes' logits fall towards ``-inf``.

    Examples
    --------
    >>> from lossnotes.gradient_maps import gradient_norm_supremum
    >>> [round(x, 5) for x in gradient_norm_supremum("mse", 3)]
    [0.27935, 0.33333]
    """
    check_name(loss, ("cross_entropy", "mse"), "loss")
    if num_classes < 2:
        raise InputError(
            N_("{name} must be at least 2, got {value}"), name="num_classes", value=num_classes
        )
    if loss == "cross_entropy":
        return float(np.sqrt(2.0)), 0.0
    u = root(lambda x: (1 - x) * (1 - 3 * x), 0.0, 0.5)
    return float((2 / num_classes) * 2 * np.sqrt(2.0) * u * (1 - u) ** 2), u


def smallest_subnormal_log10() -> float:
    """Base-10 exponent of the smallest positive float64 (about -323.3)."""
    return float(np.log10(np.finfo(np.float64).smallest_subnormal))


def _log_softmax3(logits: np.ndarray) -> np.ndarray:
    """Log-probabilities of 3-class logits (..., 3) in float64: all finite for finite logits."""
    z = logits.astype(np.float64)
    lse = np.logaddexp(np.logaddexp(z[..., 0], z[..., 1]), z[..., 2])
    return z - lse[..., np.newaxis]


def _log_abs_sum(
    log_a: np.ndarray, sign_a: np.ndarray, log_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``log|A + B|`` and the sign of ``A + B`` from ``log|A|``, its sign and ``log B`` (B > 0).

    Where A < 0 the difference ``B - |A|`` is formed in log space; it is exact
    to rounding unless ``|A|`` and ``B`` agree in their leading digits.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        both = np.logaddexp(log_a, log_b)
        big, small = np.maximum(log_a, log_b), np.minimum(log_a, log_b)
        minus = big + np.log1p(-np.exp(small - big))
    negative = sign_a < 0
    out = np.where(negative, minus, both)
    out = np.where(sign_a == 0, log_b, out)
    sign = np.where(negative & (log_a > log_b), -1.0, 1.0)
    return out, np.where(np.isneginf(out), 0.0, sign)


def _check_three_classes(loss: str, target: int, logits: ArrayLike) -> np.ndarray:
    check_name(loss, ("cross_entropy", "mse"), "loss")
    z = np.asarray(logits, dtype=np.float64)
    if z.shape[-1:] != (3,) or target not in (0, 1, 2):
        raise InputError(
            N_(
                "{name} must have shape (..., 3) with a target 0, 1 or 2; "
                "got shape {shape}, target {target}"
            ),
            name="logits",
            shape=z.shape,
            target=target,
        )
    return z


def gradient_log10(loss: str, target: int, logits: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    r"""Exact ``log10 |dL/dz_k|`` and the sign of each gradient entry, computed in log space.

    Parameters
    ----------
    loss : {"cross_entropy", "mse"}
    target : {0, 1, 2}
    logits : array_like, shape (..., 3)
        Finite logits.

    Returns
    -------
    log10_magnitude : ndarray, shape (..., 3)
        ``-inf`` where the entry is exactly 0.
    sign : ndarray, shape (..., 3)
        -1, 0 or +1.

    Notes
    -----
    With ``p = softmax(z)`` and, for an entry ``k != t``, ``j`` the third class:

    * CE: ``dL/dz_k = p_k``; ``dL/dz_t = -(p_k + p_j)``;
    * MSE: ``dL/dz_k = (2/3) p_k (p_j (p_k - p_j) + p_t (2 p_k + p_j))``, whose
      bracket also equals ``p_j (p_t - p_j) + p_k (2 p_t + p_j)`` (the form used
      where ``p_k < p_t``), and
      ``dL/dz_t = -(2/3) p_t (p_k (q + p_k) + p_j (q + p_j))`` with ``q = p_k + p_j``.

    Each is assembled from ``log p_k``, which stays finite (about -1000 for
    the experiment's fixed class) where ``p_k`` itself underflows to 0, and
    ``|p_k - p_j| = max(p_k, p_j) (1 - e^{-|z_k - z_j|})`` is formed without
    cancellation.
    """
    z = _check_three_classes(loss, target, logits)
    logp = _log_softmax3(z)
    mags, signs = [], []
    for k in range(3):
        if k == target:
            others = [c for c in range(3) if c != target]
            lk, lj = logp[..., others[0]], logp[..., others[1]]
            if loss == "cross_entropy":
                mag = np.logaddexp(lk, lj)
            else:
                lq = np.logaddexp(lk, lj)
                inner = np.logaddexp(lk + np.logaddexp(lq, lk), lj + np.logaddexp(lq, lj))
                mag = np.log(2 / 3) + logp[..., target] + inner
            mags.append(mag)
            signs.append(-np.ones_like(mag))
            continue
        if loss == "cross_entropy":
            mags.append(logp[..., k])
            signs.append(np.ones_like(logp[..., k]))
            continue
        j = 3 - k - target
        # The bracket equals p_j (p_b - p_j) + p_s (2 p_b + p_j) for {s, b} = {t, k}, with s
        # the smaller probability of the two: that form keeps the cancelling part small.
        t_smaller = logp[..., target] <= logp[..., k]
        l_small = np.where(t_smaller, logp[..., target], logp[..., k])
        l_big = np.where(t_smaller, logp[..., k], logp[..., target])
        gap = np.where(t_smaller, z[..., k], z[..., target]) - z[..., j]
        with np.errstate(divide="ignore"):
            # |p_b - p_j| = max(p_b, p_j) (1 - e^{-|z_b - z_j|}), with -expm1 for the bracket
            log_diff = np.maximum(l_big, logp[..., j]) + np.log(-np.expm1(-np.abs(gap)))
        log_a = logp[..., j] + log_diff
        log_b = l_small + np.logaddexp(np.log(2.0) + l_big, logp[..., j])
        inner, sign = _log_abs_sum(log_a, np.sign(gap), log_b)
        mags.append(np.log(2 / 3) + logp[..., k] + inner)
        signs.append(sign)
    return np.stack(mags, axis=-1) / _LN10, np.stack(signs, axis=-1)


def gradient_norm_log10(loss: str, target: int, logits: ArrayLike) -> np.ndarray:
    """Exact ``log10`` of the gradient's Euclidean norm, from :func:`gradient_log10`.

    Examples
    --------
    >>> import numpy as np
    >>> from lossnotes.gradient_maps import gradient_norm_log10
    >>> round(float(gradient_norm_log10("mse", 2, np.array([0.0, 0.0, -1000.0]))), 2)
    -434.51
    """
    mags, _ = gradient_log10(loss, target, logits)
    with np.errstate(divide="ignore"):
        doubled = 2 * mags * _LN10
        top = doubled.max(axis=-1)
        safe = np.where(np.isneginf(top), 0.0, top)
        total = safe + np.log(np.exp(doubled - safe[..., np.newaxis]).sum(axis=-1))
    return np.where(np.isneginf(top), -np.inf, total / 2) / _LN10


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
    if fixed_class != 2 or target not in (0, 2) or np.shape(logits)[-1:] != (3,):
        raise InputError(
            N_(
                "{name} must be 3-class logits (..., 3) with class 2 fixed and target 0 or 2; "
                "got {k} classes, fixed class {fixed}, target {target}"
            ),
            name="logits",
            k=np.shape(logits)[-1] if np.ndim(logits) else 0,
            fixed=fixed_class,
            target=target,
        )
    mags, signs = gradient_log10(loss, target, logits)
    sign = signs[..., 2]
    return mags[..., 2], np.where(sign == 0, 1.0, sign)


@dataclass(frozen=True)
class VanishingSummary:
    """Where a surface's gradient norm is small.

    Attributes
    ----------
    threshold : float
    share : float
        Share of all grid points with norm below ``threshold``.
    share_losing : float
        Share of the points where the target is losing (it does not strictly
        lead; a tie counts as losing, see :mod:`lossnotes.leading`) with norm
        below ``threshold``.
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
    behind = losing(logits, surface.target)
    masked = np.where(behind, norm, np.inf)
    i, j = np.unravel_index(int(np.argmin(masked)), masked.shape)
    return VanishingSummary(
        threshold=float(threshold),
        share=float((norm < threshold).mean()),
        share_losing=float((norm[behind] < threshold).mean()) if behind.any() else 0.0,
        min_norm_losing=float(masked[i, j]),
        min_norm_losing_at=(float(logits[i, j, 0]), float(logits[i, j, 1])),
    )
