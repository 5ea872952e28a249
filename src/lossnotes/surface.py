"""Loss surfaces: a loss, its gradient and the gradient's norm at every grid point."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .grid import EXPERIMENT, Grid
from .losses import LOSS_NAMES, loss_and_grad
from .validation import N_, InputTypeError, check_name, check_target

__all__ = ["Surface", "evaluate_surface"]


@dataclass(frozen=True)
class Surface:
    """One loss evaluated over a :class:`~lossnotes.grid.Grid`.

    Attributes
    ----------
    grid : Grid
    loss_name : str
        One of :data:`lossnotes.losses.LOSS_NAMES`.
    target : int
        The target class.
    loss : ndarray, shape (n, n)
        ``loss[i, j]`` at ``z0 = grid.axis[j]``, ``z1 = grid.axis[i]``.
    grad : ndarray, shape (n, n, 3)
        Gradient with respect to all three logits.
    """

    grid: Grid
    loss_name: str
    target: int
    loss: np.ndarray
    grad: np.ndarray

    @property
    def grad_norm(self) -> np.ndarray:
        """Euclidean norm of the gradient over all three logits, shape (n, n)."""
        return np.sqrt(np.square(self.grad).sum(axis=-1))


def evaluate_surface(loss: str, target: int, grid: Grid = EXPERIMENT) -> Surface:
    """Evaluate ``loss`` and its gradient at every point of ``grid``.

    Parameters
    ----------
    loss : {"cross_entropy", "mse", "mse_logits"}
        The loss.
    target : int
        The target class, 0, 1 or 2 (2 is the class with the fixed logit).
    grid : Grid, optional
        Defaults to the note's experiment grid.

    Returns
    -------
    Surface

    Examples
    --------
    >>> from lossnotes import evaluate_surface
    >>> s = evaluate_surface("cross_entropy", 0)
    >>> s.loss.shape, s.grad.shape
    ((100, 100), (100, 100, 3))
    """
    check_name(loss, LOSS_NAMES, "loss")
    if not isinstance(grid, Grid):
        raise InputTypeError(
            N_("grid must be a lossnotes.Grid, got {kind}"), kind=type(grid).__name__
        )
    logits = grid.logits()
    target_index = int(check_target(target, logits[:1, :1]).flat[0])
    values, grad = loss_and_grad(loss, logits, target_index)
    return Surface(grid=grid, loss_name=loss, target=target_index, loss=values, grad=grad)
