"""lossnotes: why cross-entropy beats mean-squared error for classification at extreme logits.

The numeric core (:mod:`~lossnotes.softmax`, :mod:`~lossnotes.losses`) is
stable at any logit; the analysis layer (:mod:`~lossnotes.grid`,
:mod:`~lossnotes.surface`, :mod:`~lossnotes.comparison`) evaluates the note's
experiment; the presentation layer (:mod:`lossnotes.figures`,
:mod:`lossnotes.figures.tables`) draws it in English or Chinese.
"""

from .comparison import STATISTICS, SurfaceStatistics, comparison, surface_statistics
from .grid import EXPERIMENT, Grid
from .losses import (
    LOSS_NAMES,
    cross_entropy,
    cross_entropy_grad,
    loss_and_grad,
    mse,
    mse_grad,
    mse_logits,
    mse_logits_grad,
)
from .softmax import log_softmax, softmax
from .surface import Surface, evaluate_surface

__version__ = "0.1.0"

__all__ = [
    "EXPERIMENT",
    "LOSS_NAMES",
    "STATISTICS",
    "Grid",
    "Surface",
    "SurfaceStatistics",
    "comparison",
    "cross_entropy",
    "cross_entropy_grad",
    "evaluate_surface",
    "log_softmax",
    "loss_and_grad",
    "mse",
    "mse_grad",
    "mse_logits",
    "mse_logits_grad",
    "softmax",
    "surface_statistics",
]
