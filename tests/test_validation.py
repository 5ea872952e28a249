"""Bad input: each rejection names the parameter, the offending value or index, what is allowed."""

from __future__ import annotations

import numpy as np
import pytest

from lossnotes import Grid, cross_entropy, log_softmax, loss_and_grad, mse, softmax
from lossnotes.wording import translator

FUNCTIONS = [
    lambda z: cross_entropy(z, 0),
    lambda z: mse(z, 0),
    lambda z: loss_and_grad("mse", z, 0),
    lambda z: loss_and_grad("mse_logits", z, 0),
    softmax,
    log_softmax,
]


@pytest.mark.parametrize("fn", FUNCTIONS)
@pytest.mark.parametrize(
    ("logits", "fragments"),
    [
        ([[0.0, 1.0], [2.0, np.nan]], ["logits", "NaN", "(1, 1)"]),
        ([[0.0, 1.0], [np.inf, 0.0]], ["logits", "+inf", "(1, 0)", "only finite values and -inf"]),
        ([[0.0, 1.0], [-np.inf, -np.inf]], ["logits", "all -inf", "(1,)", "at least one finite"]),
        (np.zeros((0, 3)), ["logits", "empty", "(0, 3)"]),
        ([1.0], ["logits", "at least 2 classes", "K = 1"]),
        (3.0, ["logits", "class axis", "scalar"]),
    ],
)
def test_bad_logit_values(fn, logits, fragments):
    with pytest.raises(ValueError) as info:
        fn(logits)
    for fragment in fragments:
        assert fragment in str(info.value)


def test_invalid_values_found_in_a_large_batch_at_their_index():
    z = np.zeros((300, 200, 3))
    z[250, 7, 2] = np.nan
    with pytest.raises(ValueError, match=r"NaN at index \(250, 7, 2\)"):
        loss_and_grad("cross_entropy", z, 1)
    z[250, 7, 2] = 0.0
    z[299, 199, 0] = np.inf
    with pytest.raises(ValueError, match=r"\+inf at index \(299, 199, 0\)"):
        loss_and_grad("mse", z, 0)


@pytest.mark.parametrize(
    ("logits", "fragment"),
    [
        (["a", "b"], "dtype <U1"),
        ([True, False], "dtype bool"),
        ([1j, 2.0], "complex"),
        ([[1.0], [1.0, 2.0]], "could not convert"),
    ],
)
def test_non_numeric_logits(logits, fragment):
    with pytest.raises(TypeError) as info:
        cross_entropy(logits, 0)
    assert "logits" in str(info.value) and fragment in str(info.value)


@pytest.mark.parametrize(
    ("target", "error", "fragments"),
    [
        (3, ValueError, ["target", "0 to 2", "got 3"]),
        (-1, ValueError, ["target", "0 to 2", "got -1"]),
        (1.0, TypeError, ["target", "integer", "float64"]),
        (True, TypeError, ["target", "boolean"]),
        ("0", TypeError, ["target", "integer"]),
        (np.array([0, 1, 2]), ValueError, ["target", "(3,)", "cannot be broadcast", "(2,)"]),
        (np.array([0, 5]), ValueError, ["target", "found 5 at index (1,)", "0 to 2"]),
    ],
)
def test_bad_targets(target, error, fragments):
    with pytest.raises(error) as info:
        loss_and_grad("cross_entropy", np.zeros((2, 3)), target)
    for fragment in fragments:
        assert fragment in str(info.value)


@pytest.mark.parametrize(("name", "error"), [("hinge", ValueError), (3, TypeError)])
def test_unknown_loss_names(name, error):
    with pytest.raises(error) as info:
        loss_and_grad(name, [0.0, 1.0], 0)
    message = str(info.value)
    assert "name" in message and "cross_entropy, mse, mse_logits" in message


def test_unknown_language():
    with pytest.raises(ValueError, match="lang must be one of en, zh_CN; got 'fr'"):
        translator("fr")


@pytest.mark.parametrize(
    ("kwargs", "error", "fragments"),
    [
        ({"low": 1.0, "high": 1.0}, ValueError, ["range", "low < high", "low = 1.0", "high = 1.0"]),
        ({"low": -np.inf}, ValueError, ["range low end", "finite", "-inf"]),
        ({"high": np.nan}, ValueError, ["range high end", "finite", "nan"]),
        ({"resolution": 1}, ValueError, ["resolution", "2 to 4096", "got 1", "memory"]),
        ({"resolution": 5000}, ValueError, ["resolution", "2 to 4096", "got 5000", "memory"]),
        ({"resolution": 10.0}, TypeError, ["resolution", "integer", "10.0"]),
        ({"fixed_logit": np.inf}, ValueError, ["fixed_logit", "finite", "inf"]),
    ],
)
def test_bad_grids(kwargs, error, fragments):
    with pytest.raises(error) as info:
        Grid(**kwargs)
    for fragment in fragments:
        assert fragment in str(info.value)


def test_minus_infinity_is_a_class_of_probability_zero():
    p = softmax([0.0, -np.inf, 0.0])
    np.testing.assert_array_equal(p, [0.5, 0.0, 0.5])
    loss, grad = loss_and_grad("cross_entropy", [0.0, -np.inf, 0.0], 1)
    assert loss == np.inf
    np.testing.assert_array_equal(grad, [0.5, -1.0, 0.5])
    loss, grad = loss_and_grad("mse", [0.0, -np.inf, 0.0], 0)
    assert loss == pytest.approx((0.25 + 0.25) / 3)


def test_input_errors_keep_their_template_for_translation():
    from lossnotes.validation import InputError, InputTypeError, check_logits, check_resolution

    with pytest.raises(InputError) as caught:
        check_logits([[0.0, float("nan")]])
    error = caught.value
    assert isinstance(error, ValueError)
    assert str(error) == "logits must not contain NaN; found NaN at index (0, 1)"
    assert error.template == "{name} must not contain NaN; found NaN at index {index}"
    shout = error.translated(lambda t: t.replace("must not contain", "MUST NOT CONTAIN"))
    assert shout == "logits MUST NOT CONTAIN NaN; found NaN at index (0, 1)"
    with pytest.raises(InputTypeError) as caught:
        check_resolution(2.5)
    assert isinstance(caught.value, TypeError)
    with pytest.raises(InputError) as caught:
        check_resolution(1)
    assert caught.value.translated(lambda t: t.replace("memory", "MEMORY")).endswith(
        "(the cap bounds MEMORY: a surface stores logits, loss and gradient for "
        "resolution**2 points)"
    )


def test_the_library_raises_only_its_translatable_input_errors():
    """No plain ValueError or TypeError is raised anywhere in the package."""
    import ast
    from pathlib import Path

    import lossnotes

    plain = []
    for path in sorted(Path(lossnotes.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                name = getattr(node.exc.func, "id", "")
                if name in {"ValueError", "TypeError"}:
                    plain.append(f"{path.name}:{node.lineno}")
    assert not plain


@pytest.mark.parametrize(
    ("module", "function", "args"),
    [
        ("recovery", "predicted_log10_steps", ("mse", 1.0)),
        ("recovery", "predicted_log10_steps", ("mse_logits", -1.0, 2.0)),
        ("recovery", "predicted_log10_steps", ("mse", -1.0, -1.0)),
        ("recovery", "predicted_log10_steps_two_class", ("mse", -1.0)),
        ("naive", "evaluate", ("hinge", [0.0, 1.0], 0)),
        ("breakdown", "stable_counts", ("hinge", 0)),
        ("closed_forms", "profile", ("mse", 1, [0.0])),
        ("gradient_maps", "gradient_norm_bound", ("mse", 1)),
    ],
)
def test_input_errors_have_a_chinese_translation(module, function, args):
    import importlib
    from pathlib import Path

    from babel.messages.pofile import read_po

    from lossnotes.validation import InputError, InputTypeError

    call = getattr(importlib.import_module(f"lossnotes.{module}"), function)
    with pytest.raises((InputError, InputTypeError)) as caught:
        call(*args)
    po = Path(__file__).parent.parent / "locale" / "zh_CN" / "LC_MESSAGES" / "lossnotes.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    message = catalog.get(caught.value.template)
    assert message is not None and message.string and not message.fuzzy, caught.value.template
    chinese = caught.value.translated(lambda t: catalog.get(t).string)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese), chinese


def test_the_package_ships_its_type_hints():
    from importlib.resources import files

    assert files("lossnotes").joinpath("py.typed").is_file()
