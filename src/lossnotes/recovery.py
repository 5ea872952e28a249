"""How many updates a loss needs to make a badly initialised target class win.

Gradient descent (:func:`lossnotes.descent.descend`) runs from the start
``(0, 0, f)`` with the target the class whose logit is fixed at ``f``; the sweep
repeats that for several values of ``f``. Where a run would be too long, the
number of updates is predicted by a closed form, derived from the gradient
flow of the logit gap (see :func:`predicted_log10_steps`).

With two equal rivals at logit ``a`` and the target at ``b``, write the gap
``d = a - b`` (the target leads when ``d < 0``), ``p_t = 1 / (1 + 2 e^d)`` and
``q = 1 - p_t``. Every loss keeps the two rivals equal, and one update of size
``lr`` changes the gap by

* cross-entropy: ``-1.5 lr q``;
* MSE: ``-1.5 lr p_t q^2``, since ``dMSE/dz_t = -p_t q^2`` and each rival gets
  ``+p_t q^2 / 2``;

Near the bad start ``p_t ~ e^{-d} / 2``, so the MSE gap moves by about
``0.75 lr e^{-d}`` per update and the number of updates grows like ``e^{d}``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .descent import descend
from .losses import LOSS_NAMES, loss_and_grad
from .validation import N_, InputError, check_finite_scalar, check_name

__all__ = [
    "FIXED_LOGITS",
    "RUN_BUDGET",
    "Recovery",
    "first_update",
    "predicted_log10_steps",
    "predicted_log10_steps_two_class",
    "recovery_sweep",
]

#: The fixed logits of the sweep.
FIXED_LOGITS: tuple[float, ...] = (0.0, -2.0, -5.0, -10.0, -14.0, -30.0, -100.0, -1000.0)
#: Longest run the sweep makes; beyond it only the prediction is reported.
RUN_BUDGET = 50_000

_LN10 = math.log(10)


def _check_lr(lr: float) -> float:
    rate = check_finite_scalar(lr, "lr")
    if rate <= 0:
        raise InputError(
            N_("{name} must be a finite number > 0, got {value}"), name="lr", value=rate
        )
    return rate


def _log10_ceil(ln_t: float) -> float:
    """log10 of the whole number of updates ``max(1, ceil(t))`` from ``ln t``."""
    if ln_t < 30:  # t < 1e13: round up to whole updates
        return math.log10(max(1, math.ceil(math.exp(ln_t) - 1e-9)))
    return ln_t / _LN10


def predicted_log10_steps(loss: str, fixed_logit: float, lr: float = 1.0) -> float:
    """log10 of the predicted updates for the target, fixed at ``fixed_logit``, to win.

    The start is ``(0, 0, fixed_logit)`` with the target the fixed class, plain
    gradient descent in exact arithmetic. The count is returned as a base-10
    logarithm because it can exceed the largest float (about 2.6e434 updates
    for MSE at -1000).

    Parameters
    ----------
    loss : {"cross_entropy", "mse", "mse_logits"}
    fixed_logit : float
        ``f <= 0``; the gap to close is ``d0 = -f``.
    lr : float
        Learning rate, > 0 (below 1.5 for ``"mse_logits"``, whose recurrence
        diverges from there).

    Returns
    -------
    float
        ``log10(n)``; ``n >= 1`` whole updates (a tie at the start needs one).

    Notes
    -----
    Cross-entropy and MSE integrate the gradient flow of the gap (see the
    module's description) from ``d0`` to 0, with ``U = e^{d0}``:

    * cross-entropy: ``t = (2 d0 + 1 - 1/U) / (3 lr)``;
    * MSE: ``t = (8 (U - 1) + 12 d0 + 6 (1 - 1/U) + (1 - 1/U^2) / 2) / (6 lr)``,
      about ``(4 / (3 lr)) e^{-f}``.

    Discrete updates follow the flow closely because each moves the gap by
    less than the scale on which its speed changes; the tests compare runs.
    MSE on logits is a linear recurrence: the fixed logit after ``n``
    updates is ``1 + (f - 1) r^n`` with ``r = 1 - 2 lr / 3`` while the others
    stay at 0, so ``n`` is the first count with ``(1 - f) r^n < 1``.
    """
    check_name(loss, LOSS_NAMES, "loss")
    f = check_finite_scalar(fixed_logit, "fixed_logit")
    if f > 0:
        raise InputError(
            N_("{name} must be <= 0 (the target starts behind), got {value}"),
            name="fixed_logit",
            value=f,
        )
    rate = _check_lr(lr)
    d0 = -f
    if loss == "mse_logits":
        r = 1 - 2 * rate / 3
        if not 0 < r < 1:
            raise InputError(
                N_("{name} must lie in (0, 1.5) for mse_logits to converge, got {value}"),
                name="lr",
                value=rate,
            )
        n = math.floor(math.log1p(d0) / -math.log(r)) + 1
        return math.log10(n)
    if d0 == 0:
        return 0.0
    inv_u = math.exp(-d0)
    if loss == "cross_entropy":
        t = (2 * d0 + 1 - inv_u) / (3 * rate)
        return math.log10(max(1, math.ceil(t - 1e-9)))
    a = 8 * -math.expm1(-d0) + inv_u * (12 * d0 + 6 * (1 - inv_u) + 0.5 * (1 - inv_u**2))
    return _log10_ceil(d0 + math.log(a) - math.log(6 * rate))


def predicted_log10_steps_two_class(loss: str, gap: float, lr: float = 1.0) -> float:
    """log10 of the predicted updates when the target trails one rival by ``gap``.

    The other classes' probabilities are negligible (as class 2's is at -1000),
    so the problem has two classes: ``q = sigmoid(gap)`` is the rival's
    probability. Per update the gap changes by ``-2 lr q`` for cross-entropy
    and by ``-(8/3) lr p_t q^2`` for MSE over 3 classes. Integrating the flow
    with ``U = e^{gap}``:

    * cross-entropy: ``t = (gap + 1 - 1/U) / (2 lr)``;
    * MSE: ``t = (3 / (8 lr)) ((U - 1) + 3 gap + 3 (1 - 1/U) + (1 - 1/U^2) / 2)``.

    Parameters
    ----------
    loss : {"cross_entropy", "mse"}
    gap : float
        Rival's logit minus the target's, ``>= 0``.
    lr : float

    Returns
    -------
    float
        ``log10`` of the whole number of updates.
    """
    check_name(loss, ("cross_entropy", "mse"), "loss")
    d0 = check_finite_scalar(gap, "gap")
    if d0 < 0:
        raise InputError(
            N_("{name} must be >= 0 (the target starts behind), got {value}"), name="gap", value=d0
        )
    rate = _check_lr(lr)
    if d0 == 0:
        return 0.0
    inv_u = math.exp(-d0)
    if loss == "cross_entropy":
        return math.log10(max(1, math.ceil((d0 + 1 - inv_u) / (2 * rate) - 1e-9)))
    a = -math.expm1(-d0) + inv_u * (3 * d0 + 3 * (1 - inv_u) + 0.5 * (1 - inv_u**2))
    return _log10_ceil(d0 + math.log(a) + math.log(3 / (8 * rate)))


@dataclass(frozen=True)
class Recovery:
    """One cell of the sweep: a loss and a fixed logit.

    Attributes
    ----------
    loss_name : str
    fixed_logit : float
    ran : bool
        Whether a run was made (the prediction is within the budget).
    recovered_at : int or None
        From the run: updates until the target led, or None (not run, or did
        not lead within the budget).
    predicted_log10 : float
        ``log10`` of the predicted number of updates.
    target_grad : float
        The gradient entry of the fixed logit at the start, in float64.
    target_moves : bool
        Whether the first plain update changes the fixed logit in float64
        (False where the gradient is 0 or too small to survive rounding).
    """

    loss_name: str
    fixed_logit: float
    ran: bool
    recovered_at: int | None
    predicted_log10: float
    target_grad: float
    target_moves: bool

    @property
    def predicted(self) -> float:
        """The predicted number of updates (``inf`` beyond the float range)."""
        return 10.0**self.predicted_log10 if self.predicted_log10 < 308 else math.inf


def first_update(loss: str, fixed_logit: float, lr: float = 1.0) -> tuple[float, bool]:
    """The fixed logit's gradient entry at ``(0, 0, f)`` and whether one update moves it.

    Returns
    -------
    (float, bool)
        ``g_2`` in float64, and ``f - lr * g_2 != f``.
    """
    f = check_finite_scalar(fixed_logit, "fixed_logit")
    _, grad = loss_and_grad(loss, np.array([0.0, 0.0, f]), 2)
    g = float(grad[2])
    return g, (f - _check_lr(lr) * g) != f


def recovery_sweep(
    losses: Sequence[str] = LOSS_NAMES,
    fixed_logits: Sequence[float] = FIXED_LOGITS,
    lr: float = 1.0,
    budget: int = RUN_BUDGET,
) -> list[Recovery]:
    """Steps to recover for every loss and fixed logit, target the fixed class.

    A run is made wherever the prediction is at most ``budget`` updates; it
    stops once the target leads.

    Returns
    -------
    list of Recovery
        Losses outermost, in the order given.
    """
    out = []
    for loss in losses:
        check_name(loss, LOSS_NAMES, "losses")
        for f in fixed_logits:
            log10_n = predicted_log10_steps(loss, f, lr)
            g, moves = first_update(loss, f, lr)
            ran = log10_n <= math.log10(budget)
            recovered = None
            if ran:
                run = descend(loss, [0.0, 0.0, f], 2, lr, budget, until_recovered=True)
                recovered = run.recovered_at
            out.append(
                Recovery(
                    loss_name=loss,
                    fixed_logit=float(f),
                    ran=ran,
                    recovered_at=recovered,
                    predicted_log10=log10_n,
                    target_grad=g,
                    target_moves=moves,
                )
            )
    return out
