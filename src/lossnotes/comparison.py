"""The comparison table: numbers that describe a loss surface, computed from it.

The note summed its heatmaps up with adjectives ("smooth", "sharp cliffs",
"may vanish or explode"). This module replaces each adjective by a number
measured on the surface itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from .grid import EXPERIMENT, Grid
from .leading import losing
from .losses import LOSS_NAMES
from .surface import Surface, evaluate_surface
from .validation import N_, InputError, check_name

__all__ = [
    "STATISTICS",
    "VANISHING_THRESHOLD",
    "SurfaceStatistics",
    "comparison",
    "surface_statistics",
    "vanishing_where_wrong",
]

#: A gradient norm below this counts as vanished.
VANISHING_THRESHOLD = 1e-6

#: The statistics' field names, in table order.
STATISTICS: tuple[str, ...] = (
    "loss_min",
    "loss_max",
    "grad_norm_min",
    "grad_norm_median",
    "grad_norm_max",
    "vanishing_share",
    "max_jump_share",
    "nonfinite",
)


@dataclass(frozen=True)
class SurfaceStatistics:
    """Numbers measured on one :class:`~lossnotes.surface.Surface`.

    Attributes
    ----------
    loss_name : str
        The loss, one of :data:`lossnotes.losses.LOSS_NAMES`.
    target : int
        The target class.
    loss_min : float
        Smallest loss on the grid.
    loss_max : float
        Largest loss on the grid.
    grad_norm_min : float
        Smallest Euclidean norm of the gradient over all three logits.
    grad_norm_median : float
        Median of the gradient norm over the grid.
    grad_norm_max : float
        Largest gradient norm on the grid.
    vanishing_share : float
        Share of grid points whose gradient norm is below
        :data:`VANISHING_THRESHOLD`, in ``[0, 1]``.
    max_jump_share : float
        Largest absolute difference between horizontally or vertically
        neighbouring cells, as a share of ``loss_max - loss_min`` (0 for a
        constant surface). A discontinuity would show as a share that does not
        shrink when the grid is refined.
    nonfinite : int
        Number of non-finite values among the loss and gradient entries.
    """

    loss_name: str
    target: int
    loss_min: float
    loss_max: float
    grad_norm_min: float
    grad_norm_median: float
    grad_norm_max: float
    vanishing_share: float
    max_jump_share: float
    nonfinite: int

    def as_dict(self) -> dict[str, float | int | str]:
        """The statistics as a plain dictionary (for JSON or CSV)."""
        return asdict(self)


def _max_jump(values: np.ndarray) -> float:
    jumps = [np.abs(np.diff(values, axis=axis)) for axis in (0, 1)]
    return float(max(j.max() for j in jumps))


def surface_statistics(surface: Surface) -> SurfaceStatistics:
    """Measure one surface.

    Parameters
    ----------
    surface : Surface

    Returns
    -------
    SurfaceStatistics
        Computed over the finite values; ``nonfinite`` counts the others.

    Raises
    ------
    ValueError
        If the surface holds no finite loss value at all.
    """
    finite_loss = np.isfinite(surface.loss)
    nonfinite = int((~finite_loss).sum() + (~np.isfinite(surface.grad)).sum())
    if not finite_loss.any():
        raise InputError(N_("{name} has no finite loss value to measure"), name="surface")
    loss = np.where(finite_loss, surface.loss, np.nan)
    lo, hi = float(np.nanmin(loss)), float(np.nanmax(loss))
    norm = surface.grad_norm
    norm = norm[np.isfinite(norm)]
    span = hi - lo
    jump = _max_jump(np.where(finite_loss, surface.loss, lo))
    return SurfaceStatistics(
        loss_name=surface.loss_name,
        target=surface.target,
        loss_min=lo,
        loss_max=hi,
        grad_norm_min=float(norm.min()),
        grad_norm_median=float(np.median(norm)),
        grad_norm_max=float(norm.max()),
        vanishing_share=float((norm < VANISHING_THRESHOLD).mean()),
        max_jump_share=jump / span if span > 0 else 0.0,
        nonfinite=nonfinite,
    )


def comparison(
    targets: Sequence[int] = (0, 2),
    losses: Sequence[str] = ("cross_entropy", "mse"),
    grid: Grid = EXPERIMENT,
) -> list[SurfaceStatistics]:
    """Statistics of every (target, loss) surface, targets outermost.

    Parameters
    ----------
    targets : sequence of int
        Target classes; the default shows both cases of the note's experiment
        (a grid class, and the class whose logit is fixed).
    losses : sequence of str
        Loss names from :data:`lossnotes.losses.LOSS_NAMES`.
    grid : Grid

    Returns
    -------
    list of SurfaceStatistics
    """
    for name in losses:
        check_name(name, LOSS_NAMES, "losses")
    return [
        surface_statistics(evaluate_surface(name, target, grid))
        for target in targets
        for name in losses
    ]


def vanishing_where_wrong(surface: Surface, threshold: float = VANISHING_THRESHOLD) -> float:
    """Share of the points where the target class is losing at which the gradient has vanished.

    The target is losing where it does not strictly lead, as
    :func:`lossnotes.leading.losing` defines it: some other class has a logit
    at least as large (a tie counts as losing).
    A loss whose gradient vanishes there gives an optimiser nothing to follow
    exactly where it most needs to move.

    Parameters
    ----------
    surface : Surface
    threshold : float
        Gradient norms below this count as vanished.

    Returns
    -------
    float
        In ``[0, 1]``; 0 if the target wins everywhere on the grid.
    """
    behind = losing(surface.grid.logits(), surface.target)
    if not behind.any():
        return 0.0
    return float((surface.grad_norm[behind] < threshold).mean())
