"""The verdicts follow from the computed evidence, by rules that can give every outcome."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from lossnotes.claims import (
    CLAIM_PARTS,
    CLAIMS,
    CLAIMS_ZH,
    CONTINUITY_RATIO,
    EXPLOSION_NORM,
    FINDINGS,
    SMOOTHER_RATIO,
    TURN_ANGLE,
    VERDICTS,
    Evidence,
    claims,
    direction_turn,
    evidence,
    findings,
    grad_jump_share,
    grade,
    verdicts,
)
from lossnotes.figures.verdicts import verdict_table
from lossnotes.grid import Grid
from lossnotes.surface import Surface, evaluate_surface

KEYS = [(loss, t) for t in (0, 2) for loss in ("cross_entropy", "mse")]


@pytest.fixture(scope="module")
def ev():
    return evidence()


def test_surfaces_are_continuous_jumps_shrink_with_the_grid(ev):
    for key, coarse in ev.jump.items():
        # A 4 times finer grid: a continuous surface's largest jump shrinks about 4 times.
        assert ev.jump_fine[key] == pytest.approx(coarse / 4, rel=0.1)


def test_mse_gradient_is_bounded_and_exactly_zero_at_the_fixed_logit(ev):
    assert ev.bad_start_grad["mse"] == [0.0, 0.0, 0.0]
    assert ev.bad_start_grad["cross_entropy"] == [0.5, 0.5, -1.0]
    assert max(v for (loss, _), v in ev.grad_norm_max.items() if loss == "mse") < 0.3
    assert ev.nonfinite == 0


def test_split_change_separates_the_losses(ev):
    # Same p_2 = e^-1000 / (2 + e^-1000); the rest split evenly, or all on one class.
    # MSE changes by p0^2 + p1^2 = 1/4 + 1/4 against 1 + 0, over 3 classes: 1/6.
    assert ev.split_change["cross_entropy"] == 0.0
    assert ev.split_change["mse"] == pytest.approx(1 / 6, rel=1e-12)
    assert ev.ce_distribution_gap < 1e-15


def test_the_direction_of_every_gradient_is_steady(ev):
    for key in KEYS:
        assert ev.turn[key] < 5.0  # degrees; far below TURN_ANGLE
    # a field that reverses between neighbours turns by 180 degrees
    grid = Grid(resolution=4)
    grad = np.zeros((4, 4, 3))
    grad[..., 0] = np.where(np.arange(4) % 2 == 0, 1.0, -1.0)[np.newaxis, :]
    flipping = Surface(grid=grid, loss_name="mse", target=0, loss=np.zeros((4, 4)), grad=grad)
    assert direction_turn(flipping) == pytest.approx(180.0)


def test_verdicts_of_the_computed_evidence(ev):
    for lang, stated in (("en", CLAIMS), ("zh_CN", CLAIMS_ZH)):
        v = verdicts(ev, lang)
        assert claims(lang) == stated
        assert list(v) == [key for key, _ in stated] and set(v.values()) <= set(VERDICTS)
        assert v["cliffs"] == "partly true"  # steep band, no discontinuity
        assert v["explode_vanish"] == "partly true"  # vanishes, never explodes
        assert v["raw_numbers"] == "partly true"  # MSE on probabilities; CE on distributions
        assert v["ce_target_only"] == "partly true"  # value yes, gradient no
        assert v["stability"] == "true"
        assert v["chaotic"] == "partly true"
    found = findings(ev)
    assert not found["mse_direction_chaotic"] and not found["mse_grad_discontinuous"]
    assert found["mse_hard"] and found["mse_stuck"]


def test_grade():
    assert grade([True]) == "true" and grade([False]) == "false"
    assert grade([True, False, True]) == "partly true"
    with pytest.raises(ValueError):
        grade([])


# -- Every rule can give every outcome it allows, on constructed evidence -------------------

BASE = Evidence(
    jump={k: 0.1 for k in KEYS},
    jump_fine={k: 0.025 for k in KEYS},
    grad_jump={k: 0.1 for k in KEYS},
    grad_jump_fine={k: 0.025 for k in KEYS},
    turn={k: 1.0 for k in KEYS},
    grad_norm_max={k: 0.5 for k in KEYS},
    grad_norm_min={k: 0.0 for k in KEYS},
    loss_max={k: 0.5 for k in KEYS},
    vanishing_wrong={k: 0.0 for k in KEYS},
    nonfinite=0,
    bad_start_grad={"cross_entropy": [0.5, 0.5, -1.0], "mse": [0.0, 0.0, 0.0]},
    split_change={"cross_entropy": 0.0, "mse": 0.1},
    ce_distribution_gap=0.0,
    ce_bound=float(np.sqrt(2)),
    mse_logits_max=100.0,
    recovered={(loss, f): 10 for loss in ("cross_entropy", "mse") for f in (-1.0, -2.0)},
    budget=100,
    fixed_logits=(-1.0, -2.0),
    ce_recover_1000=667,
    fine_resolution=400,
)
MSE, CE = [("mse", 0), ("mse", 2)], [("cross_entropy", 0), ("cross_entropy", 2)]


def _with(ev: Evidence, field: str, keys, value) -> Evidence:
    return dataclasses.replace(ev, **{field: {**getattr(ev, field), **dict.fromkeys(keys, value)}})


def _set(ev: Evidence, finding: str, value: bool) -> Evidence:
    """Evidence in which ``finding`` comes out as ``value`` (changing only what it reads)."""
    mse_jump = max(ev.jump[k] for k in MSE)
    step = CONTINUITY_RATIO * 1.5 if value else CONTINUITY_RATIO / 2
    if finding == "mse_steep":
        return _with(ev, "jump", CE, mse_jump / 10 if value else mse_jump * 10)
    if finding == "mse_discontinuous":
        return dataclasses.replace(
            ev, jump_fine={**ev.jump_fine, **{k: step * ev.jump[k] for k in MSE}}
        )
    if finding == "mse_grad_discontinuous":
        return _with(ev, "grad_jump_fine", MSE, step * 0.1)
    if finding == "ce_grad_continuous":
        return _with(ev, "grad_jump_fine", CE, (CONTINUITY_RATIO / 2 if value else 0.9) * 0.1)
    if finding == "mse_direction_chaotic":
        return _with(ev, "turn", MSE, TURN_ANGLE + 30 if value else TURN_ANGLE / 2)
    if finding in ("mse_hard", "ce_always_recovers"):
        loss = "mse" if finding == "mse_hard" else "cross_entropy"
        stuck = value if finding == "mse_hard" else not value
        recovered = {**ev.recovered, (loss, -2.0): None if stuck else 10}
        return dataclasses.replace(ev, recovered=recovered)
    if finding == "mse_stuck":
        return dataclasses.replace(
            ev, bad_start_grad={**ev.bad_start_grad, "mse": [0.0, 0.0, 0.0 if value else -1e-3]}
        )
    if finding in ("ce_smoother_0", "ce_smoother_2"):
        t = int(finding[-1])
        share = SMOOTHER_RATIO / 2 if value else 1.0
        return _with(ev, "jump", [("cross_entropy", t)], share * ev.jump[("mse", t)])
    if finding == "ce_value_target_only":
        return dataclasses.replace(
            ev, split_change={**ev.split_change, "cross_entropy": 0.0 if value else 0.2}
        )
    if finding == "ce_grad_target_only":
        grad = [0.0, 0.0, -1.0] if value else [0.5, 0.5, -1.0]
        return dataclasses.replace(ev, bad_start_grad={**ev.bad_start_grad, "cross_entropy": grad})
    if finding == "ce_never_vanishes_losing":
        return _with(ev, "vanishing_wrong", CE, 0.0 if value else 0.3)
    if finding == "ce_grad_bounded":
        return _with(ev, "grad_norm_max", CE, ev.ce_bound / 2 if value else ev.ce_bound * 2)
    if finding == "mse_compares_raw_numbers":
        return _with(ev, "loss_max", MSE, 5.0 if value else 0.5)
    if finding == "ce_compares_distributions":
        return dataclasses.replace(ev, ce_distribution_gap=0.0 if value else 1e-3)
    if finding == "mse_vanishes":
        return _with(ev, "vanishing_wrong", MSE, 0.4 if value else 0.0)
    if finding == "mse_explodes":
        return _with(ev, "grad_norm_max", MSE, EXPLOSION_NORM * (3 if value else 0.25))
    raise AssertionError(f"no setter for {finding}")


def test_every_finding_can_come_out_either_way():
    for finding in FINDINGS:
        for value in (True, False):
            assert findings(_set(BASE, finding, value))[finding] is value, finding


CASES = [(lang, key, parts) for lang, table in CLAIM_PARTS.items() for key, parts in table.items()]


@pytest.mark.parametrize(("lang", "key", "parts"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_each_rule_gives_each_of_its_outcomes(lang, key, parts):
    seen = set()
    for values in itertools.product((True, False), repeat=len(parts)):
        ev = BASE
        for part, value in zip(parts, values, strict=True):
            ev = _set(ev, part, value)
        found = findings(ev)
        assert [found[p] for p in parts] == list(values)  # the parts are set independently
        verdict = verdicts(ev, lang)[key]
        expected = "true" if all(values) else ("partly true" if any(values) else "false")
        assert verdict == expected
        seen.add(verdict)
    allowed = {"true", "false"} | ({"partly true"} if len(parts) > 1 else set())
    assert seen == allowed


def test_both_languages_grade_the_same_claims_with_their_own_parts():
    assert [k for k, _ in CLAIMS] == [k for k, _ in CLAIMS_ZH] == list(CLAIM_PARTS["en"])
    assert set(CLAIM_PARTS["zh_CN"]) == set(CLAIM_PARTS["en"])
    # The Chinese half says "chaotic, cannot optimise", never "discontinuous".
    assert "mse_grad_discontinuous" not in CLAIM_PARTS["zh_CN"]["chaotic"]
    assert "mse_stuck" in CLAIM_PARTS["zh_CN"]["chaotic"]
    used = {p for table in CLAIM_PARTS.values() for parts in table.values() for p in parts}
    assert used == set(FINDINGS)
    with pytest.raises(ValueError, match="lang"):
        verdicts(BASE, "fr")


def test_grad_jump_share_of_a_linear_surface_is_one_step():
    s = evaluate_surface("mse_logits", 0, Grid(resolution=11))
    # Gradient (2/3)(z - y) changes by (2/3) * 2 per step; max norm at a corner.
    assert grad_jump_share(s) == pytest.approx((2 / 3) * 2 / float(s.grad_norm.max()), rel=1e-12)


def test_table_in_both_languages(ev):
    en = verdict_table(ev, verdicts(ev, "en"), lang="en")
    zh = verdict_table(ev, verdicts(ev, "zh_CN"), lang="zh_CN")
    assert en.count("\n") == zh.count("\n") == len(CLAIMS) + 2
    assert "{ref}`heatmaps, target 0 <fig-target-0>`" in en and "<fig-target-0>`" in zh
    assert "部分成立" in zh and "partly true" in en
    for _, text in CLAIMS_ZH:
        assert text in zh
