"""The note's claims, each with the evidence computed here and a verdict derived from it.

The note is bilingual, and its English and Chinese halves do not state quite the
same things (the Chinese bullets drop "discontinuous", say "cannot optimise"
where the English says "hard to optimize", and say cross-entropy "holds the
gradient steady" where the English says it "provides direction"). Each edition
grades the claims as its half of the note states them: :data:`CLAIMS` holds the
English statements, :data:`CLAIMS_ZH` the Chinese ones, and
:data:`CLAIM_PARTS` lists, per language, the parts each claim makes.

Every part is a *finding*: a yes/no question answered by a rule applied to
numbers computed by lossnotes (surfaces on the note's grid and on a finer one,
gradients at the bad start, gradient descent from it); the thresholds are module
constants that the verdicts page states. A claim is true when all of its parts
hold, false when none does, and partly true otherwise, so a claim of one part is
either true or false.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .comparison import surface_statistics, vanishing_where_wrong
from .descent import descend
from .grid import EXPERIMENT, Grid
from .losses import cross_entropy, loss_and_grad
from .recovery import FIXED_LOGITS, RUN_BUDGET, recovery_sweep
from .softmax import log_softmax
from .surface import Surface, evaluate_surface
from .validation import N_, InputError, check_name

__all__ = [
    "CLAIMS",
    "CLAIMS_ZH",
    "CLAIM_PARTS",
    "CONTINUITY_RATIO",
    "EXPLOSION_NORM",
    "FINDINGS",
    "REFINEMENT",
    "SAME_VALUE",
    "SMOOTHER_RATIO",
    "TURN_ANGLE",
    "VERDICTS",
    "Evidence",
    "claims",
    "direction_turn",
    "evidence",
    "findings",
    "grad_jump_share",
    "grade",
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
#: A gradient direction counts as chaotic if it turns by more than this many
#: degrees between some pair of neighbouring grid cells.
TURN_ANGLE = 90.0
#: A gradient counts as exploding if its norm exceeds this (per unit of logit).
EXPLOSION_NORM = 1.0
#: Largest relative difference, about a few units in the last place, at which
#: two computations of cross-entropy count as the same number.
SAME_VALUE = 1e-14

#: The claims in the note's English half, in its order: (key, the note's words).
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

#: The same claims in the note's Chinese half, as it words them (same keys and order).
CLAIMS_ZH: tuple[tuple[str, str], ...] = (
    ("cliffs", "MSE 的 loss surface 出现大量断崖与不连续区域"),
    ("chaotic", "梯度方向混乱，无法优化"),
    ("ce_smoother", "Cross-Entropy 曲面更平滑"),
    ("ce_target_only", "只关注目标类别的预测概率"),
    ("ce_clear", "即使 logits 极差，也能提供明确的优化方向"),
    ("raw_numbers", "MSE 比较的是数值误差，Cross-Entropy 比较的是概率分布"),
    ("explode_vanish", "在 logits 极端的情况下，MSE 容易导致梯度爆炸或消失，直接拖垮训练"),
    ("ce_direction", "Cross-Entropy 即使在坏初始化下也能稳住梯度"),
    ("stability", "训练稳定性：Cross-Entropy 高，MSE 低"),
)

#: The findings, each a part some claim makes; :func:`findings` answers each one.
FINDINGS: tuple[str, ...] = (
    "mse_steep",
    "mse_discontinuous",
    "mse_direction_chaotic",
    "mse_grad_discontinuous",
    "mse_hard",
    "mse_stuck",
    "ce_smoother_0",
    "ce_smoother_2",
    "ce_value_target_only",
    "ce_grad_target_only",
    "ce_never_vanishes_losing",
    "ce_always_recovers",
    "ce_grad_continuous",
    "ce_grad_bounded",
    "mse_compares_raw_numbers",
    "ce_compares_distributions",
    "mse_vanishes",
    "mse_explodes",
)

#: The parts of each claim, per language: the findings that must hold for it to be true.
CLAIM_PARTS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "cliffs": ("mse_steep", "mse_discontinuous"),
        "chaotic": ("mse_direction_chaotic", "mse_grad_discontinuous", "mse_hard"),
        "ce_smoother": ("ce_smoother_0", "ce_smoother_2"),
        "ce_target_only": ("ce_value_target_only", "ce_grad_target_only"),
        "ce_clear": ("ce_never_vanishes_losing", "ce_always_recovers", "ce_grad_continuous"),
        "raw_numbers": ("mse_compares_raw_numbers", "ce_compares_distributions"),
        "explode_vanish": ("mse_vanishes", "mse_explodes"),
        "ce_direction": ("ce_never_vanishes_losing", "ce_always_recovers"),
        "stability": ("ce_always_recovers", "mse_hard"),
    },
    "zh_CN": {
        "cliffs": ("mse_steep", "mse_discontinuous"),
        "chaotic": ("mse_direction_chaotic", "mse_stuck"),
        "ce_smoother": ("ce_smoother_0", "ce_smoother_2"),
        "ce_target_only": ("ce_value_target_only", "ce_grad_target_only"),
        "ce_clear": ("ce_never_vanishes_losing", "ce_always_recovers"),
        "raw_numbers": ("mse_compares_raw_numbers", "ce_compares_distributions"),
        "explode_vanish": ("mse_vanishes", "mse_explodes", "mse_hard"),
        "ce_direction": ("ce_grad_bounded", "ce_never_vanishes_losing"),
        "stability": ("ce_always_recovers", "mse_hard"),
    },
}

_KEYS = [(loss, t) for t in (0, 2) for loss in ("cross_entropy", "mse")]
_MSE_KEYS = [("mse", 0), ("mse", 2)]
_CE_KEYS = [("cross_entropy", 0), ("cross_entropy", 2)]


def claims(lang: str = "en") -> tuple[tuple[str, str], ...]:
    """The note's claims as its half in ``lang`` states them (:data:`CLAIMS`, :data:`CLAIMS_ZH`)."""
    check_name(lang, tuple(CLAIM_PARTS), "lang")
    return CLAIMS if lang == "en" else CLAIMS_ZH


def grad_jump_share(surface: Surface) -> float:
    """Largest change of the gradient vector between neighbouring cells, over the largest norm."""
    g = surface.grad
    jumps = [np.sqrt(np.square(np.diff(g, axis=a)).sum(axis=-1)).max() for a in (0, 1)]
    top = float(surface.grad_norm.max())
    return float(max(jumps)) / top if top > 0 else 0.0


def direction_turn(surface: Surface) -> float:
    """Largest angle, in degrees, between the gradients of neighbouring grid cells.

    Pairs where either gradient is exactly 0 in float64 have no direction and
    are left out (0 if no pair is left).
    """
    g, norm = surface.grad, surface.grad_norm
    largest = 0.0
    for axis in (0, 1):
        n = g.shape[axis]
        g1, g2 = np.take(g, range(n - 1), axis=axis), np.take(g, range(1, n), axis=axis)
        n1, n2 = np.take(norm, range(n - 1), axis=axis), np.take(norm, range(1, n), axis=axis)
        both = (n1 > 0) & (n2 > 0)
        if both.any():
            cos = (g1 * g2).sum(axis=-1)[both] / (n1 * n2)[both]
            largest = max(largest, float(np.degrees(np.arccos(np.clip(cos, -1, 1))).max()))
    return largest


@dataclass(frozen=True)
class Evidence:
    """Every number the verdicts rest on (one computation, shared by page and tests).

    Attributes
    ----------
    jump, jump_fine : dict
        Largest jump between neighbouring cells, as a share of the loss range,
        per ``(loss, target)``, on the note's grid and on the finer one.
    grad_jump, grad_jump_fine : dict
        The same for the gradient vector (:func:`grad_jump_share`).
    turn : dict
        Largest turn of the gradient's direction between neighbours, degrees
        (:func:`direction_turn`).
    grad_norm_max, grad_norm_min, loss_max : dict
        Per surface.
    vanishing_wrong : dict
        Share of the points where the target is losing at which the gradient
        has vanished (:func:`lossnotes.comparison.vanishing_where_wrong`).
    nonfinite : int
        Non-finite values over the four surfaces.
    bad_start_grad : dict
        Gradient at ``(0, 0, fixed_logit)``, target 2, per loss.
    split_change : dict
        Change of each loss (target 2) when the probability of the two other
        classes is moved from an even split to one class, keeping the target's
        probability: 0 for a loss that looks only at the target's probability.
    ce_distribution_gap : float
        Largest relative difference on the grid between the library's
        cross-entropy and the cross-entropy ``-sum_k y_k log p_k`` of the
        one-hot and softmax distributions.
    ce_bound : float
        The supremum of the cross-entropy gradient norm, ``sqrt(2)``.
    mse_logits_max : float
        Largest MSE on the raw logits over the grid.
    recovered : dict
        Updates until the target leads, per ``(loss, fixed logit)`` (None: not
        within the budget).
    budget : int
    fixed_logits : tuple of float
    ce_recover_1000 : int or None
    fine_resolution : int
    """

    jump: dict[tuple[str, int], float]
    jump_fine: dict[tuple[str, int], float]
    grad_jump: dict[tuple[str, int], float]
    grad_jump_fine: dict[tuple[str, int], float]
    turn: dict[tuple[str, int], float]
    grad_norm_max: dict[tuple[str, int], float]
    grad_norm_min: dict[tuple[str, int], float]
    loss_max: dict[tuple[str, int], float]
    vanishing_wrong: dict[tuple[str, int], float]
    nonfinite: int
    bad_start_grad: dict[str, list[float]]
    split_change: dict[str, float]
    ce_distribution_gap: float
    ce_bound: float
    mse_logits_max: float
    recovered: dict[tuple[str, float], int | None]
    budget: int
    fixed_logits: tuple[float, ...]
    ce_recover_1000: int | None  # None if cross-entropy did not recover within its 5000 steps
    fine_resolution: int

    @property
    def ce_all_recover(self) -> bool:
        """Cross-entropy makes the target lead from every fixed logit swept."""
        return all(self.recovered["cross_entropy", f] is not None for f in self.fixed_logits)

    @property
    def mse_recovered_within_budget(self) -> int:
        """How many of the swept fixed logits MSE recovers from within the budget."""
        return sum(self.recovered["mse", f] is not None for f in self.fixed_logits)


def evidence(grid: Grid = EXPERIMENT) -> Evidence:
    """Compute every number the verdicts use (a few seconds)."""
    fine = Grid(grid.low, grid.high, grid.resolution * REFINEMENT, grid.fixed_logit)
    coarse_s = {k: evaluate_surface(k[0], k[1], grid) for k in _KEYS}
    fine_s = {k: evaluate_surface(k[0], k[1], fine) for k in _KEYS}
    stats = {k: surface_statistics(s) for k, s in coarse_s.items()}
    start = [0.0, 0.0, grid.fixed_logit]
    # The target's probability is the same at both points; the rest moves to one class.
    one_rival = [float(np.log(2.0)), -np.inf, grid.fixed_logit]
    bad = {
        loss: [float(x) for x in loss_and_grad(loss, start, 2)[1]]
        for loss in ("cross_entropy", "mse", "mse_logits")
    }
    split = {
        loss: abs(float(loss_and_grad(loss, one_rival, 2)[0] - loss_and_grad(loss, start, 2)[0]))
        for loss in ("cross_entropy", "mse")
    }
    logits = grid.logits()
    gap = 0.0
    for t in (0, 2):
        value = cross_entropy(logits, t)
        scale = np.maximum(np.abs(value), np.finfo(np.float64).tiny)
        gap = max(gap, float((np.abs(value + log_softmax(logits)[..., t]) / scale).max()))
    sweep = recovery_sweep(("cross_entropy", "mse"), FIXED_LOGITS)
    ml = evaluate_surface("mse_logits", 2, grid)
    return Evidence(
        jump={k: stats[k].max_jump_share for k in _KEYS},
        jump_fine={k: surface_statistics(s).max_jump_share for k, s in fine_s.items()},
        grad_jump={k: grad_jump_share(s) for k, s in coarse_s.items()},
        grad_jump_fine={k: grad_jump_share(s) for k, s in fine_s.items()},
        turn={k: direction_turn(s) for k, s in coarse_s.items()},
        grad_norm_max={k: stats[k].grad_norm_max for k in _KEYS},
        grad_norm_min={k: stats[k].grad_norm_min for k in _KEYS},
        loss_max={k: stats[k].loss_max for k in _KEYS},
        vanishing_wrong={k: vanishing_where_wrong(s) for k, s in coarse_s.items()},
        nonfinite=sum(stats[k].nonfinite for k in _KEYS),
        bad_start_grad=bad,
        split_change=split,
        ce_distribution_gap=gap,
        ce_bound=float(np.sqrt(2.0)),
        mse_logits_max=float(ml.loss.max()),
        recovered={(r.loss_name, r.fixed_logit): r.recovered_at for r in sweep},
        budget=RUN_BUDGET,
        fixed_logits=FIXED_LOGITS,
        ce_recover_1000=descend(
            "cross_entropy", start, 2, 1.0, 5000, until_recovered=True
        ).recovered_at,
        fine_resolution=fine.resolution,
    )


def _discontinuous(coarse: float, fine: float) -> bool:
    """A jump is a step if refining the grid keeps more than CONTINUITY_RATIO of it."""
    return fine > CONTINUITY_RATIO * coarse


#: How each finding is answered from the evidence.
_RULES: dict[str, Callable[[Evidence], bool]] = {
    "mse_steep": lambda ev: max(ev.jump[k] for k in _MSE_KEYS) > max(ev.jump[k] for k in _CE_KEYS),
    "mse_discontinuous": lambda ev: any(
        _discontinuous(ev.jump[k], ev.jump_fine[k]) for k in _MSE_KEYS
    ),
    "mse_direction_chaotic": lambda ev: max(ev.turn[k] for k in _MSE_KEYS) > TURN_ANGLE,
    "mse_grad_discontinuous": lambda ev: any(
        _discontinuous(ev.grad_jump[k], ev.grad_jump_fine[k]) for k in _MSE_KEYS
    ),
    "mse_hard": lambda ev: ev.mse_recovered_within_budget < len(ev.fixed_logits),
    "mse_stuck": lambda ev: ev.bad_start_grad["mse"][2] == 0,
    "ce_smoother_0": lambda ev: (
        ev.jump[("cross_entropy", 0)] <= SMOOTHER_RATIO * ev.jump[("mse", 0)]
    ),
    "ce_smoother_2": lambda ev: (
        ev.jump[("cross_entropy", 2)] <= SMOOTHER_RATIO * ev.jump[("mse", 2)]
    ),
    "ce_value_target_only": lambda ev: ev.split_change["cross_entropy"] == 0,
    "ce_grad_target_only": lambda ev: all(g == 0 for g in ev.bad_start_grad["cross_entropy"][:2]),
    "ce_never_vanishes_losing": lambda ev: all(ev.vanishing_wrong[k] == 0 for k in _CE_KEYS),
    "ce_always_recovers": lambda ev: ev.ce_all_recover,
    "ce_grad_continuous": lambda ev: (
        not any(_discontinuous(ev.grad_jump[k], ev.grad_jump_fine[k]) for k in _CE_KEYS)
    ),
    "ce_grad_bounded": lambda ev: max(ev.grad_norm_max[k] for k in _CE_KEYS) <= ev.ce_bound,
    # MSE on the softmax compares probabilities: then it never exceeds 2/3 on three classes.
    "mse_compares_raw_numbers": lambda ev: max(ev.loss_max[k] for k in _MSE_KEYS) > 2 / 3,
    "ce_compares_distributions": lambda ev: ev.ce_distribution_gap <= SAME_VALUE,
    "mse_vanishes": lambda ev: (
        ev.bad_start_grad["mse"][2] == 0 and max(ev.vanishing_wrong[k] for k in _MSE_KEYS) > 0
    ),
    "mse_explodes": lambda ev: max(ev.grad_norm_max[k] for k in _MSE_KEYS) > EXPLOSION_NORM,
}


def findings(ev: Evidence) -> dict[str, bool]:
    """Answer every finding of :data:`FINDINGS` from the evidence."""
    return {name: bool(_RULES[name](ev)) for name in FINDINGS}


def grade(parts: list[bool]) -> str:
    """A claim's verdict from its parts: all hold, some hold, none holds.

    Examples
    --------
    >>> from lossnotes.claims import grade
    >>> grade([True, True]), grade([True, False]), grade([False]), grade([True])
    ('true', 'partly true', 'false', 'true')
    """
    if not parts:
        raise InputError(N_("{name} must have at least one part"), name="claim")
    if all(parts):
        return "true"
    return "partly true" if any(parts) else "false"


def verdicts(ev: Evidence, lang: str = "en") -> dict[str, str]:
    """The verdict of each claim as the note's half in ``lang`` states it (words of VERDICTS).

    Parameters
    ----------
    ev : Evidence
    lang : {"en", "zh_CN"}
        Which half of the note: the claims are those of :func:`claims`, with
        the parts :data:`CLAIM_PARTS` gives for that language.
    """
    check_name(lang, tuple(CLAIM_PARTS), "lang")
    found = findings(ev)
    return {key: grade([found[part] for part in parts]) for key, parts in CLAIM_PARTS[lang].items()}
