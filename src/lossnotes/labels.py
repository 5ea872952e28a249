"""Names of losses, classes and statistics as readers see them, in either language."""

from __future__ import annotations

from .comparison import STATISTICS, VANISHING_THRESHOLD
from .losses import LOSS_NAMES
from .validation import check_name
from .wording import translator

__all__ = ["loss_label", "statistic_label", "target_label"]


def loss_label(name: str, lang: str | None = None) -> str:
    """The reader-facing name of a loss (``"cross_entropy"`` -> ``"Cross-entropy"``)."""
    check_name(name, LOSS_NAMES, "loss")
    _ = translator(lang)
    labels = {
        "cross_entropy": _("Cross-entropy"),
        "mse": _("MSE"),
        "mse_logits": _("MSE on logits"),
    }
    return labels[name]


def target_label(target: int, fixed_class: int = 2, lang: str | None = None) -> str:
    """``"class 0"``, or ``"class 2 (fixed logit)"`` for the class whose logit is fixed."""
    _ = translator(lang)
    if target == fixed_class:
        return _("class {index} (fixed logit)").format(index=target)
    return _("class {index}").format(index=target)


def _power_of_ten(value: float) -> str:
    """``1e-06`` -> ``"1e-6"``, as the tables write numbers."""
    mantissa, exponent = f"{value:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def statistic_label(field: str, lang: str | None = None) -> str:
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
