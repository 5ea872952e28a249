"""The verdicts follow from the computed evidence."""

from __future__ import annotations

import pytest

from lossnotes.claims import CLAIMS, VERDICTS, evidence, grad_jump_share, verdicts
from lossnotes.figures.verdicts import verdict_table
from lossnotes.grid import Grid
from lossnotes.surface import evaluate_surface


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


def test_verdicts(ev):
    v = verdicts(ev)
    assert set(v) == {key for key, _ in CLAIMS} and set(v.values()) <= set(VERDICTS)
    assert v["cliffs"] == "partly true"  # steep band, no discontinuity
    assert v["explode_vanish"] == "partly true"  # vanishes, never explodes
    assert v["raw_numbers"] == "partly true"  # false for softmax MSE, true on logits
    assert v["ce_target_only"] == "partly true"  # value yes, gradient no
    assert v["stability"] == "true"


def test_grad_jump_share_of_a_linear_surface_is_one_step():
    s = evaluate_surface("mse_logits", 0, Grid(resolution=11))
    # Gradient (2/3)(z - y) changes by (2/3) * 2 per step; max norm at a corner.
    assert grad_jump_share(s) == pytest.approx((2 / 3) * 2 / float(s.grad_norm.max()), rel=1e-12)


def test_table_in_both_languages(ev):
    v = verdicts(ev)
    en = verdict_table(ev, v, lang="en")
    zh = verdict_table(ev, v, lang="zh_CN")
    assert en.count("\n") == zh.count("\n") == len(CLAIMS) + 2
    assert "{ref}`heatmaps, target 0 <fig-target-0>`" in en and "<fig-target-0>`" in zh
    assert "部分正确" in zh and "partly true" in en
