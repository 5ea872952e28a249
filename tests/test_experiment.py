"""The experiment's grid, surfaces and comparison statistics."""

from __future__ import annotations

import json

import numpy as np
import pytest

import lossnotes
from lossnotes import EXPERIMENT, Grid, comparison, evaluate_surface, surface_statistics
from lossnotes.comparison import VANISHING_THRESHOLD, vanishing_where_wrong
from lossnotes.figures.tables import comparison_table, format_statistic


def test_grid_is_exactly_the_experiment():
    assert (EXPERIMENT.resolution, EXPERIMENT.low, EXPERIMENT.high) == (100, -10.0, 10.0)
    assert EXPERIMENT.fixed_logit == -1000.0
    axis = EXPERIMENT.axis
    assert axis.shape == (100,) and axis[0] == -10.0 and axis[-1] == 10.0
    np.testing.assert_allclose(np.diff(axis), 20 / 99, rtol=1e-12)
    z = EXPERIMENT.logits()
    assert z.shape == (100, 100, 3)
    assert np.all(z[..., 2] == -1000.0)
    # [i, j] holds z0 = axis[j] (columns) and z1 = axis[i] (rows)
    assert z[3, 7, 0] == axis[7] and z[3, 7, 1] == axis[3]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"resolution": 1}, "resolution must be an integer from 2 to 4096"),
        ({"resolution": 5000}, "memory"),
        ({"low": 5.0, "high": -5.0}, "low < high"),
        ({"low": float("nan")}, "range low end must be a finite real number"),
        ({"fixed_logit": float("inf")}, "fixed_logit must be a finite real number"),
    ],
)
def test_grid_rejects_bad_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Grid(**kwargs)


def test_grid_rejects_non_integer_resolution():
    with pytest.raises(TypeError, match="resolution must be an integer"):
        Grid(resolution=10.5)


def test_surface_holds_loss_and_gradient_at_every_point():
    s = evaluate_surface("mse", 0)
    assert s.loss.shape == (100, 100) and s.grad.shape == (100, 100, 3)
    z = EXPERIMENT.logits()
    loss, grad = lossnotes.loss_and_grad("mse", z[42, 17], 0)
    assert s.loss[42, 17] == loss
    np.testing.assert_array_equal(s.grad[42, 17], grad)
    np.testing.assert_allclose(s.grad_norm, np.linalg.norm(s.grad, axis=-1), rtol=1e-15)


def test_surface_rejects_bad_arguments():
    with pytest.raises(ValueError, match="loss must be one of cross_entropy, mse, mse_logits"):
        evaluate_surface("hinge", 0)
    with pytest.raises(ValueError, match="target must be a class index from 0 to 2"):
        evaluate_surface("mse", 3)


def test_statistics_against_closed_forms():
    ce0 = surface_statistics(evaluate_surface("cross_entropy", 0))
    # CE = softplus(z1 - z0): extremes at the corners, d = -20 and d = +20
    assert ce0.loss_min == pytest.approx(np.log1p(np.exp(-20.0)), rel=1e-12)
    assert ce0.loss_max == pytest.approx(20 + np.log1p(np.exp(-20.0)), rel=1e-12)
    # the largest jump: one step of d (20/99) across the steepest part, slope -> 1
    assert ce0.max_jump_share == pytest.approx((20 / 99) / 20, rel=1e-6)
    assert ce0.nonfinite == 0
    mse2 = surface_statistics(evaluate_surface("mse", 2))
    # MSE = (1 + s(d)^2 + s(-d)^2)/3 is 1/2 on the diagonal, where the gradient is exactly 0
    assert mse2.loss_min == 0.5
    assert mse2.grad_norm_min == 0.0
    ce2 = surface_statistics(evaluate_surface("cross_entropy", 2))
    # grad = (p0, p1, -1): norm in [sqrt(1.5), sqrt(2)]
    assert ce2.grad_norm_min == pytest.approx(np.sqrt(1.5), rel=1e-12)
    assert ce2.grad_norm_max < np.sqrt(2)


def test_vanishing_share_counts_points_below_threshold():
    s = evaluate_surface("mse", 0)
    stats = surface_statistics(s)
    norms = np.linalg.norm(s.grad, axis=-1)
    assert stats.vanishing_share == np.count_nonzero(norms < VANISHING_THRESHOLD) / 10_000
    z = EXPERIMENT.logits()
    losing = z[..., 1] >= z[..., 0]
    assert vanishing_where_wrong(s) == pytest.approx(
        np.count_nonzero(norms[losing] < VANISHING_THRESHOLD) / np.count_nonzero(losing)
    )
    # cross-entropy's gradient never vanishes where the target is losing: its norm is >= sqrt(2)/2
    assert vanishing_where_wrong(evaluate_surface("cross_entropy", 0)) == 0.0


def test_jump_share_shrinks_with_refinement():
    coarse = surface_statistics(evaluate_surface("mse", 2)).max_jump_share
    fine = surface_statistics(evaluate_surface("mse", 2, Grid(resolution=400))).max_jump_share
    assert fine < coarse / 3  # a continuous surface: jumps scale with the step


def test_comparison_order_and_formats():
    stats = comparison()
    assert [(s.target, s.loss_name) for s in stats] == [
        (0, "cross_entropy"),
        (0, "mse"),
        (2, "cross_entropy"),
        (2, "mse"),
    ]
    rows = json.loads(comparison_table(stats, fmt="json", lang="en"))
    assert rows[1]["loss_max"] == stats[1].loss_max
    csv_text = comparison_table(stats, fmt="csv", lang="en")
    assert csv_text.splitlines()[0].startswith("loss_name,target,loss_min")
    assert float(csv_text.splitlines()[2].split(",")[2]) == stats[1].loss_min


def test_markdown_table_in_both_languages():
    stats = comparison()
    en = comparison_table(stats, lang="en")
    zh = comparison_table(stats, lang="zh_CN")
    assert en.splitlines()[0] == (
        "| Measure | Cross-entropy, class 0 | MSE, class 0 | Cross-entropy, class 2 (fixed logit)"
        " | MSE, class 2 (fixed logit) |"
    )
    assert zh.splitlines()[0] == (
        "| 统计量 | 交叉熵，类别 0 | MSE，类别 0 | 交叉熵，类别 2（固定 logit）"
        " | MSE，类别 2（固定 logit） |"
    )
    rows = {
        line.split(" | ")[0][2:]: line.strip("| ").split(" | ")[1:] for line in en.splitlines()[2:]
    }
    assert rows["Share with gradient norm < 1e-6"] == [
        format_statistic("vanishing_share", s.vanishing_share) for s in stats
    ]
    assert rows["Loss min"] == ["2.061e-9", "2.832e-18", "990.7", "0.5"]
    zh_rows = [line.split(" | ")[0][2:] for line in zh.splitlines()[2:]]
    assert zh_rows[0] == "损失最小值" and zh_rows[5] == "梯度范数 < 1e-6 的比例"
    assert len(zh_rows) == len(rows) == 8


def test_format_statistic():
    assert format_statistic("vanishing_share", 0.2486) == "24.86%"
    assert format_statistic("nonfinite", 0) == "0"
    assert format_statistic("loss_min", 2.061153620314381e-09) == "2.061e-9"
    assert format_statistic("loss_max", 0.6666666639) == "0.6667"
    assert format_statistic("loss_max", 1010.69) == "1011"
    with pytest.raises(ValueError, match="field must be one of"):
        format_statistic("speed", 1.0)
