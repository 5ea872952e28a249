"""The verdicts table: each claim of the note, its verdict and the evidence, in either language.

Each edition lists the claims as its half of the note states them
(:func:`lossnotes.claims.claims`), and each row's evidence is one sentence per
part of the claim (:data:`lossnotes.claims.CLAIM_PARTS`), so a row discusses
exactly what its claim says.
"""

from __future__ import annotations

from ..claims import CLAIM_PARTS, REFINEMENT, Evidence, claims
from ..gradient_maps import gradient_norm_supremum
from ..wording import translator
from .labels import signed

__all__ = ["verdict_table", "verdict_word"]


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def verdict_word(verdict: str, lang: str) -> str:
    """The verdict as readers see it."""
    _ = translator(lang)
    return {"true": _("true"), "partly true": _("partly true"), "false": _("false")}[verdict]


def _finding_sentences(ev: Evidence, _) -> dict[str, str]:
    mse0, mse2 = ("mse", 0), ("mse", 2)
    ce0, ce2 = ("cross_entropy", 0), ("cross_entropy", 2)
    ce_g = ev.bad_start_grad["cross_entropy"]
    fixed = signed(ev.fixed_logits[-1])
    sentences = {
        "mse_steep": _(
            "The largest jump between neighbouring cells is {a} of the range for MSE and {b} "
            "for cross-entropy."
        ).format(
            a=_pct(max(ev.jump[mse0], ev.jump[mse2])), b=_pct(max(ev.jump[ce0], ev.jump[ce2]))
        ),
        "mse_discontinuous": _(
            "On a grid {r} times finer the largest MSE jumps fall from {a} and {b} (targets 0 "
            "and 2) to {c} and {d}: a steep band, not a step "
            "({{ref}}`heatmaps, target 0 <fig-target-0>`, "
            "{{ref}}`heatmaps, target 2 <fig-target-2>`)."
        ).format(
            r=REFINEMENT,
            a=_pct(ev.jump[mse0]),
            b=_pct(ev.jump[mse2]),
            c=_pct(ev.jump_fine[mse0]),
            d=_pct(ev.jump_fine[mse2]),
        ),
        "mse_direction_chaotic": _(
            "The direction of the MSE gradient turns by at most {a:.1g} degrees between "
            "neighbouring cells: it is steady, not chaotic ({{ref}}`descent directions "
            "<fig-arrows-2>`)."
        ).format(a=max(ev.turn[mse0], ev.turn[mse2])),
        "mse_grad_discontinuous": _(
            "The largest change of the MSE gradient between neighbours, {a} of its largest "
            "norm, falls to {b} on the finer grid: the gradient is continuous."
        ).format(
            a=_pct(max(ev.grad_jump[mse0], ev.grad_jump[mse2])),
            b=_pct(max(ev.grad_jump_fine[mse0], ev.grad_jump_fine[mse2])),
        ),
        "mse_hard": _(
            "Gradient descent on MSE makes the target lead from {m} of {n} fixed logits within "
            "{budget} updates ({{doc}}`training`)."
        ).format(m=ev.mse_recovered_within_budget, n=len(ev.fixed_logits), budget=f"{ev.budget:,}"),
        "mse_stuck": _(
            "At the note's start, with the logit fixed at {f}, the MSE gradient on that logit "
            "is exactly 0 in float64: no optimiser can raise it ({{doc}}`training`)."
        ).format(f=fixed),
        "ce_smoother_0": _(
            "Target 0: the largest jump between neighbouring cells is {a} of the range for "
            "cross-entropy and {b} for MSE."
        ).format(a=_pct(ev.jump[ce0]), b=_pct(ev.jump[mse0])),
        "ce_smoother_2": _(
            "Target 2: the largest jump between neighbouring cells is {a} of the range for "
            "cross-entropy and {b} for MSE."
        ).format(a=_pct(ev.jump[ce2]), b=_pct(ev.jump[mse2])),
        "ce_value_target_only": _(
            "The value, $-\\log p_t$, looks at the target alone: moving the other classes' "
            "probability onto one of them changes it by {a:g}, and MSE by {b:.4f}."
        ).format(a=ev.split_change["cross_entropy"], b=ev.split_change["mse"]),
        "ce_grad_target_only": _(
            "Its gradient $p - y$ involves every class: at $z = (0, 0, -1000)$, target 2, it "
            "is ({g0:g}, {g1:g}, {g2:g})."
        ).format(g0=ce_g[0], g1=ce_g[1], g2=ce_g[2]),
        "ce_never_vanishes_losing": _(
            "Where the target is losing (a tie counts as losing), the cross-entropy gradient "
            "never vanishes: share below the threshold {a}."
        ).format(a=_pct(max(ev.vanishing_wrong[ce0], ev.vanishing_wrong[ce2]))),
        "ce_always_recovers": _(
            "Gradient descent on cross-entropy makes the target lead from every fixed logit "
            "swept, from {f} after {n} updates ({{ref}}`steps to recover <fig-recovery>`)."
        ).format(f=fixed, n=ev.ce_recover_1000),
        "ce_grad_continuous": _(
            "The largest change of the cross-entropy gradient between neighbours falls from "
            "{a} to {b} of its largest norm on the finer grid: the gradient is continuous."
        ).format(
            a=_pct(max(ev.grad_jump[ce0], ev.grad_jump[ce2])),
            b=_pct(max(ev.grad_jump_fine[ce0], ev.grad_jump_fine[ce2])),
        ),
        "ce_grad_bounded": _(
            "The cross-entropy gradient norm never exceeds {a:.3f} on the grid, and never "
            "{b:.4f} for any logits ({{doc}}`gradients`)."
        ).format(a=max(ev.grad_norm_max[ce0], ev.grad_norm_max[ce2]), b=ev.ce_bound),
        "mse_compares_raw_numbers": _(
            "The note's MSE compares probabilities, not raw numbers: it never exceeds {a:.4f} "
            "(at most 2/3). MSE on raw logits would reach {b:,.0f} on the same grid."
        ).format(a=max(ev.loss_max[mse0], ev.loss_max[mse2]), b=ev.mse_logits_max),
        "ce_compares_distributions": _(
            "Cross-entropy is that of the one-hot and the softmax distributions: the two "
            "computations agree to a relative {a:.0e}."
        ).format(a=max(ev.ce_distribution_gap, 1e-16)),
        "mse_vanishes": _(
            "Vanishing: yes. The MSE gradient on the {f} logit is exactly 0 in float64, and it "
            "vanishes at {a} and {b} of the losing points."
        ).format(f=fixed, a=_pct(ev.vanishing_wrong[mse0]), b=_pct(ev.vanishing_wrong[mse2])),
        "mse_explodes": _(
            "Explosion: no. Its norm never exceeds {a:.3f}, and {b:.4f} for any logits "
            "({{doc}}`gradients`)."
        ).format(
            a=max(ev.grad_norm_max[mse0], ev.grad_norm_max[mse2]),
            b=gradient_norm_supremum("mse", 3)[0],
        ),
    }
    return sentences


def verdict_table(ev: Evidence, verdicts: dict[str, str], *, lang: str) -> str:
    """Render the claims, verdicts, evidence and sources as a Markdown (MyST) table.

    Parameters
    ----------
    ev : Evidence
    verdicts : dict
        From :func:`lossnotes.claims.verdicts` for the same ``lang``.
    lang : {"en", "zh_CN"}
        The edition: its half of the note supplies the claims' wording and parts.
    """
    _ = translator(lang)
    sentences = _finding_sentences(ev, _)
    sources = {
        "cliffs": ["ref-glorot2010"],
        "chaotic": ["ref-golik2013"],
        "ce_smoother": ["ref-glorot2010"],
        "ce_target_only": ["ref-nielsen2015"],
        "ce_clear": ["ref-nielsen2015"],
        "raw_numbers": ["ref-hui2021"],
        "explode_vanish": ["ref-glorot2010", "ref-blanchard2021"],
        "ce_direction": ["ref-golik2013"],
        "stability": ["ref-golik2013", "ref-hui2021"],
    }
    header = [
        _("Claim of the note"),
        _("Verdict"),
        _("Evidence computed on this site"),
        _("Sources"),
    ]
    lines = ["| " + " | ".join(header) + " |", "|:--|:--|:--|:--|"]
    for key, stated in claims(lang):
        refs = [f"{{ref}}`{label}`" for label in sources[key]]
        cited = refs[0]
        for ref in refs[1:]:
            cited = _("{first}, {second}").format(first=cited, second=ref)
        cells = [
            stated,
            f"**{verdict_word(verdicts[key], lang)}**",
            " ".join(sentences[part] for part in CLAIM_PARTS[lang][key]),
            cited,
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
