"""Names and numbers as readers see them, in either language.

Losses, classes and statistics have reader-facing names; numbers are written
with a true minus sign (U+2212), as typeset numbers have, in the figures and in
the tables alike.
"""

from __future__ import annotations

import math
import re

from ..comparison import STATISTICS, VANISHING_THRESHOLD
from ..losses import LOSS_NAMES
from ..validation import check_name
from ..wording import translator

__all__ = [
    "format_count",
    "format_value",
    "formula_label",
    "loss_label",
    "minus_signs",
    "outcome_names",
    "plain_exponent",
    "signed",
    "statistic_label",
    "target_label",
]


def loss_label(name: str, lang: str) -> str:
    """The reader-facing name of a loss (``"cross_entropy"`` -> ``"Cross-entropy"``)."""
    check_name(name, LOSS_NAMES, "loss")
    _ = translator(lang)
    labels = {
        "cross_entropy": _("Cross-entropy"),
        "mse": _("MSE"),
        "mse_logits": _("MSE on logits"),
    }
    return labels[name]


def target_label(target: int, lang: str, fixed_class: int = 2) -> str:
    """``"class 0"``, or ``"class 2 (fixed logit)"`` for the class whose logit is fixed."""
    _ = translator(lang)
    if target == fixed_class:
        return _("class {index} (fixed logit)").format(index=target)
    return _("class {index}").format(index=target)


def _power_of_ten(value: float) -> str:
    """``1e-06`` -> ``"1e-6"``, as the tables write numbers."""
    mantissa, exponent = f"{value:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def statistic_label(field: str, lang: str) -> str:
    """The column heading of a comparison statistic."""
    check_name(field, STATISTICS, "statistic")
    _ = translator(lang)
    labels = {
        "loss_min": _("Loss min"),
        "loss_max": _("Loss max"),
        "grad_norm_min": _("Gradient norm min"),
        "grad_norm_median": _("Gradient norm median"),
        "grad_norm_max": _("Gradient norm max"),
        "vanishing_share": _("Share with gradient norm < {threshold}").format(
            threshold=_power_of_ten(VANISHING_THRESHOLD)
        ),
        "max_jump_share": _("Largest jump between neighbours (share of loss range)"),
        "nonfinite": _("Non-finite values"),
    }
    return labels[field]


def formula_label(formula: str) -> str:
    """A naive formula as readers see it: code, the same in both languages.

    ``softmax`` stands for the unshifted ``exp(z) / sum(exp(z))``.
    """
    labels = {
        "cross_entropy": "-log(softmax(z))[t]",
        "cross_entropy_onehot": "-sum(y * log(softmax(z)))",
        "cross_entropy_eps": "-log(softmax(z)[t] + eps)",
        "mse": "mean((softmax(z) - y)**2)",
    }
    return labels[formula]


def outcome_names(lang: str) -> list[str]:
    """The names of the outcomes finite, +inf, -inf and NaN, as figures and tables show them."""
    _ = translator(lang)
    return [_("finite"), "+inf", "\u2212inf", "NaN"]


def minus_signs(text: str) -> str:
    """``text`` with each hyphen-minus as a true minus sign (U+2212)."""
    return text.replace("-", "\u2212")


def plain_exponent(text: str) -> str:
    """Exponents without padding or plus sign, as the site writes them: ``1e-06`` -> ``1e-6``."""
    return re.sub(r"e\+?(-?)0*(\d)", r"e\1\2", text)


def signed(value: float) -> str:
    """A number in ``g`` format with a true minus sign: ``signed(-1000.0) == "\u22121000"``."""
    return minus_signs(plain_exponent(f"{value:g}"))


def format_value(value: float) -> str:
    """A table cell: ``inf``, ``−inf``, ``NaN``, ``0`` / ``−0``, or 10 significant digits."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "\u2212inf"
    if value == 0:
        return "\u22120" if math.copysign(1.0, value) < 0 else "0"
    return minus_signs(plain_exponent(f"{value:.10g}"))


def format_count(log10_n: float) -> str:
    """A whole count from its base-10 logarithm: ``"29,393"`` or ``"2.6e434"``.

    Examples
    --------
    >>> format_count(math.log10(29393))
    '29,393'
    >>> format_count(434.419)
    '2.6e434'
    """
    if log10_n < 7:
        return f"{round(10**log10_n):,}"
    exponent = math.floor(log10_n)
    mantissa = 10 ** (log10_n - exponent)
    if round(mantissa, 1) >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{mantissa:.1f}e{exponent}"
