"""The markup a translation must keep: MyST and reStructuredText roles, links, math, code.

Used by the catalog checks (:mod:`catalogs`): a translator may reword a sentence, never the
pieces the build reads.
"""

from __future__ import annotations

import re
import string
from collections import Counter

#: A MyST role: ``{name}`content` `` (any number of backticks).
_ROLE = re.compile(r"\{([A-Za-z][\w:+.-]*)\}(`+)(.+?)(?<!`)\2(?!`)", re.DOTALL)
#: A reStructuredText role, as in the docstrings of the API reference: ``:func:`softmax` ``.
_REST_ROLE = re.compile(
    r"(?<![\w`:]):([A-Za-z][\w+.-]*(?::[A-Za-z][\w+.-]*)?):(`+)(.+?)(?<!`)\2(?!`)", re.DOTALL
)
#: ``title <target>`` inside a role.
_TITLED = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.DOTALL)
#: A Markdown link or image ``[text](target)``, and an autolink ``<scheme://...>``.
_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^()\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK = re.compile(r"<((?:https?|mailto|ftp):[^<>\s]+)>")
#: Display math ``$$...$$`` and inline math ``$...$``.
_DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)((?:\\.|[^$\\])+?)\$")
#: Inline code ``` `...` ```.
_CODE = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.DOTALL)


def markup_tokens(text: str) -> Counter:
    """The pieces of a message that a translation must keep exactly.

    MyST roles (a ``{glue:text}`name:.3g` `` stays whole; a cross-reference such as
    ``{doc}`experiment` `` or ``{ref}`a title <target>` `` keeps its target, and its
    title may be translated), the reStructuredText roles of docstrings (``:func:`mse` ``
    stays whole), link targets, ``$...$`` and
    ``$$...$$`` math, and inline code. Returns a multiset of tokens such as
    ``"{glue:text}`n_classes`"``, ``"{doc}`<experiment>`"``, ``"link: https://..."`` or
    ``"$z_0$"``.
    """
    tokens: Counter = Counter()

    def role(match: re.Match) -> str:
        name, content = match.group(1), match.group(3)
        titled = _TITLED.match(content)
        if name.startswith("glue"):
            tokens[f"{{{name}}}`{content}`"] += 1
        else:  # a cross-reference: its title may be translated, its target may not
            tokens[f"{{{name}}}`<{titled.group(2) if titled else content}>`"] += 1
        return " "

    rest = _ROLE.sub(role, text)

    def rest_role(match: re.Match) -> str:  # a docstring's role stays whole
        tokens[f":{match.group(1)}:`{match.group(3)}`"] += 1
        return " "

    rest = _REST_ROLE.sub(rest_role, rest)
    for pattern, label in ((_LINK, "link: "), (_AUTOLINK, "link: ")):
        for match in pattern.finditer(rest):
            tokens[label + match.group(1)] += 1
    rest = _AUTOLINK.sub(" ", _LINK.sub(" ", rest))
    for match in _CODE.finditer(rest):
        tokens[f"`{match.group(2)}`"] += 1
    rest = _CODE.sub(" ", rest)
    for match in _DISPLAY_MATH.finditer(rest):
        tokens[f"$${match.group(1)}$$"] += 1
    rest = _DISPLAY_MATH.sub(" ", rest)
    for match in _INLINE_MATH.finditer(rest):
        tokens[f"${match.group(1)}$"] += 1
    return tokens


def brace_fields(text: str) -> Counter:
    """The ``str.format`` replacement fields of a library string, e.g. ``{index}``."""
    return Counter(
        f"{{{field}{'!' + conv if conv else ''}{':' + spec if spec else ''}}}"
        for _, field, spec, conv in string.Formatter().parse(text)
        if field is not None
    )
