"""The comparison table as text: Markdown for the pages, CSV and JSON for the command line."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from .comparison import STATISTICS, SurfaceStatistics
from .labels import loss_label, statistic_label, target_label
from .validation import check_name
from .wording import translator

__all__ = ["TABLE_FORMATS", "comparison_table", "format_statistic"]

#: Output formats of :func:`comparison_table`.
TABLE_FORMATS: tuple[str, ...] = ("markdown", "csv", "json")

_SHARES = ("vanishing_share", "max_jump_share")


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


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|")


def comparison_table(
    statistics: Sequence[SurfaceStatistics], fmt: str = "markdown", lang: str | None = None
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
    lang : {"en", "zh_CN"}, optional
        Language of the Markdown headings; defaults to the build's language.

    Returns
    -------
    str

    Examples
    --------
    >>> from lossnotes import Grid, comparison
    >>> from lossnotes.tables import comparison_table
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
            loss=loss_label(s.loss_name, lang), target=target_label(s.target, lang=lang)
        )
        for s in statistics
    ]
    lines = [
        "| " + " | ".join(_escape(h) for h in header) + " |",
        "|" + "|".join([":--", *(["--:"] * len(statistics))]) + "|",
    ]
    for field in STATISTICS:
        cells = [statistic_label(field, lang)]
        cells += [format_statistic(field, getattr(s, field)) for s in statistics]
        lines.append("| " + " | ".join(_escape(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
