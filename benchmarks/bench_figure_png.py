"""Bytes and visible difference of PNG encodings of the site's figures, light and dark.

Prints, per figure and encoding, the size relative to the RGBA PNG matplotlib
writes and the CIE76 colour difference (99th percentile and maximum) against
the exact pixels: the measurement behind lossnotes.figures.png. Then the time of
that colour difference, pixel by pixel against once per distinct pair of colours
(how lossnotes.figures.png.delta_e computes it), on the same figures.
"""

from __future__ import annotations

import io
import time

import numpy as np
from PIL import Image

import lossnotes
from lossnotes.closed_forms import CASES, cliff
from lossnotes.figures import loss_heatmaps
from lossnotes.figures.gradients import gradient_arrows, gradient_norm_maps
from lossnotes.figures.png import _lab, _palette, _rgb, delta_e, png_bytes
from lossnotes.figures.sections import profile_figure


def encodings(pixels: np.ndarray) -> dict[str, bytes]:
    image = Image.fromarray(pixels)
    out = {}
    for name, method in (
        ("palette, median cut", Image.Quantize.MEDIANCUT),
        ("palette, max coverage + k-means", Image.Quantize.MAXCOVERAGE),
    ):
        kmeans = 3 if "k-means" in name else 0
        buffer = io.BytesIO()
        image.quantize(256, method=method, kmeans=kmeans, dither=0).save(
            buffer, "PNG", optimize=True
        )
        out[name] = buffer.getvalue()
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", lossless=True, quality=100, method=6)
    out["lossless WebP"] = buffer.getvalue()
    return out


def main() -> None:
    surfaces = {case: lossnotes.evaluate_surface(*case) for case in CASES}
    figures = {
        "heatmaps": lambda t: loss_heatmaps([surfaces[c] for c in CASES[:2]], lang="en", theme=t),
        "gradient norms": lambda t: gradient_norm_maps(list(surfaces.values()), lang="en", theme=t),
        "arrows": lambda t: gradient_arrows(
            [surfaces[("cross_entropy", 2)], surfaces[("mse", 2)]], lang="en", theme=t
        ),
        "profiles": lambda t: profile_figure(
            list(surfaces.values()), band=cliff("mse", 0), lang="en", theme=t
        ),
    }
    timings = []
    print(
        f"{'figure':16} {'scheme':6} {'encoding':32} {'bytes':>8} {'ratio':>6} "
        f"{'dE p99':>7} {'dE max':>7}"
    )
    for name, draw in figures.items():
        for theme in ("light", "dark"):
            fig = draw(theme)
            rgba = io.BytesIO()
            fig.savefig(rgba, format="png", metadata={"Software": None})
            base = len(rgba.getvalue())
            pixels = _rgb(fig)
            rows = {"RGBA PNG (matplotlib)": rgba.getvalue(), **encodings(pixels)}
            rows["lossnotes.figures.png"] = png_bytes(fig)
            for encoding, data in rows.items():
                with Image.open(io.BytesIO(data)) as image:
                    shown = np.asarray(image.convert("RGB"))
                de = delta_e(pixels, shown)
                print(
                    f"{name:16} {theme:6} {encoding:32} {len(data):8d} {len(data) / base:6.2f} "
                    f"{np.quantile(de, 0.99):7.2f} {de.max():7.2f}"
                )
            timings.append(_time_difference(pixels))
    per_pixel, per_pair = (sum(column) for column in zip(*timings, strict=True))
    print(
        f"\ncolour difference of {len(timings)} figures against their palette: "
        f"every pixel {per_pixel:.3f} s, each distinct pair {per_pair:.3f} s "
        f"(ratio {per_pair / per_pixel:.2f})"
    )


def _time_difference(pixels: np.ndarray) -> tuple[float, float]:
    """Seconds for CIE76 of ``pixels`` against their palette: every pixel, then delta_e."""
    shown = np.asarray(_palette(Image.fromarray(pixels)).convert("RGB"))
    start = time.perf_counter()
    every = np.linalg.norm(_lab(pixels) - _lab(shown), axis=-1)
    middle = time.perf_counter()
    pairs = delta_e(pixels, shown)
    end = time.perf_counter()
    assert np.array_equal(every, pairs)
    return middle - start, end - middle


if __name__ == "__main__":
    main()
