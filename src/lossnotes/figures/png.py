"""The one place figures become PNG files: a 256-colour palette where no one can see it.

Measured on the site's figures, light and dark (``benchmarks/bench_figure_png.py``
prints the table), against the RGBA PNG matplotlib writes:

==========================  ==============  ==============================
encoding                    bytes           colour difference (CIE76 ΔE)
==========================  ==============  ==============================
RGBA PNG (matplotlib)       100 %           0
palette, median cut         28-38 %         up to 42; 99.9th pct. up to 27
palette, max coverage       27-35 %         up to 14; 99.9th pct. 1.3-6.9
  + k-means (3 passes)
lossless WebP               23-43 %         0 (myst-nb writes no WebP)
==========================  ==============  ==============================

The palette (Pillow's maximum-coverage quantiser refined by three k-means
passes, no dithering) is kept when it changes no more than one pixel in a
hundred by more than ΔE 2.3, a just-noticeable difference; otherwise
(the arrow figures: thousands of blended arrow-edge colours) the image is
written losslessly in RGB. Either way the PNG has no text chunks, so two builds
of one commit give identical files.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from PIL import Image

__all__ = ["JUST_NOTICEABLE", "delta_e", "encode_png", "png_bytes", "save_png"]

#: CIE76 colour difference at which two colours just look different.
JUST_NOTICEABLE = 2.3
_SHARE = 0.99  # the share of pixels that must stay within JUST_NOTICEABLE


def _lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of 8-bit sRGB pixels."""
    c = rgb.astype(np.float64) / 255
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    srgb_to_xyz = np.array(
        [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
    )
    xyz = c @ srgb_to_xyz.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )


def _packed(rgb: np.ndarray) -> np.ndarray:
    """8-bit RGB pixels as one integer each, ``0xRRGGBB``."""
    c = rgb.astype(np.uint64)
    return (c[..., 0] << 16) | (c[..., 1] << 8) | c[..., 2]


def _unpacked(code: np.ndarray) -> np.ndarray:
    """Integers ``0xRRGGBB`` as 8-bit RGB pixels (the inverse of :func:`_packed`)."""
    return np.stack([(code >> 16) & 255, (code >> 8) & 255, code & 255], axis=-1).astype(np.uint8)


def delta_e(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """CIE76 colour difference, pixel by pixel, of two 8-bit RGB images of one shape.

    Each distinct pair of colours is converted once: a figure of some 500,000
    pixels holds a few thousand such pairs, so this takes 0.1 to 0.13 of the
    time of converting every pixel (``benchmarks/bench_figure_png.py`` prints
    both).
    """
    pairs = (_packed(a) << np.uint64(24)) | _packed(b)
    unique, inverse = np.unique(pairs.ravel(), return_inverse=True)
    first, second = _unpacked(unique >> np.uint64(24)), _unpacked(unique & np.uint64(0xFFFFFF))
    difference = np.linalg.norm(_lab(first) - _lab(second), axis=-1)
    return difference[inverse].reshape(pairs.shape)


def _rgb(fig: Figure) -> np.ndarray:
    """The figure's pixels at its own resolution, as 8-bit RGB."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="rgba", dpi="figure")
    width = round(fig.bbox.width)
    rgba = np.frombuffer(buffer.getvalue(), dtype=np.uint8).reshape(-1, width, 4)
    return np.ascontiguousarray(rgba[..., :3])


def png_bytes(fig: Figure) -> bytes:
    """The figure as a PNG at its own resolution (its ``dpi``), palette-quantised if unseen.

    Figures are opaque (the page's background), so no alpha channel is written.
    """
    return encode_png(_rgb(fig))


def _palette(image: Image.Image) -> Image.Image:
    """The image in 256 colours: maximum coverage refined by three k-means passes, no dither."""
    from PIL import Image

    return image.quantize(
        256, method=Image.Quantize.MAXCOVERAGE, kmeans=3, dither=Image.Dither.NONE
    )


def encode_png(pixels: np.ndarray) -> bytes:
    """8-bit RGB pixels as a PNG: a 256-colour palette unless it would be seen (see above)."""
    from PIL import Image

    image = Image.fromarray(pixels)
    palette = _palette(image)
    difference = delta_e(pixels, np.asarray(palette.convert("RGB")))
    if np.quantile(difference, _SHARE) > JUST_NOTICEABLE:
        palette = image
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)
    return out.getvalue()


def save_png(fig: Figure, path: str | Path) -> None:
    """Write the figure to ``path`` as :func:`png_bytes` encodes it."""
    Path(path).write_bytes(png_bytes(fig))
