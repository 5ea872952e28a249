"""Gradient descent on the logits themselves.

The logits are the parameters: starting from a logit vector, each update moves
it against the gradient of a loss with respect to every logit, computed by
:func:`lossnotes.losses.loss_and_grad`. This isolates what a loss tells an
optimiser at a given point, with no network in between.

Three update rules are available:

* ``"gd"``: plain gradient descent, ``z <- z - lr * g``;
* ``"adam"``: Adam (Kingma and Ba, 2015), whose per-coordinate normalisation
  ``m / (sqrt(v) + eps)`` turns a tiny but non-zero gradient into a step of
  about ``lr``, as long as the gradient is well above ``eps``;
* ``"sign"``: sign descent, ``z <- z - lr * sign(g)``: any non-zero gradient
  entry gives a full step; an entry that is exactly 0 gives none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .bisection import edge
from .leading import leader_gap
from .losses import LOSS_NAMES, loss_and_grad
from .validation import (
    N_,
    InputError,
    check_finite_scalar,
    check_integer,
    check_logits,
    check_name,
    check_target,
)

__all__ = [
    "ADAM_BETAS",
    "ADAM_EPS",
    "MAX_STEPS",
    "OPTIMIZERS",
    "Descent",
    "adam_second_moment_floor",
    "descend",
    "leader_gap",
]

#: The largest number of updates :func:`descend` accepts. The trajectory keeps
#: ``steps + 1`` logit vectors, losses and gradient norms, so 10 million updates
#: of 3 classes already hold about 400 MB.
MAX_STEPS = 10_000_000
#: Update rules :func:`descend` knows.
OPTIMIZERS: tuple[str, ...] = ("gd", "adam", "sign")
#: Adam's default decay rates of the first and second moment estimates.
ADAM_BETAS: tuple[float, float] = (0.9, 0.999)
#: Adam's default ``eps``, added to ``sqrt(v)`` in the denominator.
ADAM_EPS = 1e-8


@dataclass(frozen=True)
class Descent:
    """The trajectory of one run of :func:`descend`.

    Attributes
    ----------
    loss_name : str
        One of :data:`lossnotes.losses.LOSS_NAMES`.
    target : int
        The target class.
    lr : float
        The learning rate.
    logits : ndarray, shape (steps + 1, K)
        ``logits[n]`` after ``n`` updates; ``logits[0]`` is the start.
    loss : ndarray, shape (steps + 1,)
        The loss at each logit vector.
    grad_norm : ndarray, shape (steps + 1,)
        Euclidean norm of the gradient over all K logits at each vector.
    recovered_at : int or None
        The number of updates after which the target first has the strictly
        highest logit (0 if it already has at the start); None if it never
        does within the run.
    optimizer : str
        The update rule, one of :data:`OPTIMIZERS`.
    """

    loss_name: str
    target: int
    lr: float
    logits: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    recovered_at: int | None
    optimizer: str = "gd"

    @property
    def steps(self) -> int:
        """The number of updates performed."""
        return int(self.logits.shape[0]) - 1

    @property
    def final_logits(self) -> np.ndarray:
        """The logits after the last update, shape (K,)."""
        return self.logits[-1]

    @property
    def final_loss(self) -> float:
        """The loss after the last update."""
        return float(self.loss[-1])


def adam_second_moment_floor(beta2: float = ADAM_BETAS[1]) -> float:
    """The largest gradient entry ``g > 0`` whose share of Adam's second moment is 0 in float64.

    Adam adds ``(1 - beta2) * g**2`` to its second-moment estimate (as
    :func:`descend` computes it). Below this value that product underflows to
    exactly 0, so the estimate ignores the gradient entry. Found by bisection
    on float64 values, not from a formula, so it is the threshold of the
    arithmetic :func:`descend` really performs.

    Parameters
    ----------
    beta2 : float
        Adam's second-moment decay rate, in ``[0, 1)``.

    Returns
    -------
    float

    Examples
    --------
    >>> from lossnotes.descent import adam_second_moment_floor
    >>> f"{adam_second_moment_floor():.2e}"
    '4.97e-161'
    """
    share = 1.0 - check_finite_scalar(beta2, "beta2")
    if not 0 < share <= 1:
        raise InputError(N_("beta2 must lie in [0, 1), got {value!r}"), value=beta2)

    floor, _ = edge(lambda g: share * np.square(g) == 0, 0.0, 1.0)
    return floor


def _check_steps(steps: object) -> int:
    return check_integer(
        steps,
        "steps",
        0,
        MAX_STEPS,
        "the cap bounds memory: the trajectory stores steps + 1 logit vectors, losses and "
        "gradient norms",
    )


def _check_start(start: ArrayLike) -> np.ndarray:
    z = check_logits(start, "start")
    if z.ndim != 1:
        raise InputError(
            N_("start must be one logit vector of shape (K,), got shape {shape}"), shape=z.shape
        )
    return z.astype(np.float64)


def descend(
    loss: str,
    start: ArrayLike,
    target: int,
    lr: float,
    steps: int,
    *,
    optimizer: str = "gd",
    eps: float = ADAM_EPS,
    betas: tuple[float, float] = ADAM_BETAS,
    until_recovered: bool = False,
) -> Descent:
    """Run gradient descent on the logits from ``start``.

    Parameters
    ----------
    loss : {"cross_entropy", "mse", "mse_logits"}
        The loss whose gradient is followed.
    start : array_like, shape (K,)
        The starting logits, K >= 2; finite values and ``-inf`` (with at least
        one finite logit). Computed in float64.
    target : int
        The target class, ``0 .. K-1``.
    lr : float
        Learning rate (step size), finite and > 0.
    steps : int
        Number of updates, from 0 to :data:`MAX_STEPS`.
    optimizer : {"gd", "adam", "sign"}, optional
        The update rule (see the module's description); plain gradient descent
        by default.
    eps : float, optional
        Adam's ``eps``, finite and > 0; ignored by the other rules.
    betas : tuple of float, optional
        Adam's moment decay rates, each in ``[0, 1)``; ignored by the other rules.
    until_recovered : bool, optional
        Stop as soon as the target strictly leads (so ``steps`` is an upper
        bound); by default all ``steps`` updates are made.

    Returns
    -------
    Descent

    Raises
    ------
    TypeError, ValueError
        For invalid input; the message names the parameter and what is allowed.

    Examples
    --------
    >>> from lossnotes.descent import descend
    >>> run = descend("cross_entropy", [0.0, 0.0, -1000.0], 2, lr=1.0, steps=1000)
    >>> run.recovered_at
    667
    >>> descend("mse", [0.0, 0.0, -1000.0], 2, lr=1.0, steps=1000).recovered_at is None
    True
    """
    check_name(loss, LOSS_NAMES, "loss")
    z = _check_start(start)
    t = int(check_target(target, z[np.newaxis]).flat[0])
    rate = check_finite_scalar(lr, "lr")
    if rate <= 0:
        raise InputError(
            N_("{name} must be a finite number > 0, got {value}"), name="lr", value=rate
        )
    n_steps = _check_steps(steps)
    check_name(optimizer, OPTIMIZERS, "optimizer")
    epsilon = check_finite_scalar(eps, "eps")
    if epsilon <= 0:
        raise InputError(
            N_("{name} must be a finite number > 0, got {value}"), name="eps", value=epsilon
        )
    if len(betas) != 2:
        raise InputError(N_("betas must be a pair (beta1, beta2), got {value!r}"), value=betas)
    beta1, beta2 = (check_finite_scalar(b, "betas") for b in betas)
    if not (0 <= beta1 < 1 and 0 <= beta2 < 1):
        raise InputError(N_("betas must both lie in [0, 1), got {value!r}"), value=betas)

    k = z.shape[0]
    logits = np.empty((n_steps + 1, k))
    losses = np.empty(n_steps + 1)
    norms = np.empty(n_steps + 1)
    m = np.zeros(k)
    v = np.zeros(k)
    recovered_at: int | None = None
    done = n_steps
    for n in range(n_steps + 1):
        value, grad = loss_and_grad(loss, z, t)
        logits[n] = z
        losses[n] = value
        norms[n] = np.sqrt(np.square(grad).sum())
        if recovered_at is None and leader_gap(z, t) > 0:
            recovered_at = n
            if until_recovered:
                done = n
                break
        if n == n_steps:
            break
        if optimizer == "gd":
            update = rate * grad
        elif optimizer == "sign":
            update = rate * np.sign(grad)
        else:
            m = beta1 * m + (1 - beta1) * grad
            v = beta2 * v + (1 - beta2) * np.square(grad)
            m_hat = m / (1 - beta1 ** (n + 1))
            v_hat = v / (1 - beta2 ** (n + 1))
            update = rate * m_hat / (np.sqrt(v_hat) + epsilon)
        with np.errstate(over="ignore", invalid="ignore"):
            z = z - update
        if np.isnan(z).any() or np.isposinf(z).any() or np.isneginf(z).all():
            raise FloatingPointError(
                f"the logits left the finite range after {n + 1} updates; lower lr (got {rate})"
            )
    return Descent(
        loss_name=loss,
        target=t,
        lr=rate,
        logits=logits[: done + 1].copy() if done < n_steps else logits,
        loss=losses[: done + 1].copy() if done < n_steps else losses,
        grad_norm=norms[: done + 1].copy() if done < n_steps else norms,
        recovered_at=recovered_at,
        optimizer=optimizer,
    )
