"""Steps to recover: closed-form predictions against gradient-descent runs."""

from __future__ import annotations

import math

import pytest

from lossnotes.descent import descend
from lossnotes.figures.labels import format_count
from lossnotes.recovery import (
    first_update,
    predicted_log10_steps,
    predicted_log10_steps_two_class,
    recovery_sweep,
)


@pytest.mark.parametrize("f", [0.0, -2.0, -5.0, -10.0, -30.0, -100.0, -1000.0])
def test_cross_entropy_prediction_equals_the_run(f):
    run = descend("cross_entropy", [0.0, 0.0, f], 2, 1.0, 5000, until_recovered=True)
    assert run.recovered_at == round(10 ** predicted_log10_steps("cross_entropy", f))


@pytest.mark.parametrize("f", [0.0, -2.0, -5.0, -10.0, -100.0, -1000.0])
def test_mse_logits_prediction_equals_the_run(f):
    run = descend("mse_logits", [0.0, 0.0, f], 2, 1.0, 100, until_recovered=True)
    assert run.recovered_at == round(10 ** predicted_log10_steps("mse_logits", f))


@pytest.mark.parametrize(("f", "tolerance"), [(-2.0, 0.05), (-5.0, 0.02), (-8.0, 0.002)])
def test_mse_prediction_is_close_to_the_run(f, tolerance):
    run = descend("mse", [0.0, 0.0, f], 2, 1.0, 10_000, until_recovered=True)
    predicted = 10 ** predicted_log10_steps("mse", f)
    assert abs(run.recovered_at / predicted - 1) < tolerance


def test_mse_prediction_grows_like_four_thirds_e_to_minus_f():
    # Leading term (4 / (3 lr)) e^{-f}: log10 = (-f + ln(4/3)) / ln 10 at lr = 1.
    for f in (-30.0, -1000.0):
        expected = (-f + math.log(4 / 3)) / math.log(10)
        assert predicted_log10_steps("mse", f) == pytest.approx(expected, abs=1e-9)
    assert format_count(predicted_log10_steps("mse", -1000.0)) == "2.6e434"


def test_two_class_prediction_against_runs():
    for gap, tolerance in ((2.0, 0.0), (6.0, 0.02), (10.0, 0.002)):
        start = [-gap / 2, gap / 2, -1000.0]
        for loss in ("cross_entropy", "mse"):
            run = descend(loss, start, 0, 1.0, 20_000, until_recovered=True)
            predicted = 10 ** predicted_log10_steps_two_class(loss, gap)
            assert abs(run.recovered_at / predicted - 1) <= tolerance + 1e-12


def test_first_update_distinguishes_zero_tiny_and_usable_gradients():
    g, moves = first_update("mse", -1000.0)
    assert g == 0 and not moves
    g, moves = first_update("mse", -100.0)
    assert 1e-44 < -g < 1e-43 and not moves  # non-zero, but lost when subtracted from -100
    g, moves = first_update("mse", -30.0)
    assert moves


def test_sweep_runs_within_budget_and_predicts_beyond():
    sweep = recovery_sweep(("mse",), (-5.0, -14.0), budget=1000)
    short, long = sweep
    assert short.ran and short.recovered_at == 210
    assert not long.ran and long.recovered_at is None
    assert 1.5e6 < long.predicted < 1.7e6


@pytest.mark.parametrize(
    ("function", "args", "message"),
    [
        ("predicted_log10_steps", ("mse", 1.0), "fixed_logit must be <= 0"),
        ("predicted_log10_steps", ("mse", -1.0, 0.0), "lr must be a finite number > 0, got 0.0"),
        ("predicted_log10_steps", ("mse_logits", -1.0, 2.0), r"lr must lie in \(0, 1.5\)"),
        ("predicted_log10_steps_two_class", ("mse", -1.0), "gap must be >= 0"),
    ],
)
def test_bad_input(function, args, message):
    import lossnotes.recovery
    from lossnotes.validation import InputError

    with pytest.raises(InputError, match=message) as caught:
        getattr(lossnotes.recovery, function)(*args)
    assert caught.value.template.startswith("{name} must")
