"""Heatmap figures, the figures' themes and fonts, and their wording in both languages."""

from __future__ import annotations

import io
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from matplotlib import font_manager
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from lossnotes import evaluate_surface
from lossnotes.figures import THEMES, loss_heatmap, loss_heatmaps
from lossnotes.figures._style import CJK_FAMILY, rc
from lossnotes.figures.png import png_bytes
from lossnotes.validation import InputError
from lossnotes.wording import UntranslatedWarning, catalog_path, translator

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def surfaces():
    return [evaluate_surface(name, 0) for name in ("cross_entropy", "mse")]


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=60, metadata={"Software": None})
    return out.getvalue()


def test_heatmaps_have_titles_labels_and_colour_bars(surfaces):
    fig = loss_heatmaps(surfaces, lang="en", theme="light")
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == ["Cross-entropy", "MSE"]
    assert all(ax.get_xlabel() == "logit $z_0$ (class 0)" for ax in panels)
    colour_bars = [bar for ax in fig.axes for bar in ax.child_axes]
    assert [ax.get_ylabel() for ax in colour_bars] == ["Cross-entropy loss", "MSE loss"]
    assert "class 0" in fig.get_suptitle() and "\u22121000" in fig.get_suptitle()
    image = panels[1].get_images()[0]
    assert image.get_array().shape == (100, 100)
    assert image.get_extent() == [-10.0, 10.0, -10.0, 10.0]
    assert image.origin == "lower" and image.get_cmap().name == "viridis"


def test_one_heatmap_draws_on_a_given_axes(surfaces):
    fig = Figure()
    ax = fig.subplots()
    assert loss_heatmap(surfaces[1], ax, lang="en", theme="dark") is fig
    assert ax.get_title() == "MSE" and len(ax.child_axes) == 1  # its colour bar
    # the scheme applies to what the function made (the colour bar), not to the caller's figure
    bar = ax.child_axes[0]
    assert to_hex(bar.yaxis.label.get_color()) == rc("dark", "en")["text.color"]
    assert to_hex(fig.get_facecolor()) == "#ffffff"
    own = loss_heatmap(surfaces[1], lang="zh_CN", theme="light")
    assert own.axes[0].get_title() == "MSE"


def test_chinese_heatmaps_use_the_cjk_font_and_render_without_missing_glyphs(surfaces):
    fig = loss_heatmaps(surfaces, lang="zh_CN", theme="light")
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == ["交叉熵", "MSE"]
    label = panels[0].xaxis.label
    assert label.get_text() == "类别 0 的 logit $z_0$"
    path = font_manager.findfont(label.get_fontproperties(), fallback_to_default=False)
    assert Path(path).name == "NotoSansCJK-Regular.ttc"
    assert CJK_FAMILY in label.get_fontproperties().get_family()
    tick = panels[0].get_xticklabels()[0]
    assert tick.get_fontproperties().get_family()[0] == CJK_FAMILY
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        zh = _png(fig)
    en = _png(loss_heatmaps(surfaces, lang="en", theme="light"))
    assert zh[:8] == b"\x89PNG\r\n\x1a\n" and zh != en


def test_a_missing_glyph_is_an_error_not_a_box(surfaces):
    fig = loss_heatmaps(surfaces, lang="zh_CN", theme="light")
    fig.text(0.5, 0.5, "\U00017000", fontfamily=[CJK_FAMILY, "DejaVu Sans"])  # Tangut
    with pytest.raises(UserWarning, match="missing from font"):
        _png(fig)


def _text_colours(fig: Figure) -> set[str]:
    """The colour of every visible piece of text, tick and frame of ``fig``."""
    colours = set()
    for text in fig.findobj(lambda a: hasattr(a, "get_text") and a.get_visible()):
        if text.get_text():
            colours.add(to_hex(text.get_color()))
    for ax in fig.axes:
        for tick in ax.xaxis.get_major_ticks() + ax.yaxis.get_major_ticks():
            colours.add(to_hex(tick.tick1line.get_color()))
        colours |= {to_hex(s.get_edgecolor()) for s in ax.spines.values() if s.get_visible()}
    for legend in fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]:
        colours.add(to_hex(legend.get_frame().get_edgecolor()))
    return colours


@pytest.mark.parametrize("theme", THEMES)
def test_the_theme_colours_text_ticks_and_frames(surfaces, theme):
    scheme = rc(theme, "en")
    fig = loss_heatmaps(surfaces, lang="en", theme=theme)
    assert to_hex(fig.get_facecolor()) == scheme["figure.facecolor"]
    assert {to_hex(ax.get_facecolor()) for ax in fig.axes} == {scheme["axes.facecolor"]}
    assert _text_colours(fig) == {scheme["text.color"]}
    # drawing or saving later, outside the theme, changes nothing
    _png(fig)
    assert _text_colours(fig) == {scheme["text.color"]}


def test_an_unknown_theme_or_language_is_an_input_error(surfaces):
    with pytest.raises(InputError, match="theme must be one of light, dark; got 'sepia'"):
        loss_heatmaps(surfaces, lang="en", theme="sepia")
    with pytest.raises(InputError, match="lang must be one of en, zh_CN; got 'fr'"):
        loss_heatmaps(surfaces, lang="fr", theme="light")
    with pytest.raises(TypeError, match="lang"):
        loss_heatmaps(surfaces, theme="light")  # the language is never implied


def test_heatmaps_reject_mixed_targets_with_a_translatable_error(surfaces):
    with pytest.raises(InputError, match="surfaces must share one grid and one target") as info:
        loss_heatmaps([surfaces[0], evaluate_surface("mse", 2)], lang="en", theme="light")
    assert info.value.translated(translator("zh_CN")) == "surfaces 必须使用同一网格和同一目标类别"
    with pytest.raises(InputError, match="at least one Surface"):
        loss_heatmaps([], lang="en", theme="light")


def test_translator_reads_a_catalog_and_warns_on_a_gap(tmp_path):
    catalog = tmp_path / "lossnotes.po"
    catalog.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "MSE"\nmsgstr "均方误差"\n\n'
        '#, fuzzy\nmsgid "Loss"\nmsgstr "旧译文"\n',
        encoding="utf-8",
    )
    _ = translator("zh_CN", catalog=catalog)
    assert _("MSE") == "均方误差"
    with pytest.warns(UntranslatedWarning, match="no zh_CN translation for 'Loss'"):
        assert _("Loss") == "Loss"  # fuzzy entries are not used, as in Sphinx
    assert translator("en")("Loss") == "Loss"
    with pytest.raises(InputError, match="lang must be one of en, zh_CN"):
        translator("fr")


def test_the_catalog_is_package_data_and_the_file_translators_edit():
    path = catalog_path("zh_CN")
    package = Path(sys.modules["lossnotes"].__file__).parent
    assert path == package / "locale" / "zh_CN" / "LC_MESSAGES" / "lossnotes.po"
    if (ROOT / "src" / "lossnotes").resolve() == package.resolve():  # a checkout
        edited = ROOT / "locale" / "zh_CN" / "LC_MESSAGES" / "lossnotes.po"
        assert path.resolve() == edited.resolve()
    assert translator("zh_CN")("Cross-entropy") == "交叉熵"


def test_the_library_reads_no_language_from_the_environment(monkeypatch, surfaces):
    monkeypatch.setenv("LOSSNOTES_LANG", "zh_CN")
    monkeypatch.setenv("LOSSNOTES_LOCALE_DIR", "/nonexistent")
    fig = loss_heatmaps(surfaces, lang="en", theme="light")
    assert fig.axes[0].get_title() == "Cross-entropy"
    package = ROOT / "src" / "lossnotes"
    source = "\n".join(
        p.read_text() for p in [*package.glob("figures/*.py"), package / "wording.py"]
    )
    assert "environ" not in source.replace("environment", "") and "getenv(" not in source
    # The command line, on top, is the one place that touches the environment: argparse
    # reads its messages through gettext in the language LANGUAGE names, so cli.py sets it
    # while parsing --lang and restores it (tests/test_cli.py checks that).
    library = [p for p in package.rglob("*.py") if p.name != "cli.py"]
    below_cli = "\n".join(p.read_text() for p in library)
    assert "os.environ" not in below_cli and "getenv(" not in below_cli
    everything = "\n".join(p.read_text() for p in package.rglob("*.py"))
    assert "LOSSNOTES_" not in everything


def test_import_lossnotes_loads_no_matplotlib():
    code = (
        "import sys, lossnotes, lossnotes.wording, lossnotes.cli\n"
        "lossnotes.cross_entropy([0.0, 1.0], 0)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'PIL')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    code = "import sys, lossnotes.figures; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"  # the check above can fail


# -- Designed for the content column (sizes, text overlap, PNG encoding) -------------------


def test_figure_text_is_legible_on_a_phone_and_not_oversized_on_a_desktop():
    from lossnotes.figures import sizes

    phone = sizes.shown_text_px(sizes.FONT_SIZE, sizes.COLUMN_PX[390])
    desktop = sizes.shown_text_px(sizes.FONT_SIZE, sizes.COLUMN_PX[1400])
    assert phone >= sizes.MIN_TEXT_PX, phone  # 9.06 CSS px
    assert desktop <= sizes.MAX_TEXT_RATIO * sizes.BODY_TEXT_PX, desktop  # 20.3 CSS px
    # the old figures (10 inches at 110 dpi, 10-point text) failed on a phone
    assert sizes.shown_text_px(10, sizes.COLUMN_PX[390], width=10, dpi=110) < 5


def test_every_figure_is_as_wide_as_designed_with_its_text_at_the_designed_size(surfaces):
    from lossnotes.figures import sizes

    for lang in ("en", "zh_CN"):
        fig = loss_heatmaps(surfaces, lang=lang, theme="light")
        assert fig.get_figwidth() == sizes.WIDTH and fig.dpi == sizes.DPI
        pixels = png_size(png_bytes(fig))[0]
        assert pixels == round(sizes.WIDTH * sizes.DPI)
        shown = min(sizes.COLUMN_PX[390], pixels)
        for text in drawn_texts(fig):
            size_px = text.get_fontsize() * sizes.DPI / 72 * shown / pixels
            assert size_px >= sizes.MIN_TEXT_PX, (text.get_text(), size_px)


def png_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.size


def all_axes(fig: Figure) -> list:
    return [a for ax in fig.axes for a in (ax, *ax.child_axes)]


def drawn_texts(fig: Figure) -> list:
    """Every text matplotlib draws for ``fig``: titles, labels, tick labels in view, legends."""
    from matplotlib.text import Text

    fig.draw_without_rendering()
    tick_labels, drawn = set(), []
    for ax in all_axes(fig):
        if not ax.get_visible():
            continue
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.majorTicks + axis.minorTicks:
                tick_labels |= {id(tick.label1), id(tick.label2)}
            low, high = sorted(axis.get_view_interval())
            slack = 1e-9 * max(abs(low), abs(high))
            for minor in (False, True):
                locs, labels = axis.get_ticklocs(minor=minor), axis.get_ticklabels(minor=minor)
                pairs = zip(locs, labels, strict=True)
                drawn += [t for loc, t in pairs if low - slack <= loc <= high + slack]
    texts = [t for t in fig.findobj(Text) if id(t) not in tick_labels] + drawn
    return [
        t
        for t in texts
        if t.get_visible() and t.get_text().strip() and (t.axes is None or t.axes.get_visible())
    ]


def overlaps(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of texts, or of a text and a panel or colour bar not its own, whose boxes meet."""
    boxes = [(t, t.get_window_extent()) for t in drawn_texts(fig)]
    found = []
    for i, (a, box) in enumerate(boxes):
        for b, other in boxes[i + 1 :]:
            both = box.intersection(box, other)
            if both is not None and min(both.width, both.height) > 0.5:
                found.append((a.get_text(), b.get_text()))
        for ax in all_axes(fig):
            if ax.get_visible() and ax is not a.axes:
                both = box.intersection(box, ax.get_window_extent())
                if both is not None and min(both.width, both.height) > 0.5:
                    found.append((a.get_text(), f"axes {ax.get_label()}"))
    return found


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_no_text_overlaps_another_element(surfaces, lang):
    import lossnotes
    from lossnotes.descent import descend
    from lossnotes.figures.training import descent_paths

    grid = lossnotes.Grid(low=-20.0, high=1010.0, resolution=41, fixed_logit=0.0)
    pair = [evaluate_surface(loss, 2, grid) for loss in ("cross_entropy", "mse")]
    runs = [descend(loss, [0.0, 0.0, -1000.0], 2, lr=1.0, steps=800) for loss in pair_names()]
    figures = [
        loss_heatmaps(surfaces, lang=lang, theme="light"),
        loss_heatmaps([evaluate_surface(n, 2) for n in pair_names()], lang=lang, theme="dark"),
        # the English descent paths' subtitles once ran under the colour bars
        descent_paths(pair, runs, relative_to=2, lang=lang, theme="light"),
    ]
    for fig in figures:
        assert drawn_texts(fig)
        assert overlaps(fig) == []
    # the check can fail: a title over the neighbouring panel
    fig = loss_heatmaps(surfaces, lang=lang, theme="light")
    fig.axes[0].set_title("a title far wider than its panel " * 3)
    assert overlaps(fig)


def pair_names() -> tuple[str, str]:
    return ("cross_entropy", "mse")


def test_colour_difference_pair_by_pair_is_the_per_pixel_formula(surfaces):
    import numpy as np

    from lossnotes.figures.png import _lab, _rgb, delta_e

    exact = _rgb(loss_heatmaps(surfaces, lang="en", theme="light"))
    rng = np.random.default_rng(7)
    noisy = exact.copy()
    noisy[::3] = rng.integers(0, 256, noisy[::3].shape, dtype=np.uint8)
    for a, b in ((exact, noisy), (noisy, exact), (exact, exact)):
        expected = np.linalg.norm(_lab(a) - _lab(b), axis=-1)
        assert np.array_equal(delta_e(a, b), expected)
    # black against white is the whole lightness axis: L* from 0 to 100
    black, white = np.zeros((1, 2, 3), np.uint8), np.full((1, 2, 3), 255, np.uint8)
    assert delta_e(black, white) == pytest.approx(np.full((1, 2), 100.0), abs=0.01)


def _longest_empty_band(pixels) -> int:
    """The most consecutive pixel rows that hold nothing but the background colour."""
    empty = (pixels == pixels[0, 0]).all(axis=(1, 2))
    longest = run = 0
    for row in empty:
        run = run + 1 if row else 0
        longest = max(longest, run)
    return longest


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_figure_keeps_no_empty_band_between_its_rows(lang):
    """Once, a first shorter try that narrowed the panels left these at their starting
    height, 960 px, with bands of some 100 empty rows between the rows of panels."""
    import lossnotes
    from lossnotes.figures.explore import EXPLORE_FIXED_LOGITS, surface_panels
    from lossnotes.figures.png import _rgb
    from lossnotes.figures.sizes import DPI

    for loss in ("cross_entropy", "mse"):
        surfaces = [
            evaluate_surface(loss, 2, lossnotes.Grid(fixed_logit=f)) for f in EXPLORE_FIXED_LOGITS
        ]
        pixels = _rgb(surface_panels(surfaces, lang=lang, theme="light"))
        assert pixels.shape[0] < 6.2 * DPI, (loss, pixels.shape)
        assert _longest_empty_band(pixels) < 0.3 * DPI, loss


def test_a_saved_figure_is_the_layout_that_was_fitted(surfaces):
    fig = loss_heatmaps(surfaces, lang="zh_CN", theme="dark")
    fitted = [ax.get_position().bounds for ax in fig.axes]
    height = fig.get_figheight()
    first, second = png_bytes(fig), png_bytes(fig)
    assert first == second
    assert [ax.get_position().bounds for ax in fig.axes] == fitted
    assert fig.get_figheight() == height


@pytest.mark.parametrize("theme", THEMES)
def test_pngs_are_palette_quantised_where_no_one_can_see_it(surfaces, theme):
    import numpy as np
    from PIL import Image

    from lossnotes.figures.png import JUST_NOTICEABLE, _rgb, delta_e, encode_png

    fig = loss_heatmaps(surfaces, lang="zh_CN", theme=theme)
    exact = _rgb(fig)
    data = encode_png(exact)
    rgba = io.BytesIO()
    fig.savefig(rgba, format="png", metadata={"Software": None})
    assert len(data) < 0.45 * len(rgba.getvalue())
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "P" and image.size == (768, exact.shape[0])
        shown = np.asarray(image.convert("RGB"))
    assert np.quantile(delta_e(exact, shown), 0.99) <= JUST_NOTICEABLE
    assert encode_png(exact) == data  # reproducible
    assert png_bytes(fig)[:8] == data[:8]
    # the page's background comes out exactly
    assert tuple(shown[0, 0]) == tuple(
        int(rc(theme, "en")["figure.facecolor"][i : i + 2], 16) for i in (1, 3, 5)
    )


def test_lines_keep_the_schemes_colours_when_saved_outside_it():
    from lossnotes.descent import descend
    from lossnotes.figures.training import gap_curves

    run = descend("mse", [0.0, 0.0, -10.0], 2, 1.0, 20)
    fig = gap_curves([run], lang="en", theme="dark")
    _png(fig)
    line = fig.axes[0].get_lines()[0]
    assert to_hex(line.get_color()) == rc("dark", "en")["axes.prop_cycle"].by_key()["color"][1]
