"""What a reader's browser receives: light pages, one figure copy per scheme, real alt text.

Runs after Sphinx has written an edition (``build-finished``) and rewrites its HTML pages
in place; every step leaves a page it has already rewritten as it is, so an incremental
build that rewrites only some pages gives the same result as a full one.

- **One copy of each figure.** A figure comes as two ``<figure>`` elements, a light copy
  (``only-light``) and a dark one (``only-dark``), of which the theme used to show one and
  the browser fetched both. The pair becomes one ``<figure>`` holding a ``<picture>``: its
  ``<source>`` offers the dark copy to a browser that prefers the dark scheme, the ``<img>``
  the light one. When the reader picks a scheme with the theme's toggle,
  ``lossnotes-pages.js`` points the ``<source>`` at the chosen scheme, so the browser fetches
  that copy (and only that one). Figures below the first load lazily; every image carries its
  pixel size, so nothing moves when it arrives.
- **Alt text.** Every figure's image is described by its caption, in the edition's language
  (Sphinx writes the image's file path there).
- **Numbers.** Glued values (``{glue:text}``) and table cells that hold a number are kept on
  one line and written as the figures and tables write them: a true minus sign (U+2212)
  and an exponent without padding (``1e−6``, not Python's ``1e-06``).
- **Icons.** Font Awesome's JavaScript (1.5 MB) turned each ``<i class="fa-...">`` into an
  inline SVG in the browser; the same SVG is written into the page here, from the icon data
  of the theme's own copy of Font Awesome, and the script is no longer loaded. Admonition
  icons, drawn by the theme with Font Awesome's 115 KB webfont, become SVG masks from the
  same data (:func:`admonition_icon_css`).
- **Search.** The theme loads the search index and its scripts on every page for a
  search-as-you-type box; the site's search runs on its search page, so only that page
  loads them. Search results rank pages above API entries (``search_scorer.js``) and show
  the page's own text, not the theme's buttons or TeX source (``lossnotes-search-snippets.js``).
- **Nothing deployed that no page requests.** Source maps, Font Awesome's script and its
  webfonts are removed from the output. (Formulas arrive typeset as SVG,
  ``lossnotes_math.py``: nothing of MathJax is deployed.)
- **Fewer requests.** The site's own small stylesheets are written into the page instead of
  linked (:data:`INLINE_STYLES`); the toggle's script and styles go only to pages with a
  toggle.
- **Link previews.** The descriptions that sphinxext-opengraph writes are spaced as the
  page's text is, with true minus signs; the preview image (the lead figure) is described
  by its caption in the edition's language.
"""

from __future__ import annotations

import html
import re
import shutil
import struct
from functools import cache
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent

#: Files of the theme that no page requests once the icons are inline.
THEME_UNREQUESTED = (
    "scripts/fontawesome.js",
    "scripts/fontawesome.js.LICENSE.txt",
    "vendor/fontawesome/webfonts",  # icons are inline SVG, admonition icons SVG masks
)

#: The search page's own scripts (the theme loads them on every page).
SEARCH_SCRIPTS = re.compile(
    r'\s*<script src="[^"]*?(?:_static/searchtools\.js|_static/language_data\.js|'
    r'searchindex\.js)"></script>'
)
FONTAWESOME_SCRIPT = re.compile(
    r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>'
)
SOURCE_MAP = re.compile(r"\n?/[/*][#@] sourceMappingURL=[^\n]*?(?:\*/)?\s*$")

#: The site's own small stylesheets (each under 5 KB, about 16 KB together): written into
#: each page's ``<head>`` where the page links them, in the same place, so the cascade keeps
#: its order; a cold load makes up to six requests fewer (the budget is 30). The toggle's
#: and the exercises' styles and the toggle's script go only to pages that have a toggle,
#: the translation-progress styles only to pages with an untranslated passage.
INLINE_STYLES = (
    "lossnotes-pages.css",
    "exercise.css",
    "togglebutton.css",
    "explorer.css",
    "lossnotes.css",
    "translation-progress.css",
)
TOGGLE_ONLY = ("exercise.css", "togglebutton.css")
_STYLESHEET = re.compile(
    r'<link rel="stylesheet" type="text/css" href="[^"]*?_static/([\w.-]+\.css)(?:\?v=\w+)?" />'
)
_TOGGLE_SCRIPT = re.compile(
    r'\s*<script src="[^"]*_static/togglebutton\.js[^"]*"></script>'
    r"|\s*<script>(?:let|var) toggle(?:HintShow|HintHide|OpenOnPrint|buttonSelector) = "
    r"[^<]*</script>"
)
_CLASSES = re.compile(r'class="([^"]*)"')
_UNTRANSLATED = re.compile(r'class="(?:[^"]*\s)?untranslated[\s"]')
#: Comments of a stylesheet written into a page (a ``/*! ... */`` licence comment stays).
_CSS_COMMENT = re.compile(r"/\*(?!!).*?\*/\s*", re.S)


def has_toggle(text: str) -> bool:
    """Whether sphinx-togglebutton collapses something on the page: its selector is
    ``.toggle, .admonition.dropdown`` (the theme's own menus are "dropdown" too)."""
    for classes in _CLASSES.findall(text):
        tokens = set(classes.split())
        if "toggle" in tokens or {"admonition", "dropdown"} <= tokens:
            return True
    return False


#: The link-preview image (OpenGraph ``og:image``): the landing page's lead figure, light
#: copy, published under this fixed name (the figure's own file is named by its hash).
PREVIEW_FIGURE = ("index.html", "fig-lead")
PREVIEW_IMAGE = "_static/lossnotes-preview.png"

#: Marks a page this extension has rewritten.
DONE = '<meta name="lossnotes-pages" content="1" />'


# -- Icons ---------------------------------------------------------------------------------

_ICON = re.compile(
    r'(?:"([a-z0-9-]+)"|([a-z][a-z0-9]*)):\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]*",'
    r'("[^"]*"|\[[^\]]*\])\]'
)
_PACK = re.compile(r'\("(fa[bsr])",[A-Za-z_$][\w$]*\)')
_ICON_ELEMENT = re.compile(r'<(i|span) class="([^"]*\bfa-[^"]*)"([^>]*)>\s*</\1>')
_STYLES = {"fa-solid": "fas", "fas": "fas", "fa-regular": "far", "far": "far"}
_STYLES |= {"fa-brands": "fab", "fab": "fab"}
_MODIFIERS = {"fa-lg": "lossnotes-icon-lg", "fa-fw": "lossnotes-icon-fw"}


@cache
def icon_data(path: Path) -> dict[tuple[str, str], tuple[int, int, list[str]]]:
    """(style, name) -> (width, height, SVG paths) of every icon in Font Awesome's bundle.

    The bundle (``fontawesome.js``, shipped by pydata-sphinx-theme) defines each style's
    icons as ``name: [width, height, aliases, unicode, path or [paths]]`` before registering
    them with the style's prefix (``fab``, ``far``, ``fas``).
    """
    text = path.read_text(encoding="utf-8")
    packs = [(m.start(), m.group(1)) for m in _PACK.finditer(text)]
    icons: dict[tuple[str, str], tuple[int, int, list[str]]] = {}
    for match in _ICON.finditer(text):
        style = next((name for start, name in packs if start > match.start()), None)
        if style is None:
            continue
        raw = match.group(5)
        paths = re.findall(r'"([^"]*)"', raw)
        key = (style, match.group(1) or match.group(2))
        icons.setdefault(key, (int(match.group(3)), int(match.group(4)), paths))
    return icons


#: The icon of each kind of admonition on the site (Font Awesome 6 names, as the theme and
#: sphinx-exercise choose them; None: no icon, as sphinx-exercise has it for solutions): the
#: rest get the theme's default, the bell.
ADMONITION_ICONS: dict[str, str | None] = {
    "": "bell",
    "seealso": "share",
    "error": "circle-xmark",
    "exercise": "pencil",
    "solution": None,
}


def admonition_icon_css(icons: dict) -> str:
    """Admonition icons as SVG masks in the text's colour, instead of Font Awesome's font.

    The theme (and sphinx-exercise) draw each admonition's icon with a character of Font
    Awesome's solid webfont: 115 KB fetched, with ``font-display: block``, for one icon.
    The same icon drawn from the same Font Awesome data costs a few hundred bytes.
    """
    rules = [
        ".bd-article div.admonition > p.admonition-title::after {\n"
        '  content: "";\n  font: inherit;\n  background-color: currentColor;\n'
        "  -webkit-mask: var(--lossnotes-admonition-icon) center / contain no-repeat;\n"
        "  mask: var(--lossnotes-admonition-icon) center / contain no-repeat;\n}"
    ]
    for kind, name in ADMONITION_ICONS.items():
        if name is None:
            selector = f".bd-article div.admonition.{kind} > p.admonition-title::after"
            rules.append(f"{selector} {{\n  content: none;\n}}")
            continue
        width, height, paths = icons[("fas", name)]
        body = "".join(f"<path d='{d}'/>" for d in paths)
        svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}'>{body}</svg>"
        escaped = svg.replace("#", "%23").replace("<", "%3C").replace(">", "%3E")
        url = f"data:image/svg+xml,{escaped}"
        selector = f"div.admonition.{kind}" if kind else "div.admonition"
        rules.append(f'{selector} {{\n  --lossnotes-admonition-icon: url("{url}");\n}}')
    return "\n".join(rules)


def inline_icon(classes: str, attributes: str, icons: dict) -> str | None:
    """The inline SVG for an icon element's classes, or None if the icon is unknown."""
    names = classes.split()
    style = next((_STYLES[n] for n in names if n in _STYLES), "fas")
    icon = next(
        (n[3:] for n in names if n.startswith("fa-") and n not in _STYLES and n not in _MODIFIERS),
        None,
    )
    if icon is None or (style, icon) not in icons:
        return None
    width, height, paths = icons[(style, icon)]
    kept = [n for n in names if not (n.startswith("fa-") or n in _STYLES)]
    kept += [_MODIFIERS[n] for n in names if n in _MODIFIERS]
    kept.append("lossnotes-icon")
    body = "".join(f'<path d="{d}"></path>' for d in paths)
    return (
        f'<svg class="{" ".join(kept)}"{attributes} viewBox="0 0 {width} {height}" '
        f'aria-hidden="true" focusable="false">{body}</svg>'
    )


# -- Figures -----------------------------------------------------------------------------------

_PAIR = re.compile(
    r'<figure class="only-light([^"]*)"( id="[^"]*")?>(?P<light>.*?)</figure>\s*'
    r'<figure class="only-dark[^"]*"(?: id="(?P<dark_id>[^"]*)")?>(?P<dark>.*?)</figure>',
    re.S,
)
_IMG = re.compile(r'<img alt="[^"]*" src="([^"]*)" />')
_CAPTION = re.compile(
    r'<span class="[^"]*\bcaption-text\b[^"]*">(.*?)</span>(?=<a class="headerlink"|\s*</p>)',
    re.S,
)
_FIGURE_IMG = re.compile(r"(<figure\b[^>]*>)(.*?)(</figure>)", re.S)
_FILE_ALT = re.compile(r'<img alt="([^"]*(?:/|\.png|\.svg|\.jpe?g)[^"]*)"')


def caption_text(fragment: str) -> str:
    """The caption's plain text: tags dropped, TeX delimiters dropped, spaces collapsed.

    Numbers keep the true minus sign the caption shows (screen readers say "minus").
    """
    match = _CAPTION.search(fragment)
    if match is None:
        return ""
    text = html.unescape(re.sub(r"<[^>]+>", "", match.group(1)))
    return true_minus(" ".join(_MATH.sub(lambda m: plain_tex(m.group(1)), text).split()))


_MATH = re.compile(r"\\\((.*?)\\\)", re.S)


def plain_tex(tex: str) -> str:
    """Inline TeX as words a screen reader can say (``z_2`` -> ``z2``)."""
    text = re.sub(r"\\(?:mathrm|operatorname|text|mathbf|mathit)\s*", "", tex)
    text = re.sub(r"\\([A-Za-z]+)", r"\1", text)
    text = text.replace("\\,", " ").replace("\\", "")
    text = re.sub(r"[{}_]", "", text)
    return text.replace("-", "\u2212")


def png_size(path: Path) -> tuple[int, int] | None:
    """Width and height of a PNG file, from its header."""
    try:
        with path.open("rb") as handle:
            head = handle.read(24)
    except OSError:
        return None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def _size_attributes(page: Path, src: str) -> str:
    size = png_size((page.parent / src).resolve())
    return f' width="{size[0]}" height="{size[1]}"' if size else ""


def merge_figure_pairs(text: str, page: Path) -> str:
    """Each light/dark pair of figures as one figure with a ``<picture>``."""
    count = 0

    def merge(match: re.Match) -> str:
        nonlocal count
        light_img = _IMG.search(match.group("light"))
        dark_img = _IMG.search(match.group("dark"))
        if light_img is None or dark_img is None:
            return match.group(0)
        count += 1
        alt = html.escape(caption_text(match.group("light")), quote=True)
        light, dark = light_img.group(1), dark_img.group(1)
        loading = "" if count == 1 else ' loading="lazy"'
        picture = (
            f'<picture><source srcset="{dark}" media="(prefers-color-scheme: dark)" '
            f'data-lossnotes-scheme="dark" />'
            f'<img alt="{alt}" class="dark-light" src="{light}"'
            f'{_size_attributes(page, light)} decoding="async"{loading} /></picture>'
        )
        body = match.group("light").replace(light_img.group(0), picture, 1)
        dark_id = match.group("dark_id")
        anchor = f'<span id="{dark_id}"></span>' if dark_id else ""
        classes = match.group(1).strip()
        name = match.group(2) or ""
        return f'<figure class="lossnotes-figure {classes}"{name}>{anchor}{body}</figure>'

    return _PAIR.sub(merge, text)


def caption_alt_text(text: str) -> str:
    """Any image of a figure still described by its file path gets the caption instead."""

    def describe(match: re.Match) -> str:
        inner = match.group(2)
        alt = caption_text(inner)
        if alt:
            described = f'<img alt="{html.escape(alt, quote=True)}"'
            inner = _FILE_ALT.sub(lambda _match: described, inner)
        return match.group(1) + inner + match.group(3)

    return _FIGURE_IMG.sub(describe, text)


# -- Numbers -------------------------------------------------------------------------------------

_NUMBER = r"[-+\u2212]?(?:\d[\d,]*(?:\.\d+)?|\.\d+)(?:e[-+\u2212]?\d+)?%?"
_PASTED = re.compile(r'<span class="pasted-text">([^<]*)</span>')
_CELL = re.compile(
    r"<td([^>]*)>(\s*(?:<p>)?)(" + _NUMBER + r"|[-\u2212]?inf|NaN|[-\u2212]0)((?:</p>)?\s*)</td>"
)


def true_minus(text: str) -> str:
    """Minus signs of numbers as U+2212 (a hyphen before a digit, or in an exponent)."""
    return re.sub(r"(?<![\w.])-(?=[\d.]|inf)|(?<=\de)-(?=\d)", "\u2212", text)


def display_number(text: str) -> str:
    """A number as the site writes it: true minus signs, exponents without padding."""
    from lossnotes.figures.labels import plain_exponent

    return true_minus(plain_exponent(text))


def number_style(text: str) -> str:
    """Glued values and numeric table cells: one line, one number style (display_number)."""
    text = _PASTED.sub(
        lambda m: f'<span class="pasted-text lossnotes-number">{display_number(m.group(1))}</span>',
        text,
    )

    def cell(match: re.Match) -> str:
        attributes = match.group(1)
        if "class=" in attributes:
            attributes = attributes.replace('class="', 'class="lossnotes-number ', 1)
        else:
            attributes += ' class="lossnotes-number"'
        number = display_number(match.group(3))
        return f"<td{attributes}>{match.group(2)}{number}{match.group(4)}</td>"

    return _CELL.sub(cell, text)


# -- Link previews ---------------------------------------------------------------------------------

_DESCRIPTION = re.compile(
    r'(<meta (?:name="description"|property="og:description"|name="twitter:description") '
    r'content=")([^"]*)(")'
)
_PREVIEW_ALT = re.compile(r'(<meta property="og:image:alt" content=")[^"]*(")')
_CJK = "\u3400-\u9fff"
_FULLWIDTH_OPEN = "（《「『“"
_FULLWIDTH_CLOSE = "，。；：、！？）》」』”"


def tidy_description(text: str) -> str:
    """A preview description (sphinxext-opengraph's) spaced as the page's text is.

    That extension joins a paragraph's pieces itself: it drops the space before a glued
    negative number ("starts at-1000", since "-" is punctuation to it) and puts one before
    Chinese punctuation ("-1 ，"). Numbers get the page's true minus sign.
    """
    text = re.sub(rf"(?<!\d)([A-Za-z{_CJK}])-(?=\d)", "\\1 -", text)
    text = re.sub(rf"\s+(?=[{_FULLWIDTH_CLOSE}])", "", text)
    text = re.sub(rf"(?<=[{_FULLWIDTH_OPEN}{_FULLWIDTH_CLOSE}])\s+", "", text)
    return true_minus(text)


def preview_tags(text: str, image_alt: str) -> str:
    """Descriptions tidied (:func:`tidy_description`); the preview image described."""
    text = _DESCRIPTION.sub(lambda m: m.group(1) + tidy_description(m.group(2)) + m.group(3), text)
    if image_alt:
        alt = html.escape(image_alt, quote=True)
        text = _PREVIEW_ALT.sub(lambda m: m.group(1) + alt + m.group(2), text)
    return text


def preview_alt(outdir: Path) -> str:
    """The preview image's description: the lead figure's caption, in the edition's language."""
    page, figure_id = PREVIEW_FIGURE
    html_path = outdir / page
    if not html_path.is_file():
        return ""
    match = re.search(
        rf'<figure[^>]*id="{figure_id}"[^>]*>(.*?)</figure>',
        html_path.read_text(encoding="utf-8"),
        re.S,
    )
    return caption_text(match.group(1)) if match else ""


# -- Pages -----------------------------------------------------------------------------------------


def inline_styles(text: str, styles: dict[str, str]) -> str:
    """The stylesheets named in ``styles`` written into the page (:data:`INLINE_STYLES`)."""
    toggled = has_toggle(text)
    if not toggled:
        text = _TOGGLE_SCRIPT.sub("", text)

    def style(match: re.Match) -> str:
        name = match.group(1)
        if name not in styles:
            return match.group(0)
        if name in TOGGLE_ONLY and not toggled:
            return ""
        if name == "translation-progress.css" and not _UNTRANSLATED.search(text):
            return ""  # marks untranslated passages: a page without one needs none of it
        return f'<style data-source="{name}">\n{styles[name].strip()}\n</style>'

    return _STYLESHEET.sub(style, text)


def rewrite_page(
    text: str,
    page: Path,
    icons: dict,
    search_page: bool,
    image_alt: str = "",
    styles: dict[str, str] | None = None,
    admonition_css: str = "",
) -> str:
    """One page as the reader's browser should receive it (see the module's docstring)."""
    if DONE in text:
        return text
    text = text.replace("<head>", "<head>\n" + DONE, 1)
    text = FONTAWESOME_SCRIPT.sub("", text)
    if search_page:
        text = text.replace(
            '<script src="_static/searchtools.js"></script>',
            '<script src="_static/searchtools.js"></script>\n'
            '<script defer src="_static/lossnotes-search-snippets.js"></script>',
            1,
        )
    else:
        text = SEARCH_SCRIPTS.sub("", text)
    text = merge_figure_pairs(text, page)
    text = caption_alt_text(text)
    text = number_style(text)
    text = preview_tags(text, image_alt)
    text = inline_styles(text, styles or {})
    if admonition_css and "admonition-title" in text:
        style = f'<style data-source="admonition-icons">\n{admonition_css}\n</style>\n'
        text = text.replace("</head>", style + "</head>", 1)
    return _ICON_ELEMENT.sub(
        lambda m: inline_icon(m.group(2), m.group(3), icons) or m.group(0), text
    )


def _fontawesome_bundle() -> Path:
    import pydata_sphinx_theme

    return (
        Path(pydata_sphinx_theme.__file__).parent
        / "theme"
        / "pydata_sphinx_theme"
        / "static"
        / "scripts"
        / "fontawesome.js"
    )


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists():
        path.unlink()


def prune(outdir: Path) -> None:
    """Remove what no page requests: source maps and Font Awesome's script."""
    static = outdir / "_static"
    for part in THEME_UNREQUESTED:
        _remove(static / part)
    for source_map in static.rglob("*.map"):
        source_map.unlink()
    for asset in [*static.rglob("*.js"), *static.rglob("*.css")]:
        if asset.stat().st_size > 5_000_000:
            continue
        data = asset.read_text(encoding="utf-8", errors="surrogateescape")
        stripped = SOURCE_MAP.sub("", data)
        if stripped != data:
            asset.write_text(stripped, encoding="utf-8", errors="surrogateescape")


def publish_preview(outdir: Path) -> Path | None:
    """Copy the lead figure's light PNG to :data:`PREVIEW_IMAGE`; the path written, if any."""
    page, figure_id = PREVIEW_FIGURE
    html_path = outdir / page
    if not html_path.is_file():
        return None
    text = html_path.read_text(encoding="utf-8")
    match = re.search(rf'<figure[^>]*id="{figure_id}"[^>]*>.*?<img [^>]*src="([^"]+)"', text, re.S)
    if match is None:
        return None
    source = (html_path.parent / match.group(1)).resolve()
    target = outdir / PREVIEW_IMAGE
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def _rewrite_edition(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    icons = icon_data(_fontawesome_bundle())
    admonition_css = admonition_icon_css(icons)
    image_alt = preview_alt(outdir)
    static = outdir / "_static"
    styles = {
        name: _CSS_COMMENT.sub("", (static / name).read_text(encoding="utf-8"))
        for name in INLINE_STYLES
        if (static / name).is_file()
    }
    for page in outdir.rglob("*.html"):
        relative = page.relative_to(outdir)
        if relative.parts[0].startswith("_"):
            continue
        text = page.read_text(encoding="utf-8")
        search_page = relative.as_posix() == "search.html"
        rewritten = rewrite_page(text, page, icons, search_page, image_alt, styles, admonition_css)
        if rewritten != text:
            page.write_text(rewritten, encoding="utf-8")
    prune(outdir)
    for name in styles:  # every page has them inline now
        (static / name).unlink()
    if app.config.ogp_image == PREVIEW_IMAGE and publish_preview(outdir) is None:
        # A project without the landing page's lead figure (a test project) has no preview.
        logger.info("no figure %r on %s to preview", PREVIEW_FIGURE[1], PREVIEW_FIGURE[0])


# -- Configuration ------------------------------------------------------------------------------


def _configure(app: Sphinx, config: Any) -> None:
    # The search page ranks a page whose title or text matches above an API entry.
    if not config.html_search_scorer:
        config.html_search_scorer = str(HERE / "search_scorer.js")
    # No search-as-you-type box: the index is loaded only by the search page.
    theme_options = dict(config.html_theme_options or {})
    theme_options.setdefault("search_as_you_type", False)
    config.html_theme_options = theme_options
    # Link previews (sphinxext-opengraph) show the landing page's lead figure.
    if "ogp_image" in config and not config.ogp_image:
        config.ogp_image = PREVIEW_IMAGE


def _chrome_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Theme strings that the theme words in Python, through the site's catalogs."""
    from sphinx.locale import _

    context["theme_search_bar_text"] = _("Search") + "…"


def site_link_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{site-link}`words <key>```: a link to the page ``site_links[key]`` names.

    The site's outside addresses (the note it checks, its repository) are configuration,
    not page text: where one is not configured, the words stand without a link.
    """
    from docutils import nodes
    from docutils.utils import unescape

    match = re.fullmatch(r"(.*?)\s*<([\w-]+)>", unescape(text), re.S)
    if match is None:
        message = inliner.reporter.error(
            f"site-link must read `words <key>`, got {text!r}", line=lineno
        )
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    words, key = " ".join(match.group(1).split()), match.group(2)
    links = inliner.document.settings.env.config.site_links
    if key not in links:
        message = inliner.reporter.error(
            f"site-link: unknown key {key!r}; site_links has {sorted(links)}", line=lineno
        )
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    if links[key]:
        return [nodes.reference(rawtext, words, refuri=links[key])], []
    return [nodes.inline(rawtext, words, classes=["lossnotes-unlinked"])], []


def page_code_digest() -> str:
    """A digest of what writes into every page besides its source: the site's stylesheets
    and scripts (written inline, or linked with a version) and the extensions under
    ``docs/_ext`` (head scripts, typeset formulas, the rewrite above). Sphinx does not see an
    edited extension; an "html" configuration value that changes makes it write every page
    again (in seconds: nothing is read or executed again)."""
    import hashlib

    digest = hashlib.sha256()
    static = HERE.parent / "_static"
    files = [*static.glob("*.css"), *static.glob("*.js"), *HERE.glob("*.py"), *HERE.glob("*.js")]
    for path in sorted(files):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("site_links", {}, "env", types=frozenset({dict}))
    app.add_config_value("site_page_code", page_code_digest(), "html", types=frozenset({str}))
    app.add_role("site-link", site_link_role)
    app.connect("config-inited", _configure)
    app.connect("html-page-context", _chrome_context, priority=900)
    app.connect("build-finished", _rewrite_edition, priority=900)
    app.add_css_file("lossnotes-pages.css")
    app.add_js_file(None, body=EARLY_SCHEME_JS)
    app.add_js_file("lossnotes-pages.js", loading_method="defer")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


#: Runs in the page's head, before the text and figures are parsed.
#:
#: - The theme writes ``data-theme="auto"`` there and resolves it to light or dark only when
#:   its script runs, after the first paint; its light and dark rules (inline code's border
#:   among them) then apply late, and text reflows: a layout shift of 0.29 on the API page
#:   (Lighthouse, mobile). The scheme is resolved here as the theme resolves it.
#: - The page says that scripts run (``html.lossnotes-scripts``): the explorer keeps its
#:   place from the first paint (explorer.css), though its script builds it later.
#: - When the reader has chosen a scheme with the theme's toggle (stored by the theme as
#:   ``localStorage.mode``), each figure's dark ``<source>`` follows that choice instead of the
#:   system's preference, so the browser's first fetch is already the copy the reader sees.
EARLY_SCHEME_JS = """(function () {
  var root = document.documentElement;
  root.classList.add("lossnotes-scripts");
  var mode = root.dataset.mode;
  if (root.dataset.theme !== "light" && root.dataset.theme !== "dark") {
    var dark = window.matchMedia("(prefers-color-scheme: dark)").matches;
    root.dataset.theme = mode === "light" || mode === "dark" ? mode : dark ? "dark" : "light";
  }
  if (mode !== "light" && mode !== "dark") return;
  var media = mode === "dark" ? "all" : "not all";
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (node.nodeName === "SOURCE" && node.hasAttribute("data-lossnotes-scheme")) {
          node.media = media;
        }
      });
    });
  }).observe(document.documentElement, {childList: true, subtree: true});
})();"""
