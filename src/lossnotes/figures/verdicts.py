"""The verdicts table: each claim of the note, its verdict and the evidence, in either language."""

from __future__ import annotations

from ..claims import CLAIMS, REFINEMENT, Evidence
from ..wording import translator
from .labels import signed

__all__ = ["verdict_table", "verdict_word"]


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def verdict_word(verdict: str, lang: str) -> str:
    """The verdict as readers see it."""
    _ = translator(lang)
    return {"true": _("true"), "partly true": _("partly true"), "false": _("false")}[verdict]


def verdict_table(ev: Evidence, verdicts: dict[str, str], *, lang: str) -> str:
    """Render the claims, verdicts, evidence and sources as a Markdown (MyST) table."""
    _ = translator(lang)
    claim_text = {
        "cliffs": _("MSE loss surface shows sharp cliffs and discontinuities"),
        "chaotic": _("Gradient becomes chaotic, discontinuous, hard to optimize"),
        "ce_smoother": _("Cross-Entropy loss surface is smoother"),
        "ce_target_only": _("Only considers softmax output of the target class"),
        "ce_clear": _("Provides clear and continuous gradients, even with bad logits"),
        "raw_numbers": _(
            "MSE compares raw numbers; Cross-Entropy compares probability distributions"
        ),
        "explode_vanish": _(
            "When logits are extreme, MSE leads to gradient explosion or vanishing"
        ),
        "ce_direction": _(
            "Cross-Entropy still provides direction, which is critical in early training"
        ),
        "stability": _("Training stability: high with cross-entropy, low with MSE"),
    }
    mse0, mse2 = ("mse", 0), ("mse", 2)
    ce0, ce2 = ("cross_entropy", 0), ("cross_entropy", 2)
    n_fixed = len(ev.fixed_logits)
    ce_g = ev.bad_start_grad["cross_entropy"]
    evidence_text = {
        "cliffs": _(
            "Largest MSE jump between neighbours: {a} and {b} of the range (targets 0 and 2); "
            "on a grid {r} times finer: {c} and {d}. A steep band, not a step: "
            "{{ref}}`heatmaps, target 0 <fig-target-0>`, "
            "{{ref}}`heatmaps, target 2 <fig-target-2>`."
        ).format(
            a=_pct(ev.jump[mse0]),
            b=_pct(ev.jump[mse2]),
            r=REFINEMENT,
            c=_pct(ev.jump_fine[mse0]),
            d=_pct(ev.jump_fine[mse2]),
        ),
        "chaotic": _(
            "Largest change of the MSE gradient between neighbours: {a} of its largest norm; "
            "{b} on the finer grid, so the gradient is continuous. Hard to optimise: MSE "
            "recovers from {m} of {n} fixed logits within {budget} updates ({{doc}}`training`)."
        ).format(
            a=_pct(max(ev.grad_jump[mse0], ev.grad_jump[mse2])),
            b=_pct(max(ev.grad_jump_fine[mse0], ev.grad_jump_fine[mse2])),
            m=ev.mse_recovered_within_budget,
            n=n_fixed,
            budget=f"{ev.budget:,}",
        ),
        "ce_smoother": _(
            "Largest cross-entropy jump: {a} of its range, against {b} for MSE; both surfaces "
            "are smooth functions."
        ).format(
            a=_pct(max(ev.jump[ce0], ev.jump[ce2])), b=_pct(max(ev.jump[mse0], ev.jump[mse2]))
        ),
        "ce_target_only": _(
            "True of the value, $-\\log p_t$. Its gradient $p - y$ involves every class: at "
            "$z = (0, 0, -1000)$, target 2, it is ({g0:g}, {g1:g}, {g2:g})."
        ).format(g0=ce_g[0], g1=ce_g[1], g2=ce_g[2]),
        "ce_clear": _(
            "Where the target is losing, the cross-entropy gradient never vanishes (share below "
            "the threshold: {a}); from $z_2 = -1000$ the target leads after {n} updates "
            "({{ref}}`descent from the bad start <fig-training-gap>`)."
        ).format(
            a=_pct(max(ev.vanishing_wrong[ce0], ev.vanishing_wrong[ce2])), n=ev.ce_recover_1000
        ),
        "raw_numbers": _(
            "False for the note's MSE, which compares probabilities: it never exceeds {a:.4f} "
            "(at most 2/3). True for MSE on raw logits, which reaches {b:,.0f} on the same grid."
        ).format(a=max(ev.loss_max[mse0], ev.loss_max[mse2]), b=ev.mse_logits_max),
        "explode_vanish": _(
            "Vanishing: yes. The MSE gradient on the {f} logit is exactly 0, and it vanishes at "
            "{a} and {b} of the losing points. Explosion: no. Its norm never exceeds {c:.3f}."
        ).format(
            f=signed(ev.fixed_logits[-1]),
            a=_pct(ev.vanishing_wrong[mse0]),
            b=_pct(ev.vanishing_wrong[mse2]),
            c=max(ev.grad_norm_max[mse0], ev.grad_norm_max[mse2]),
        ),
        "ce_direction": _(
            "The cross-entropy gradient on the fixed logit is {g:g} at the bad start; the target "
            "recovers from every fixed logit swept ({{ref}}`steps to recover <fig-recovery>`)."
        ).format(g=ce_g[2]),
        "stability": _(
            "Cross-entropy recovers from all {n} fixed logits; MSE from {m} within {budget} "
            "updates and, at {f}, never in float64 ({{doc}}`training`)."
        ).format(
            f=signed(ev.fixed_logits[-1]),
            n=n_fixed,
            m=ev.mse_recovered_within_budget,
            budget=f"{ev.budget:,}",
        ),
    }
    sources = {
        "cliffs": "{ref}`ref-lee2021`",
        "chaotic": "{ref}`ref-golik2013`",
        "ce_smoother": "{ref}`ref-glorot2010`",
        "ce_target_only": "{ref}`ref-nielsen2015`",
        "ce_clear": "{ref}`ref-nielsen2015`",
        "raw_numbers": "{ref}`ref-hui2021`",
        "explode_vanish": "{ref}`ref-glorot2010`, {ref}`ref-blanchard2021`",
        "ce_direction": "{ref}`ref-golik2013`",
        "stability": "{ref}`ref-golik2013`, {ref}`ref-hui2021`",
    }
    header = [
        _("Claim of the note"),
        _("Verdict"),
        _("Evidence computed on this site"),
        _("Sources"),
    ]
    lines = ["| " + " | ".join(header) + " |", "|:--|:--|:--|:--|"]
    for key, _english in CLAIMS:
        cells = [
            claim_text[key],
            f"**{verdict_word(verdicts[key], lang)}**",
            evidence_text[key],
            sources[key],
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
