"""The experiment's grid of logits.

The note's experiment: 3 classes; class 2's logit fixed (at -1000, a bad
initialisation); the logits of classes 0 and 1 on a 100 x 100 grid over
[-10, 10], both ends included.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import check_bounds, check_finite_scalar, check_resolution

__all__ = ["EXPERIMENT", "FIXED_CLASS", "NUM_CLASSES", "Grid"]

#: Number of classes in the experiment.
NUM_CLASSES = 3
#: The class whose logit is held fixed; classes 0 and 1 span the grid.
FIXED_CLASS = 2


@dataclass(frozen=True)
class Grid:
    """A square grid over the logits ``(z0, z1)`` with ``z2`` held fixed.

    Parameters
    ----------
    low, high : float
        Ends of the range of both free logits, finite, ``low < high``; both
        ends are grid points.
    resolution : int
        Points per axis, from 2 to :data:`lossnotes.validation.MAX_RESOLUTION`.
    fixed_logit : float
        The finite value of the fixed logit ``z2``.

    Notes
    -----
    Arrays over the grid are indexed ``[i, j]`` with ``z1 = axis[i]`` (rows,
    the vertical axis of a heatmap) and ``z0 = axis[j]`` (columns, the
    horizontal axis).
    """

    low: float = -10.0
    high: float = 10.0
    resolution: int = 100
    fixed_logit: float = -1000.0

    def __post_init__(self) -> None:
        low, high = check_bounds(self.low, self.high, "range")
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)
        object.__setattr__(self, "resolution", check_resolution(self.resolution))
        object.__setattr__(
            self, "fixed_logit", check_finite_scalar(self.fixed_logit, "fixed_logit")
        )

    @property
    def axis(self) -> np.ndarray:
        """The values each free logit takes, shape (resolution,)."""
        return np.linspace(self.low, self.high, self.resolution)

    @property
    def step(self) -> float:
        """Distance between neighbouring grid values."""
        return (self.high - self.low) / (self.resolution - 1)

    def logits(self, dtype: type = np.float64) -> np.ndarray:
        """All logit vectors of the grid, shape (resolution, resolution, 3).

        ``logits()[i, j] == (axis[j], axis[i], fixed_logit)``. Each class's
        logits are contiguous in memory (the array is a class-first block seen
        with the class axis last), which is the layout the loss engine reads
        fastest; the values and indexing are those of any (n, n, 3) array.
        """
        axis: np.ndarray = self.axis.astype(dtype)
        z0, z1 = np.meshgrid(axis, axis, indexing="xy")
        z2 = np.full_like(z0, self.fixed_logit)
        return np.moveaxis(np.stack([z0, z1, z2], axis=0), 0, -1)


#: The note's grid, 100 x 100 over [-10, 10] with z2 = -1000.
EXPERIMENT = Grid()
