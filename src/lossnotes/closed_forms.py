r"""Closed forms of the experiment's surfaces, their 1-D profiles and the shape of a "cliff".

With three classes, the fixed logit :math:`z_2` far below the free ones and
:math:`d = z_1 - z_0`, the softmax is, up to a relative error of order
:math:`r = e^{z_2} / (e^{z_0} + e^{z_1})`,

.. math:: p_0 = \sigma(-d), \quad p_1 = \sigma(d), \quad p_2 = 0,

with :math:`\sigma` the logistic sigmoid. So, for target class 0,
``CE = softplus(d)`` and ``MSE = (2/3) sigmoid(d)**2``; for the fixed class as
target, ``CE = -z_2 + logaddexp(z0, z1)`` and
``MSE = (1 + sigmoid(d)**2 + sigmoid(-d)**2) / 3``. Exactly,

* CE (either target) is the closed form plus ``log1p(r)``, which lies in ``[0, r]``;
* MSE (either target) differs from its closed form by at most ``2 r``.

On the experiment's grid ``r <= e^-990``, about ``1e-430``: hundreds of orders of
magnitude below the smallest float64, so the closed forms and the exact
surfaces agree to rounding. :func:`dropped_term_log10` computes the exponent.

Three of the four surfaces depend on ``d`` alone. The fourth, CE with the
fixed class as target, does too once its plane ``-z_2 + (z0 + z1) / 2`` is
subtracted: ``logaddexp(z0, z1) - (z0 + z1)/2 = log(2 cosh(d/2))``.
:func:`profile` returns each surface's function of ``d``;
:func:`surface_profile` reduces a computed surface to the same quantity, so a
page can lay one over the other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .bisection import root
from .grid import EXPERIMENT, FIXED_CLASS, Grid
from .surface import Surface
from .validation import N_, InputError

__all__ = [
    "BAND",
    "CASES",
    "PLATEAU_LEVEL",
    "Cliff",
    "cliff",
    "closed_form",
    "dropped_term_log10",
    "margin",
    "profile",
    "profile_curvature",
    "profile_slope",
    "sigmoid",
    "softplus",
    "surface_profile",
]

#: Shares of a profile's rise that delimit its steep band in :func:`cliff`.
BAND: tuple[float, float] = (0.1, 0.9)
#: A cell is on a plateau where its slope is below this share of the largest slope.
PLATEAU_LEVEL = 0.01

#: Pairs (loss, target) with a closed form; both losses, a grid class and the fixed class.
CASES: tuple[tuple[str, int], ...] = (
    ("cross_entropy", 0),
    ("mse", 0),
    ("cross_entropy", FIXED_CLASS),
    ("mse", FIXED_CLASS),
)


def sigmoid(x: ArrayLike) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-x))``, with full relative accuracy in both tails."""
    x = np.asarray(x, dtype=np.float64)
    return np.exp(-np.logaddexp(0.0, -x))


def softplus(x: ArrayLike) -> np.ndarray:
    """``log(1 + exp(x))``, without overflow."""
    return np.logaddexp(0.0, np.asarray(x, dtype=np.float64))


def _check_case(loss: str, target: int) -> None:
    if (loss, target) not in CASES:
        allowed = ", ".join(f"({name!r}, {t})" for name, t in CASES)
        raise InputError(
            N_("(loss, target) must be one of {allowed}; got ({loss!r}, {target!r})"),
            allowed=allowed,
            loss=loss,
            target=target,
        )


def closed_form(
    loss: str, target: int, z0: ArrayLike, z1: ArrayLike, fixed_logit: float = -1000.0
) -> np.ndarray:
    """The closed form of a surface at logits ``(z0, z1, fixed_logit)``.

    Parameters
    ----------
    loss : {"cross_entropy", "mse"}
    target : {0, 2}
        Class 0 (a grid class) or class 2 (the fixed class).
    z0, z1 : array_like
        The free logits (broadcast together).
    fixed_logit : float
        The fixed logit; the closed forms drop terms of order
        ``exp(fixed_logit - logaddexp(z0, z1))``.

    Returns
    -------
    ndarray

    Examples
    --------
    >>> from lossnotes.closed_forms import closed_form
    >>> float(closed_form("cross_entropy", 2, 0.0, 0.0))
    1000.6931471805599
    """
    _check_case(loss, target)
    z0 = np.asarray(z0, dtype=np.float64)
    z1 = np.asarray(z1, dtype=np.float64)
    d = z1 - z0
    if loss == "cross_entropy":
        return softplus(d) if target == 0 else np.logaddexp(z0, z1) - fixed_logit
    if target == 0:
        return (2 / 3) * np.square(sigmoid(d))
    return (1 + np.square(sigmoid(d)) + np.square(sigmoid(-d))) / 3


def profile(loss: str, target: int, d: ArrayLike) -> np.ndarray:
    """A surface as a function of the margin ``d = z1 - z0`` alone.

    For cross-entropy with the fixed class as target this is
    ``CE + fixed_logit - (z0 + z1)/2 = log(2 cosh(d/2))``; for the other three
    surfaces it is the closed form itself.
    """
    _check_case(loss, target)
    d = np.asarray(d, dtype=np.float64)
    if (loss, target) == ("cross_entropy", FIXED_CLASS):
        return np.logaddexp(d / 2, -d / 2)
    return closed_form(loss, target, np.zeros_like(d), d)


def profile_slope(loss: str, target: int, d: ArrayLike) -> np.ndarray:
    r"""Derivative of :func:`profile` with respect to ``d``.

    The surface's gradient in the ``(z0, z1)`` plane is this slope times
    :math:`(-1, 1)`, so its length is :math:`\sqrt{2}` times the slope's absolute value
    (plus, for CE with the fixed class as target, the plane's constant part).
    """
    _check_case(loss, target)
    s = sigmoid(d)
    if loss == "cross_entropy":
        return s if target == 0 else np.tanh(np.asarray(d, dtype=np.float64) / 2) / 2
    if target == 0:
        return (4 / 3) * np.square(s) * sigmoid(-np.asarray(d, dtype=np.float64))
    return (2 / 3) * (2 * s - 1) * s * sigmoid(-np.asarray(d, dtype=np.float64))


def profile_curvature(loss: str, target: int, d: ArrayLike) -> np.ndarray:
    r"""Second derivative of :func:`profile` with respect to ``d``.

    With :math:`s = \sigma(d)` and :math:`ds/dd = s(1 - s)`:

    * CE, target 0: :math:`s(1 - s)`, never 0;
    * MSE, target 0: :math:`\tfrac{4}{3} s^2 (1 - s)(2 - 3s)`, 0 at :math:`s = 2/3`,
      :math:`d = \ln 2`;
    * CE, fixed class: :math:`(1 - \tanh^2(d/2))/4`, never 0;
    * MSE, fixed class: :math:`\tfrac{2}{3} s (1 - s)(-6s^2 + 6s - 1)`, 0 at
      :math:`s = (3 \pm \sqrt{3})/6`, :math:`d = \pm\ln(2 + \sqrt{3})`.
    """
    _check_case(loss, target)
    d = np.asarray(d, dtype=np.float64)
    s, r = sigmoid(d), sigmoid(-d)  # r = 1 - s without cancellation
    if loss == "cross_entropy":
        return s * r if target == 0 else (1 - np.square(np.tanh(d / 2))) / 4
    if target == 0:
        return (4 / 3) * np.square(s) * r * (2 * r - s)  # 2 - 3s = 2(1 - s) - s
    return (2 / 3) * s * r * (6 * s * r - 1)  # -6s^2 + 6s - 1 = 6 s (1 - s) - 1


def margin(grid: Grid = EXPERIMENT) -> np.ndarray:
    """``d = z1 - z0`` at every grid point, shape (n, n), indexed like a surface."""
    logits = grid.logits()
    return logits[..., 1] - logits[..., 0]


def surface_profile(surface: Surface) -> tuple[np.ndarray, np.ndarray]:
    """A computed surface reduced to its profile: ``(d, values)``, both shape (n, n).

    For CE with the fixed class as target, ``-fixed_logit + (z0 + z1)/2`` is
    subtracted from the loss, as in :func:`profile`.
    """
    _check_case(surface.loss_name, surface.target)
    logits = surface.grid.logits()
    values = surface.loss
    if (surface.loss_name, surface.target) == ("cross_entropy", FIXED_CLASS):
        values = values + surface.grid.fixed_logit - (logits[..., 0] + logits[..., 1]) / 2
    return logits[..., 1] - logits[..., 0], values


def dropped_term_log10(grid: Grid = EXPERIMENT) -> float:
    """Base-10 exponent of the largest dropped ratio ``r = e^{z2} / (e^{z0} + e^{z1})`` on ``grid``.

    Computed in log space, so it is exact even where ``r`` underflows to 0.

    Examples
    --------
    >>> from lossnotes.closed_forms import dropped_term_log10
    >>> round(dropped_term_log10(), 2)
    -430.25
    """
    logits = grid.logits()
    log_r = logits[..., 2] - np.logaddexp(logits[..., 0], logits[..., 1])
    return float(log_r.max() / np.log(10))


@dataclass(frozen=True)
class Cliff:
    """The shape of one surface's profile across the grid's diagonal.

    Attributes
    ----------
    max_slope : float
        Largest ``|d loss / d d|`` on the grid's range of ``d``.
    max_slope_at : float
        The ``d`` where it is reached (a root of the profile's second
        derivative, or an end of the range), to float64 precision; for a
        profile even in ``d``, its absolute value.
    max_heatmap_slope : float
        The same in the heatmap's plane: ``sqrt(2) * max_slope`` per unit of logit.
    band_low : float
        The ``d`` at which the profile has covered 10 percent of its rise between
        ``d = -span`` and ``d = +span`` (``span`` is the largest ``|d|`` on the
        grid). For a profile that is even in ``d`` (a valley along the
        diagonal) the rise is measured from ``d = 0`` to ``span`` and the band
        is a range of ``|d|``.
    band_high : float
        The ``d`` at which the profile has covered 90 percent of its rise.
    band_share : float
        Share of grid cells inside the band.
    plateau_share : float
        Share of grid cells where ``|slope|`` is below 1 percent of ``max_slope``.
    """

    max_slope: float
    max_slope_at: float
    max_heatmap_slope: float
    band_low: float
    band_high: float
    band_share: float
    plateau_share: float


def _steepest(loss: str, target: int, span: float) -> float:
    """The ``d`` in ``[-span, span]`` where ``|profile_slope|`` is largest.

    The candidates are the two ends and every root of :func:`profile_curvature`
    inside; each root is located by bisection to float64 precision between the
    points of a coarse bracketing scan (the scan only brackets, it never
    decides the value).
    """
    candidates = [-span, span]
    scan = np.linspace(-span, span, 401)
    curvature = profile_curvature(loss, target, scan)
    for a, b, ca, cb in zip(scan[:-1], scan[1:], curvature[:-1], curvature[1:], strict=True):
        if ca == 0:
            candidates.append(float(a))
        elif ca * cb < 0:
            candidates.append(
                root(lambda x: float(profile_curvature(loss, target, x)), float(a), float(b))
            )
    slopes = np.abs(profile_slope(loss, target, np.array(candidates)))
    return candidates[int(np.argmax(slopes))]


def _crossing(values, level: float, lo: float, hi: float) -> float:
    """The ``d`` between ``lo`` and ``hi`` where the monotone ``values(d)`` equals ``level``."""
    return root(lambda x: float(values(x)) - level, lo, hi)


def cliff(loss: str, target: int, grid: Grid = EXPERIMENT) -> Cliff:
    """Measure the steep band and the plateaus of a surface that depends on ``d`` alone.

    The steepest point is a root of :func:`profile_curvature` (or an end of the
    range) and the band's edges are the ``d`` where the profile crosses 10 and
    90 percent of its rise; both are found by bisection to float64 precision.

    Parameters
    ----------
    loss, target
        One of the three cases whose surface is a function of ``d``.
    grid : Grid

    Examples
    --------
    >>> import math
    >>> from lossnotes.closed_forms import cliff
    >>> c = cliff("mse", 0)
    >>> math.isclose(c.max_slope_at, math.log(2), rel_tol=1e-15), math.isclose(c.max_slope, 16 / 81)
    (True, True)
    """
    _check_case(loss, target)
    if (loss, target) == ("cross_entropy", FIXED_CLASS):
        raise InputError(
            N_(
                "(loss, target) must be a case whose loss is a function of d; cross-entropy "
                "with the fixed class {target} as target is not a function of d"
            ),
            target=target,
        )
    span = grid.high - grid.low
    at = _steepest(loss, target, span)
    max_slope = float(np.abs(profile_slope(loss, target, at)))
    ends = profile(loss, target, np.array([-span, span]))
    cells = margin(grid)
    even = bool(np.isclose(ends[0], ends[-1], rtol=1e-12, atol=0.0))
    start = 0.0 if even else -span
    if even:  # a valley (or ridge) along the diagonal: measure the rise over |d|
        cells = np.abs(cells)
        at = abs(at)
    v0, v1 = (float(v) for v in profile(loss, target, np.array([start, span])))
    crossings = [
        _crossing(lambda x: profile(loss, target, x), v0 + level * (v1 - v0), start, span)
        for level in BAND
    ]
    low, high = min(crossings), max(crossings)
    cell_slope = np.abs(profile_slope(loss, target, cells))
    return Cliff(
        max_slope=max_slope,
        max_slope_at=float(at),
        max_heatmap_slope=float(np.sqrt(2) * max_slope),
        band_low=low,
        band_high=high,
        band_share=float(((cells >= low) & (cells <= high)).mean()),
        plateau_share=float((cell_slope < PLATEAU_LEVEL * max_slope).mean()),
    )
