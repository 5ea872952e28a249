"""The note's claims, each with the evidence computed here and a verdict derived from it.

Every verdict is a rule applied to numbers computed by lossnotes (surfaces on
the note's grid and on a finer one, gradients at the bad start, gradient
descent from it); the thresholds are module constants that the verdicts page
states.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .comparison import surface_statistics, vanishing_where_wrong
from .descent import descend
from .grid import EXPERIMENT, Grid
from .losses import loss_and_grad
from .recovery import FIXED_LOGITS, RUN_BUDGET, recovery_sweep
from .surface import Surface, evaluate_surface

__all__ = [
    "CLAIMS",
    "CONTINUITY_RATIO",
    "REFINEMENT",
    "SMOOTHER_RATIO",
    "VERDICTS",
    "Evidence",
    "evidence",
    "grad_jump_share",
    "verdicts",
]

#: Verdict words, in order of agreement with the computations.
VERDICTS: tuple[str, ...] = ("true", "partly true", "false")
#: The finer grid has this many times the note's points per axis.
REFINEMENT = 4
#: A jump between neighbours counts as a discontinuity if refining the grid
#: REFINEMENT times keeps more than this share of it (a continuous function's
#: largest jump shrinks about REFINEMENT times; a true step does not shrink).
CONTINUITY_RATIO = 0.5
#: CE counts as smoother if its largest relative jump is below this share of MSE's.
SMOOTHER_RATIO = 0.5

#: The claims, in the note's order: (key, English text of the note).
CLAIMS: tuple[tuple[str, str], ...] = (
    ("cliffs", "MSE loss surface shows sharp cliffs and discontinuities"),
    ("chaotic", "Gradient becomes chaotic, discontinuous, hard to optimize"),
    ("ce_smoother", "Cross-Entropy loss surface is smoother"),
    ("ce_target_only", "Only considers softmax output of the target class"),
    ("ce_clear", "Provides clear and continuous gradients, even with bad logits"),
    ("raw_numbers", "MSE compares raw numbers; Cross-Entropy compares probability distributions"),
    ("explode_vanish", "When logits are extreme, MSE leads to gradient explosion or vanishing"),
    ("ce_direction", "Cross-Entropy still provides direction, which is critical in early training"),
    ("stability", "Training stability: high with cross-entropy, low with MSE"),
)


def grad_jump_share(surface: Surface) -> float:
    """Largest change of the gradient vector between neighbouring cells, over the largest norm."""
    g = surface.grad
    jumps = [np.sqrt(np.square(np.diff(g, axis=a)).sum(axis=-1)).max() for a in (0, 1)]
    top = float(surface.grad_norm.max())
    return float(max(jumps)) / top if top > 0 else 0.0


@dataclass(frozen=True)
class Evidence:
    """Every number the verdicts rest on (one computation, shared by page and tests)."""

    jump: dict[tuple[str, int], float]
    jump_fine: dict[tuple[str, int], float]
    grad_jump: dict[tuple[str, int], float]
    grad_jump_fine: dict[tuple[str, int], float]
    grad_norm_max: dict[tuple[str, int], float]
    grad_norm_min: dict[tuple[str, int], float]
    loss_max: dict[tuple[str, int], float]
    vanishing_wrong: dict[tuple[str, int], float]
    nonfinite: int
    bad_start_grad: dict[str, list[float]]
    mse_logits_max: float
    recovered: dict[tuple[str, float], int | None]
    ce_all_recover: bool
    mse_recovered_within_budget: int
    budget: int
    fixed_logits: tuple[float, ...]
    ce_recover_1000: int | None  # None if cross-entropy did not recover within its 5000 steps
    fine_resolution: int
    extra: dict[str, float] = field(default_factory=dict)


def evidence(grid: Grid = EXPERIMENT) -> Evidence:
    """Compute every number the verdicts use (about a second)."""
    fine = Grid(grid.low, grid.high, grid.resolution * REFINEMENT, grid.fixed_logit)
    keys = [(loss, t) for t in (0, 2) for loss in ("cross_entropy", "mse")]
    coarse_s = {k: evaluate_surface(k[0], k[1], grid) for k in keys}
    fine_s = {k: evaluate_surface(k[0], k[1], fine) for k in keys}
    stats = {k: surface_statistics(s) for k, s in coarse_s.items()}
    start = [0.0, 0.0, grid.fixed_logit]
    bad = {
        loss: [float(x) for x in loss_and_grad(loss, start, 2)[1]]
        for loss in ("cross_entropy", "mse", "mse_logits")
    }
    sweep = recovery_sweep(("cross_entropy", "mse"), FIXED_LOGITS)
    recovered = {(r.loss_name, r.fixed_logit): r.recovered_at for r in sweep}
    ml = evaluate_surface("mse_logits", 2, grid)
    return Evidence(
        jump={k: stats[k].max_jump_share for k in keys},
        jump_fine={k: surface_statistics(s).max_jump_share for k, s in fine_s.items()},
        grad_jump={k: grad_jump_share(s) for k, s in coarse_s.items()},
        grad_jump_fine={k: grad_jump_share(s) for k, s in fine_s.items()},
        grad_norm_max={k: stats[k].grad_norm_max for k in keys},
        grad_norm_min={k: stats[k].grad_norm_min for k in keys},
        loss_max={k: stats[k].loss_max for k in keys},
        vanishing_wrong={k: vanishing_where_wrong(s) for k, s in coarse_s.items()},
        nonfinite=sum(stats[k].nonfinite for k in keys),
        bad_start_grad=bad,
        mse_logits_max=float(ml.loss.max()),
        recovered=recovered,
        ce_all_recover=all(recovered["cross_entropy", f] is not None for f in FIXED_LOGITS),
        mse_recovered_within_budget=sum(recovered["mse", f] is not None for f in FIXED_LOGITS),
        budget=RUN_BUDGET,
        fixed_logits=FIXED_LOGITS,
        ce_recover_1000=descend(
            "cross_entropy", start, 2, 1.0, 5000, until_recovered=True
        ).recovered_at,
        fine_resolution=fine.resolution,
    )


def _continuous(coarse: float, fine: float) -> bool:
    return fine <= CONTINUITY_RATIO * coarse


def verdicts(ev: Evidence) -> dict[str, str]:
    """The verdict of each claim (a word from :data:`VERDICTS`), by the stated rules."""
    mse_keys = [("mse", 0), ("mse", 2)]
    ce_keys = [("cross_entropy", 0), ("cross_entropy", 2)]
    all_keys = mse_keys + ce_keys
    mse_continuous = all(_continuous(ev.jump[k], ev.jump_fine[k]) for k in mse_keys)
    mse_steep = max(ev.jump[k] for k in mse_keys) > max(ev.jump[k] for k in ce_keys)
    grads_continuous = all(_continuous(ev.grad_jump[k], ev.grad_jump_fine[k]) for k in all_keys)
    mse_hard = ev.mse_recovered_within_budget < len(ev.fixed_logits)
    ce_smoother = all(
        ev.jump[("cross_entropy", t)] <= SMOOTHER_RATIO * ev.jump[("mse", t)] for t in (0, 2)
    )
    ce_bad = ev.bad_start_grad["cross_entropy"]
    others_move = any(abs(g) > 0 for g in ce_bad[:2])
    ce_losing_ok = all(ev.vanishing_wrong[k] == 0 for k in ce_keys)
    mse_vanishes = (
        ev.bad_start_grad["mse"][2] == 0 and max(ev.vanishing_wrong[k] for k in mse_keys) > 0
    )
    # MSE over K classes has a gradient norm bounded by a constant; the largest seen is below 1.
    mse_explodes = max(ev.grad_norm_max[k] for k in mse_keys) > 1.0
    mse_on_probabilities = max(ev.loss_max[k] for k in mse_keys) <= 2 / 3 + 1e-12
    raw_mse_large = ev.mse_logits_max > 1.0

    def grade(all_ok: bool, some_ok: bool) -> str:
        return "true" if all_ok else ("partly true" if some_ok else "false")

    return {
        "cliffs": grade(mse_steep and not mse_continuous, mse_steep or not mse_continuous),
        "chaotic": grade(mse_hard and not grads_continuous, mse_hard or not grads_continuous),
        "ce_smoother": grade(ce_smoother, True),
        "ce_target_only": grade(not others_move, True),
        "ce_clear": grade(
            ce_losing_ok and ev.ce_all_recover and grads_continuous,
            ce_losing_ok or ev.ce_all_recover,
        ),
        "raw_numbers": grade(not mse_on_probabilities, raw_mse_large),
        "explode_vanish": grade(mse_vanishes and mse_explodes, mse_vanishes or mse_explodes),
        "ce_direction": grade(
            ev.ce_all_recover and ce_losing_ok, ev.ce_all_recover or ce_losing_ok
        ),
        "stability": grade(ev.ce_all_recover and mse_hard, ev.ce_all_recover or mse_hard),
    }
