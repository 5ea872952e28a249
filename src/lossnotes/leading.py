"""Who leads: the one definition of winning, losing and a tie used throughout lossnotes.

The target class *leads* (wins) where its logit is strictly larger than every
other class's logit: ``leader_gap > 0``. Everywhere else it is *losing*,
including a tie, where another class's logit equals the target's: a tie is not
a win, because the arg-max does not single out the target there. On the
experiment's grid the ties of target class 0 are the 100 points of the
diagonal ``z0 = z1``.

Every count in lossnotes that speaks of the target winning or losing uses these
two functions: the shares of vanished gradients "where the target is losing"
(``lossnotes.comparison``, ``lossnotes.gradient_maps``), and the update
after which a descent run counts as recovered (``lossnotes.descent``: the
first strict lead).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["leader_gap", "losing", "tie"]


def leader_gap(logits: ArrayLike, target: int) -> np.ndarray:
    """``z_t - max_{k != t} z_k``: positive exactly where the target strictly leads.

    Parameters
    ----------
    logits : array_like, shape (..., K)
    target : int

    Returns
    -------
    ndarray, shape (...)
    """
    z = np.asarray(logits, dtype=float)
    others = np.delete(z, target, axis=-1).max(axis=-1)
    return z[..., target] - others


def losing(logits: ArrayLike, target: int) -> np.ndarray:
    """Where the target does not strictly lead: ``leader_gap <= 0`` (a tie counts as losing).

    Examples
    --------
    >>> import numpy as np
    >>> from lossnotes.leading import losing
    >>> losing(np.array([[1.0, 0.0, -5.0], [1.0, 1.0, -5.0], [0.0, 1.0, -5.0]]), 0).tolist()
    [False, True, True]
    """
    return leader_gap(logits, target) <= 0


def tie(logits: ArrayLike, target: int) -> np.ndarray:
    """Where the target's logit equals the largest other logit: ``leader_gap == 0``."""
    return leader_gap(logits, target) == 0
