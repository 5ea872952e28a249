"""The ``lossnotes`` command line: loss surfaces, the comparison table and gradient descent.

``--lang`` is read before anything else, so the help and every message come
out in that language. Errors are one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gettext
import json
import math
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

from .losses import LOSS_NAMES
from .validation import N_, InputError, InputTypeError
from .wording import LANGUAGES, catalog_path, translator

__all__ = ["main"]

#: Exit status of a run that stopped on an error.
ERROR_STATUS = 2

_FIGURE_SUFFIXES = (".png", ".svg")
_VALUE_SUFFIXES = (".npz", ".csv")


class CommandError(Exception):
    """A problem to report on one line of stderr (exit status 2)."""


#: argparse's own messages that reach a reader, marked so they are extracted into
#: lossnotes.pot and translated there. argparse looks them up through :mod:`gettext`
#: (:func:`_argparse_language` gives it lossnotes' catalog).
_ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("expected at least one argument"),
    N_("expected at most one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
)

#: The gettext domain under which lossnotes' catalog is installed for argparse.
_ARGPARSE_DOMAIN = "lossnotes-argparse"


@contextlib.contextmanager
def _argparse_language(lang: str) -> Iterator[None]:
    """Let argparse word its own messages (usage, headings, errors) in ``lang``.

    argparse looks each message up with :func:`gettext.gettext`, that is in the current
    text domain, in the language the ``LANGUAGE`` environment variable names. For the
    duration of the block, the current domain is lossnotes' catalog for ``lang``, compiled
    to a ``.mo`` file in a temporary folder, and ``LANGUAGE`` names ``lang``; both are
    restored afterwards. English needs nothing: argparse's messages are English.
    """
    path = catalog_path(lang) if lang != "en" else None
    if path is None:
        yield
        return
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalog = read_po(handle)
    with tempfile.TemporaryDirectory(prefix="lossnotes-argparse-") as folder:
        target = Path(folder) / lang / "LC_MESSAGES" / f"{_ARGPARSE_DOMAIN}.mo"
        target.parent.mkdir(parents=True)
        with target.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        domain = gettext.textdomain()
        language = os.environ.get("LANGUAGE")
        gettext.bindtextdomain(_ARGPARSE_DOMAIN, folder)
        gettext.textdomain(_ARGPARSE_DOMAIN)
        os.environ["LANGUAGE"] = lang
        try:
            yield
        finally:
            gettext.textdomain(domain)
            if language is None:
                del os.environ["LANGUAGE"]
            else:
                os.environ["LANGUAGE"] = language


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one translated line, not usage and a traceback."""

    def __init__(self, *args, translate: Callable[[str], str], **kwargs) -> None:
        self._translate = translate
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # type: ignore[override]
        raise CommandError(message)

    def format_help(self) -> str:
        # argparse ends each section heading with ":"; the reader's language may use its own
        # colon ("选项：").
        text = super().format_help()
        translate = self._translate
        for group in self._action_groups:
            if group.title:
                heading = translate("{heading}:").format(heading=group.title)
                text = text.replace(f"\n{group.title}:\n", f"\n{heading}\n")
        return text


def _language(argv: Sequence[str]) -> str:
    """Find ``--lang`` before the full parser exists (so its help can be translated)."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--lang", default="en")
    known, _ = pre.parse_known_args(list(argv))
    if known.lang not in LANGUAGES:
        raise CommandError(f"--lang must be one of {', '.join(LANGUAGES)}; got {known.lang!r}")
    return known.lang


def _number(_: Callable[[str], str], kind: type, what: str) -> Callable[[str], float | int]:
    def convert(text: str):
        try:
            value = kind(text)
        except ValueError:
            if kind is int:
                message = _("{what} must be an integer, got {value!r}")
            else:
                message = _("{what} must be a number, got {value!r}")
            raise argparse.ArgumentTypeError(message.format(what=what, value=text)) from None
        if kind is float and not math.isfinite(value):
            raise argparse.ArgumentTypeError(
                _("{what} must be a finite number, got {value!r}").format(what=what, value=text)
            )
        return value

    convert.__name__ = what
    return convert


def _build_parser(_: Callable[[str], str]) -> argparse.ArgumentParser:
    examples = _(
        "examples:\n"
        "  lossnotes surface --fixed-logit -1000 --target 0 --loss mse --grid 100 "
        "--range -10 10 -o fig.png\n"
        "  lossnotes surface --loss cross_entropy --values surface.npz\n"
        "  lossnotes table --target 0 --format markdown\n"
        "  lossnotes descend --loss cross_entropy --start 0 0 -1000 --target 2 --lr 1 "
        "--steps 5000 --format json\n"
        "  lossnotes --lang zh_CN table --target 0 2"
    )
    parser = _Parser(
        prog="lossnotes",
        description=_(
            "Loss surfaces, the comparison table and gradient descent on the logits, "
            "from the lossnotes library."
        ),
        epilog=examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=False,
        translate=_,
    )
    parser.add_argument("-h", "--help", action="help", help=_("show this help and exit"))
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="en",
        help=_("language of the help, the messages, figures and tables (default: en)"),
    )
    commands = parser.add_subparsers(
        dest="command", title=_("commands"), metavar="{surface,table,descend}"
    )
    integer = _number(_, int, "--target")

    def subparser(name: str, summary: str, example: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            help=summary,
            description=summary,
            epilog=_("example:") + "\n  " + example,
            formatter_class=argparse.RawDescriptionHelpFormatter,
            add_help=False,
            translate=_,
        )
        sub.add_argument("-h", "--help", action="help", help=_("show this help and exit"))
        return sub

    def grid_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--fixed-logit",
            type=_number(_, float, "--fixed-logit"),
            default=-1000.0,
            metavar="Z2",
            help=_("the fixed logit of class 2 (default: -1000)"),
        )
        sub.add_argument(
            "--grid",
            type=_number(_, int, "--grid"),
            default=100,
            metavar="N",
            help=_("points per axis, 2 to 4096 (default: 100)"),
        )
        sub.add_argument(
            "--range",
            type=_number(_, float, "--range"),
            nargs=2,
            default=(-10.0, 10.0),
            metavar=("LOW", "HIGH"),
            help=_("range of the logits z0 and z1 (default: -10 10)"),
        )

    surface = subparser(
        "surface",
        _("draw one loss surface as a heatmap (PNG or SVG), or save its values"),
        "lossnotes surface --fixed-logit -1000 --target 0 --loss mse --grid 100 "
        "--range -10 10 -o fig.png",
    )
    surface.add_argument(
        "--loss",
        choices=LOSS_NAMES,
        default="cross_entropy",
        help=_("the loss (default: cross_entropy)"),
    )
    surface.add_argument(
        "--target",
        type=_number(_, int, "--target"),
        default=0,
        help=_("the target class, 0, 1 or 2 (default: 0)"),
    )
    grid_options(surface)
    surface.add_argument("-o", "--output", metavar="FILE", help=_("figure file, .png or .svg"))
    surface.add_argument("--values", metavar="FILE", help=_("file for the numbers, .npz or .csv"))
    surface.add_argument(
        "--theme",
        choices=("light", "dark"),
        default="light",
        help=_("colour scheme of the figure (default: light)"),
    )

    table = subparser(
        "table",
        _("print the comparison table of the loss surfaces"),
        "lossnotes table --target 0 --format markdown",
    )
    table.add_argument(
        "--target",
        type=_number(_, int, "--target"),
        nargs="+",
        default=[0, 2],
        help=_("target classes, one row per target and loss (default: 0 2)"),
    )
    table.add_argument(
        "--loss",
        choices=LOSS_NAMES,
        nargs="+",
        default=["cross_entropy", "mse"],
        help=_("losses to compare (default: cross_entropy mse)"),
    )
    grid_options(table)
    table.add_argument(
        "--format",
        choices=("markdown", "csv", "json"),
        default="markdown",
        help=_("output format (default: markdown)"),
    )

    descend = subparser(
        "descend",
        _("run gradient descent on the logits and report when the target recovers"),
        "lossnotes descend --loss cross_entropy --start 0 0 -1000 --target 2 --lr 1 "
        "--steps 5000 --format json",
    )
    descend.add_argument(
        "--loss",
        choices=LOSS_NAMES,
        default="cross_entropy",
        help=_("the loss (default: cross_entropy)"),
    )
    descend.add_argument(
        "--start",
        type=_number(_, float, "--start"),
        nargs="+",
        required=True,
        metavar="Z",
        help=_("the starting logits, one per class"),
    )
    descend.add_argument("--target", type=integer, required=True, help=_("the target class"))
    descend.add_argument(
        "--lr", type=_number(_, float, "--lr"), default=1.0, help=_("learning rate (default: 1)")
    )
    descend.add_argument(
        "--steps",
        type=_number(_, int, "--steps"),
        default=1000,
        help=_("number of updates (default: 1000)"),
    )
    descend.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help=_("output format (default: text)"),
    )
    return parser


def _suffix(path: str, allowed: tuple[str, ...], option: str, _: Callable[[str], str]) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        raise CommandError(
            _("{option} must name a file ending in {allowed}; got {path!r}").format(
                option=option, allowed=" / ".join(allowed), path=path
            )
        )
    return suffix


def _grid(args: argparse.Namespace, _: Callable[[str], str]):
    from .grid import Grid

    try:
        return Grid(args.range[0], args.range[1], args.grid, args.fixed_logit)
    except (InputError, InputTypeError) as exc:
        raise CommandError(
            _("invalid grid (--range, --grid, --fixed-logit): {problem}").format(
                problem=exc.translated(_)
            )
        ) from None


def _write_values(surface, path: str, suffix: str) -> None:
    axis = surface.grid.axis
    z0, z1 = np.meshgrid(axis, axis, indexing="xy")
    if suffix == ".npz":
        np.savez(
            path,
            z0=z0,
            z1=z1,
            z2=surface.grid.fixed_logit,
            loss=surface.loss,
            grad=surface.grad,
            target=surface.target,
        )
        return
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["z0", "z1", "z2", "loss", "grad0", "grad1", "grad2"])
        grad = surface.grad.reshape(-1, 3)
        for a, b, value, g in zip(z0.ravel(), z1.ravel(), surface.loss.ravel(), grad, strict=True):
            writer.writerow(
                [
                    repr(float(a)),
                    repr(float(b)),
                    repr(surface.grid.fixed_logit),
                    repr(float(value)),
                    *(repr(float(x)) for x in g),
                ]
            )


def _surface(args: argparse.Namespace, lang: str, _: Callable[[str], str]) -> str:
    from .surface import evaluate_surface

    if args.output is None and args.values is None:
        raise CommandError(_("surface needs -o FILE (.png or .svg), --values FILE, or both"))
    figure_suffix = args.output and _suffix(args.output, _FIGURE_SUFFIXES, "-o", _)
    value_suffix = args.values and _suffix(args.values, _VALUE_SUFFIXES, "--values", _)
    surface = evaluate_surface(args.loss, args.target, _grid(args, _))
    written = []
    if figure_suffix:
        from .figures import loss_heatmaps
        from .figures.png import save_png

        figure = loss_heatmaps([surface], lang=lang, theme=args.theme)
        if figure_suffix == ".png":
            save_png(figure, args.output)
        else:
            figure.savefig(args.output, format="svg", metadata={"Date": None})
        written.append(args.output)
    if value_suffix:
        _write_values(surface, args.values, value_suffix)
        written.append(args.values)
    return "\n".join(_("wrote {path}").format(path=path) for path in written)


def _table(args: argparse.Namespace, lang: str, _: Callable[[str], str]) -> str:
    from .comparison import comparison
    from .figures.tables import comparison_table

    statistics = comparison(tuple(args.target), tuple(args.loss), _grid(args, _))
    return comparison_table(statistics, args.format, lang=lang).rstrip("\n")


def _json_number(value: float) -> float | str:
    value = float(value)
    return value if math.isfinite(value) else str(value)


def _descend(args: argparse.Namespace, lang: str, _: Callable[[str], str]) -> str:
    from .descent import descend

    run = descend(args.loss, args.start, args.target, args.lr, args.steps)
    final_logits = [_json_number(v) for v in np.asarray(run.final_logits, dtype=float)]
    if args.format == "json":
        return json.dumps(
            {
                "loss": args.loss,
                "target": args.target,
                "lr": args.lr,
                "steps": int(run.steps),
                "recovered_at": run.recovered_at,
                "final_logits": final_logits,
                "final_loss": _json_number(run.final_loss),
                "final_grad_norm": _json_number(run.grad_norm[-1]),
            },
            allow_nan=False,
        )
    if run.recovered_at is None:
        recovered = _("the target never had the strictly highest logit within {steps} updates")
    else:
        recovered = _("the target first had the strictly highest logit after {n} updates")
    lines = [
        recovered.format(steps=run.steps, n=run.recovered_at),
        _("final logits: {logits}").format(
            logits=" ".join(f"{v:.6g}" for v in np.asarray(run.final_logits, dtype=float))
        ),
        _("final loss: {loss:.6g}").format(loss=float(run.final_loss)),
    ]
    return "\n".join(lines)


_COMMANDS = {"surface": _surface, "table": _table, "descend": _descend}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0, or 2 after an error).

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments, without the program name; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success; 2 after an error, reported as one line on stderr.

    Examples
    --------
    >>> from lossnotes.cli import main
    >>> main(["descend", "--loss", "cross_entropy", "--start", "0", "0", "-1000",
    ...       "--target", "2", "--lr", "1", "--steps", "3"])  # doctest: +ELLIPSIS
    the target never had the strictly highest logit within 3 updates
    ...
    0
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = "en"
    try:
        lang = _language(argv)
        _ = translator(lang)
        with _argparse_language(lang):
            args = _build_parser(_).parse_args(argv)
        if args.command is None:
            raise CommandError(_("a command is required: surface, table or descend"))
        output = _COMMANDS[args.command](args, lang, _)
    except SystemExit as stop:  # --help
        return int(stop.code or 0)
    # Only what the reader typed wrong is reported on one line; anything else is a bug in
    # lossnotes, whose traceback is what a bug report needs.
    except (CommandError, InputError, InputTypeError) as exc:
        _report(_error_prefix(lang), _in_language(exc, lang))
        return ERROR_STATUS
    except OSError as exc:
        detail = exc.strerror or str(exc)
        _report(_error_prefix(lang), f"{exc.filename}: {detail}" if exc.filename else detail)
        return ERROR_STATUS
    if output:
        try:
            print(output, flush=True)
        except BrokenPipeError:  # the reader left early (``lossnotes table | head -1``)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
    return 0


def _error_prefix(lang: str) -> str:
    try:
        _ = translator(lang)
        return _("lossnotes: error: ")
    except ValueError:
        return "lossnotes: error: "


def _in_language(problem: Exception, lang: str) -> object:
    """The library's input errors carry a translatable template: word them in ``lang``."""
    if isinstance(problem, InputError | InputTypeError):
        try:
            return problem.translated(translator(lang))
        except ValueError:  # an unknown language: keep the English message
            return problem
    return problem


def _report(prefix: str, problem: object) -> None:
    text = " ".join(str(problem).split())
    print(prefix + text, file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
