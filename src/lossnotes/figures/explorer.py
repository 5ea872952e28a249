"""What the pages' interactive explorer is given by the build: colours, grid, settings, wording.

The explorer (``docs/_static/explorer.js``) recomputes the experiment in the
reader's browser, beside the figures. Everything it does not compute comes from
here, written into the page as JSON by the build (``docs/_ext/lossnotes_explorer.py``):

* the colour map of each scheme, sampled from matplotlib into a table of 256
  colours, so the explorer paints exactly the colours of the build-time figures;
* the grid's axis values (those of :data:`lossnotes.grid.EXPERIMENT`, to the last bit);
* the fixed logits the chapters discuss, the losses, and the optimisers with the
  training chapter's settings;
* every label, unit and message, in the edition's language, through the
  library's wording catalog (``lossnotes.po``), as figure text is.

Nothing here computes a loss: the page's script ports :mod:`lossnotes.losses`
and :mod:`lossnotes.descent`, and the browser tests compare the two.
"""

from __future__ import annotations

from typing import Any

from matplotlib import colormaps

from ..descent import ADAM_BETAS, ADAM_EPS
from ..grid import EXPERIMENT, FIXED_CLASS, NUM_CLASSES
from ..losses import LOSS_NAMES
from ..recovery import FIXED_LOGITS
from ..validation import check_name
from ..wording import LANGUAGES, translator
from ._style import THEMES, rc
from .labels import loss_label, signed, target_label

__all__ = [
    "COLOURS",
    "EXPLORER_LR",
    "EXPLORER_MAX_LR",
    "EXPLORER_MAX_STEPS",
    "EXPLORER_STEPS",
    "colour_table",
    "explorer_data",
    "explorer_strings",
]

#: Entries of the colour table: matplotlib's resolution of a named colour map.
COLOURS = 256
#: Learning rate the explorer starts with: the training chapter's.
EXPLORER_LR = 1.0
#: Largest learning rate the explorer accepts.
EXPLORER_MAX_LR = 100.0
#: Updates the explorer makes by default (the training chapter's Adam budget).
EXPLORER_STEPS = 2000
#: Most updates the explorer makes from one click.
EXPLORER_MAX_STEPS = 100_000


def colour_table(theme: str) -> str:
    """The scheme's colour map sampled at :data:`COLOURS` points, as ``rrggbb`` hex digits.

    Entry ``i`` is the colour matplotlib paints for a value whose normalised
    position ``x`` in ``[0, 1]`` has ``min(floor(x * 256), 255) == i``, which is how
    a :class:`matplotlib.colors.Colormap` looks a value up.

    Parameters
    ----------
    theme : {"light", "dark"}

    Returns
    -------
    str
        ``6 * COLOURS`` lowercase hex digits, entry ``i`` at ``[6 i, 6 i + 6)``.

    Examples
    --------
    >>> colour_table("light")[:6]
    '440154'
    """
    check_name(theme, THEMES, "theme")
    cmap = colormaps[rc(theme, "en")["image.cmap"]].resampled(COLOURS)  # the same in every language
    rgba = cmap(range(COLOURS), bytes=True)
    return "".join(f"{r:02x}{g:02x}{b:02x}" for r, g, b, _a in rgba)


def explorer_strings(lang: str) -> dict[str, str]:
    """Every label, unit and message of the explorer, in ``lang``.

    Placeholders in braces (``{n}``, ``{value}``) are filled in by the page's
    script; a translation keeps them.

    Parameters
    ----------
    lang : {"en", "zh_CN"}

    Returns
    -------
    dict of str to str
    """
    check_name(lang, LANGUAGES, "lang")
    _ = translator(lang)
    beta1, beta2 = ADAM_BETAS
    strings = {
        "title": _("Explore the experiment"),
        "instructions": _(
            "Hover over a map to probe a point; click or tap a point to probe it and run "
            "the optimiser from there under both losses. With the keyboard: focus a map, "
            "move the probe with the arrow keys and press Enter to run."
        ),
        "fixed": _("Fixed logit z\u2082"),
        "fixed_entry": _("Fixed logit z\u2082, any value from \u22121000 to 0"),
        "fixed_invalid": _("The fixed logit must be a number from \u22121000 to 0."),
        "target": _("Target class"),
        "left_loss": _("Left map"),
        "right_loss": _("Right map"),
        "optimiser": _("Optimiser"),
        "gd": _("Gradient descent"),
        "adam": _("Adam (\u03b2\u2081 = {beta1}, \u03b2\u2082 = {beta2}, \u03b5 = {eps})").format(
            beta1=beta1, beta2=beta2, eps=f"{ADAM_EPS:.0e}".replace("e-0", "e-")
        ),
        "lr": _("Learning rate"),
        "lr_invalid": _("The learning rate must be a number above 0 and at most {max}."),
        "steps": _("Updates"),
        "steps_invalid": _("The number of updates must be a whole number from 1 to {max}."),
        "x_axis": _("logit z\u2080 (class 0)"),
        "y_axis": _("logit z\u2081 (class 1)"),
        "map_label": _(
            "{loss} over the grid, with the probe at z\u2080 = {z0}, z\u2081 = {z1}. "
            "Arrow keys move the probe; Enter runs the optimiser."
        ),
        "colour_scale": _("Colour: the loss, from {low} to {high} (each map its own range)"),
        "arrow_note": _("Arrows: direction of the negative gradient in the plane (not to scale)."),
        "probe": _("Probe at z = ({z0}, {z1}, {z2})"),
        "quantity": _("Quantity"),
        "probability": _("Probability p{index}"),
        "loss_value": _("Loss"),
        "gradient": _("Gradient \u2202L/\u2202z{index}"),
        "probe_speech": _(
            "z\u2080 = {z0}, z\u2081 = {z1}. Probabilities {p0}, {p1}, {p2}. "
            "{left}: loss {left_loss}, gradient ({left_grad}). "
            "{right}: loss {right_loss}, gradient ({right_grad})."
        ),
        "run_from": _("From z = ({z0}, {z1}, {z2}), {optimiser}, learning rate {lr}:"),
        "recovered": _("{loss}: recovered after {n} updates"),
        "not_recovered": _("{loss}: not recovered after {n} updates"),
        "diverged": _(
            "{loss}: the logits left the finite range after {n} updates; lower the learning rate"
        ),
        "final_loss": _("final loss {value}"),
        "recovery_rule": _("Recovered: the target's logit is strictly the highest."),
    }
    return strings


def explorer_data(lang: str) -> dict[str, Any]:
    """Everything the explorer's script reads from the page, for one edition.

    Parameters
    ----------
    lang : {"en", "zh_CN"}
        The edition's language.

    Returns
    -------
    dict
        JSON-serialisable: ``strings`` (:func:`explorer_strings`), ``colours``
        (:func:`colour_table` per scheme), ``axis`` (the grid's values), the
        ``fixedLogits`` of the slider, ``fixedRange``, ``fixedClass``, the
        ``losses`` with their labels, the ``targets`` with their labels, the
        optimiser settings (``adam``) and the defaults and limits of the
        learning rate and number of updates.
    """
    check_name(lang, LANGUAGES, "lang")
    grid = EXPERIMENT
    return {
        "lang": lang,
        "strings": explorer_strings(lang),
        "colours": {theme: colour_table(theme) for theme in THEMES},
        "axis": [float(v) for v in grid.axis],
        "fixedLogits": sorted(float(f) for f in FIXED_LOGITS),
        "fixedLabels": [signed(f) for f in sorted(FIXED_LOGITS)],
        "fixedRange": [float(min(FIXED_LOGITS)), float(max(FIXED_LOGITS))],
        "fixedStart": grid.fixed_logit,
        "fixedClass": FIXED_CLASS,
        "classes": NUM_CLASSES,
        "losses": list(LOSS_NAMES),
        "lossLabels": {name: loss_label(name, lang) for name in LOSS_NAMES},
        "targetLabels": [target_label(t, lang, FIXED_CLASS) for t in range(NUM_CLASSES)],
        "adam": {"betas": list(ADAM_BETAS), "eps": ADAM_EPS},
        "lr": EXPLORER_LR,
        "maxLr": EXPLORER_MAX_LR,
        "steps": EXPLORER_STEPS,
        "maxSteps": EXPLORER_MAX_STEPS,
    }
