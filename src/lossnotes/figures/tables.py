"""The site's tables as text: Markdown for the pages, CSV and JSON for the command line.

Every Markdown table is worded in the ``lang`` it is given. The verdicts table
is in ``lossnotes.figures.verdicts``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence

from ..breakdown import LseRow
from ..comparison import STATISTICS, SurfaceStatistics
from ..recovery import Recovery
from ..validation import check_name
from ..wording import translator
from .labels import (
    format_count,
    format_value,
    formula_label,
    loss_label,
    minus_signs,
    outcome_names,
    statistic_label,
    target_label,
)

__all__ = [
    "TABLE_FORMATS",
    "comparison_table",
    "counts_table",
    "format_statistic",
    "lse_table",
    "optimizer_table",
    "recovery_table",
]

#: Output formats of :func:`comparison_table`.
TABLE_FORMATS: tuple[str, ...] = ("markdown", "csv", "json")

_SHARES = ("vanishing_share", "max_jump_share")


def _markdown(header: Sequence[str], align: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table; ``align`` holds one of ``:--``, ``--:`` per column."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return "\n".join(lines) + "\n"


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|")


def _format_number(value: float) -> str:
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e4:
        return f"{value:.4g}"
    mantissa, exponent = f"{value:.3e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def format_statistic(field: str, value: float | int) -> str:
    """Format one statistic as the tables show it.

    Shares are percentages with two decimals; counts are integers; other
    numbers have four significant digits, in scientific notation outside
    ``[1e-3, 1e4)``.

    Examples
    --------
    >>> format_statistic("vanishing_share", 0.0435)
    '4.35%'
    >>> format_statistic("loss_min", 2.061153620314381e-09)
    '2.061e-9'
    """
    check_name(field, STATISTICS, "field")
    if field == "nonfinite":
        return str(int(value))
    if field in _SHARES:
        return f"{100 * value:.2f}%"
    return _format_number(float(value))


def comparison_table(
    statistics: Sequence[SurfaceStatistics], fmt: str = "markdown", *, lang: str
) -> str:
    """Render comparison statistics as a table.

    Parameters
    ----------
    statistics : sequence of SurfaceStatistics
        The surfaces compared, as :func:`lossnotes.comparison.comparison`
        returns them.
    fmt : {"markdown", "csv", "json"}
        Markdown has one column per surface and one row per statistic, with
        translated headings and formatted numbers (for the pages and a terminal:
        a few narrow columns read well in either language). CSV and JSON have
        one record per surface with the field names and full-precision numbers.
    lang : {"en", "zh_CN"}
        Language of the Markdown headings.

    Returns
    -------
    str

    Examples
    --------
    >>> from lossnotes import Grid, comparison
    >>> from lossnotes.figures.tables import comparison_table
    >>> stats = comparison(targets=(0,), grid=Grid(resolution=8))
    >>> print(comparison_table(stats, lang="en").splitlines()[0])
    | Measure | Cross-entropy, class 0 | MSE, class 0 |
    """
    check_name(fmt, TABLE_FORMATS, "fmt")
    if fmt == "json":
        return json.dumps([s.as_dict() for s in statistics], indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=["loss_name", "target", *STATISTICS])
        writer.writeheader()
        for s in statistics:
            row = s.as_dict()
            writer.writerow({k: repr(v) if isinstance(v, float) else v for k, v in row.items()})
        return out.getvalue()
    _ = translator(lang)
    header = [_("Measure")] + [
        _("{loss}, {target}").format(
            loss=loss_label(s.loss_name, lang), target=target_label(s.target, lang)
        )
        for s in statistics
    ]
    rows = [
        [statistic_label(field, lang)]
        + [format_statistic(field, getattr(s, field)) for s in statistics]
        for field in STATISTICS
    ]
    return _markdown(
        [_escape(h) for h in header],
        [":--", *(["--:"] * len(statistics))],
        [[_escape(c) for c in cells] for cells in rows],
    )


def _logits_cell(logits: Sequence[float]) -> str:
    return "(" + ", ".join(format_value(v) for v in logits) + ")"


def lse_table(rows: Sequence[LseRow], *, lang: str) -> str:
    """Markdown: naive (float32, float64) versus stable log-sum-exp and cross-entropy.

    One column per logit vector, one row per formula: a few columns, so the
    table reads without scrolling in either language.
    """
    _ = translator(lang)
    formulas = [
        (_("naive lse, float32"), "naive_lse32"),
        (_("naive lse, float64"), "naive_lse64"),
        (_("stable lse"), "stable_lse"),
        (_("naive CE, float32"), "naive_ce32"),
        (_("naive CE, float64"), "naive_ce64"),
        (_("stable CE"), "stable_ce"),
    ]
    header = [_("Formula"), *(_logits_cell(row.logits) for row in rows)]
    cells = [
        [label, *(format_value(getattr(row, field)) for row in rows)] for label, field in formulas
    ]
    return _markdown(header, [":--", *(["--:"] * len(rows))], cells)


def _count_cell(counts: Mapping[str, int], names: Sequence[str]) -> str:
    keys = ("finite", "+inf", "-inf", "nan")
    parts = [f"{counts[key]} {name}" for key, name in zip(keys, names, strict=True) if counts[key]]
    return ", ".join(parts)


def counts_table(
    counts: Mapping[tuple[float, str, int, str], Mapping[str, int]], *, lang: str
) -> str:
    """Markdown: for each fixed logit, formula and target, the outcome counts per column.

    ``counts[(fixed_logit, formula, target, column)]`` maps the outcome names
    ``finite``, ``+inf``, ``-inf``, ``nan`` to counts; ``column`` is a dtype
    name (``"float32"``, ``"float64"``) or ``"stable"`` for the stable core.
    Each cell lists the outcomes that occur, with their counts.
    """
    _ = translator(lang)
    columns = list(dict.fromkeys(k[3] for k in counts))
    names = outcome_names(lang)
    heading = {"stable": _("stable core, float64")}
    header = [_("Fixed logit $z_2$"), _("Formula"), _("Target")]
    header += [heading.get(c, _("naive, {dtype}").format(dtype=c)) for c in columns]
    rows = []
    for fixed, formula, target in dict.fromkeys(k[:3] for k in counts):
        cells = [format_value(fixed), f"`{formula_label(formula)}`", target_label(target, lang)]
        cells += [_count_cell(counts[fixed, formula, target, c], names) for c in columns]
        rows.append(cells)
    return _markdown(header, [":--"] * len(header), rows)


def _recovery_cell(r: Recovery, lang: str) -> str:
    _ = translator(lang)
    if r.recovered_at is not None:
        return f"{r.recovered_at:,}"
    text = _("≈ {n} (predicted)").format(n=format_count(r.predicted_log10))
    if r.target_grad == 0:
        text = _("{first}; {second}").format(
            first=text, second=_("never in float64: gradient exactly 0")
        )
    elif not r.target_moves:
        text = _("{first}; {second}").format(
            first=text, second=_("stalls in float64: the fixed logit's update is lost to rounding")
        )
    return text


def recovery_table(sweep: Sequence[Recovery], *, lang: str) -> str:
    """The sweep as a Markdown table: one row per fixed logit, one column per loss."""
    _ = translator(lang)
    losses = list(dict.fromkeys(r.loss_name for r in sweep))
    header = [_("Fixed logit"), *(loss_label(name, lang) for name in losses)]
    rows = []
    for f in dict.fromkeys(r.fixed_logit for r in sweep):
        cells = [minus_signs(f"{f:g}")]
        for loss in losses:
            (r,) = [r for r in sweep if r.loss_name == loss and r.fixed_logit == f]
            cells.append(_recovery_cell(r, lang))
        rows.append(cells)
    return _markdown(header, ["--:"] * len(header), rows)


def optimizer_table(
    rows: Sequence[tuple[float, float, dict[str, int | None]]], budget: int, *, lang: str
) -> str:
    """Updates until the target leads under each update rule, as a Markdown table.

    Parameters
    ----------
    rows : sequence of (fixed_logit, gradient entry, {optimizer: recovered_at})
    budget : int
        The run length, shown for runs that never led.
    lang : {"en", "zh_CN"}
    """
    _ = translator(lang)
    names = {"gd": _("Gradient descent"), "adam": _("Adam"), "sign": _("Sign descent")}
    optimizers = list(rows[0][2])
    header = [_("Fixed logit"), _("Gradient on the fixed logit"), *(names[o] for o in optimizers)]
    lines = []
    for f, g, counts in rows:
        cells = [minus_signs(f"{f:g}"), minus_signs("0" if g == 0 else f"{g:.2e}")]
        for o in optimizers:
            n = counts[o]
            cells.append(f"{n:,}" if n is not None else _("not within {n}").format(n=f"{budget:,}"))
        lines.append(cells)
    return _markdown(header, ["--:"] * len(header), lines)
