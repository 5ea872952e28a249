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
    colour_bars = [ax for ax in fig.axes if ax.get_ylabel().endswith("loss")]
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
    assert ax.get_title() == "MSE" and len(fig.axes) == 2  # the panel and its colour bar
    # the scheme applies to what the function made (the colour bar), not to the caller's figure
    bar = fig.axes[1]
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
    # The command line, on top, is the one place that touches the environment: argparse
    # reads its messages through gettext in the language LANGUAGE names, so cli.py sets it
    # while parsing --lang and restores it (tests/test_cli.py checks that).
    library = [
        p for p in (ROOT / "src" / "lossnotes").rglob("*.py") if p.name not in ("cli.py",)
    ]
    source = "\n".join(p.read_text() for p in library)
    assert "os.environ" not in source and "getenv(" not in source


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
