"""lossnotes' losses and gradients against what a careful user writes with scipy.special.

Prints, in one run:

* the time of both losses and both gradients on the note's 1000 x 1000 x 3 grid
  (float64; class 2 held at -1000, the bad start, and at -5; targets 0 and 2):
  lossnotes (``loss_and_grad`` for the cross-entropy, then for the MSE) and the
  same four quantities written with ``scipy.special.log_softmax`` and
  ``softmax``, and the ratio of the two. Targets: a ratio of at most 1 with
  class 2 at -1000, at most 1.5 with it at -5;
* the worst relative error of each of the four quantities, for both, against a
  400-digit mpmath reference on a few hundred hard points (tiny losses, logits
  of a few hundred, gaps of 1e15 and 1e300, ``-inf`` logits, points next to a
  sign change of an MSE gradient entry), over the entries whose exact value is
  a normal number (an exact value beyond the largest float must come out
  ``inf``). lossnotes promises at most 1e-12.

Times are the best of interleaved repeats (each repeat times every task once,
so a changing machine load affects all of them alike), in wall time and in CPU
time; the machine may be shared, so run it a few times and read the range. Run
with ``python benchmarks/bench_losses.py`` (``make bench``); it needs scipy and
mpmath (the ``test`` extra).
"""

from __future__ import annotations

import argparse
import math
import time
import warnings

import mpmath as mp
import numpy as np
from scipy.special import log_softmax, softmax

from lossnotes import Grid, loss_and_grad

RESOLUTION = 1000
FIXED = (-1000.0, -5.0)
TARGETS = (0, 2)
#: The largest ratio to scipy's time allowed for each fixed logit.
TARGET_RATIO = {-1000.0: 1.0, -5.0: 1.5}
QUANTITIES = ("cross_entropy", "cross_entropy_grad", "mse", "mse_grad")
DIGITS = 400


# ------------------------------------------------------------------ the two methods


def with_lossnotes(z: np.ndarray, t: int) -> tuple[np.ndarray, ...]:
    """The four quantities from lossnotes: one call per loss."""
    ce, ce_grad = loss_and_grad("cross_entropy", z, t)
    m, m_grad = loss_and_grad("mse", z, t)
    return ce, ce_grad, m, m_grad


def with_scipy(z: np.ndarray, t: int) -> tuple[np.ndarray, ...]:
    """The four quantities as a careful user writes them with scipy.special."""
    k = z.shape[-1]
    y = np.arange(k) == t
    ce = -log_softmax(z, axis=-1)[..., t]
    p = softmax(z, axis=-1)
    a = p - y  # the cross-entropy gradient, p - y
    m = np.mean(a * a, axis=-1)
    c = np.sum(a * p, axis=-1, keepdims=True)
    m_grad = (2 / k) * p * (a - c)
    return ce, a, m, m_grad


# ------------------------------------------------------------------------- speed


def best_times(tasks: dict, repeats: int) -> tuple[dict, dict]:
    """Best wall and CPU time of each task over interleaved repeats, in seconds."""
    wall = dict.fromkeys(tasks, math.inf)
    cpu = dict.fromkeys(tasks, math.inf)
    for _ in range(repeats):
        for key, task in tasks.items():
            w, c = time.perf_counter(), time.process_time()
            task()
            cpu[key] = min(cpu[key], time.process_time() - c)
            wall[key] = min(wall[key], time.perf_counter() - w)
    return wall, cpu


def speed(repeats: int) -> bool:
    """Print the time table; return whether every ratio meets its target."""
    tasks = {}
    for fixed in FIXED:
        logits = Grid(-10.0, 10.0, RESOLUTION, fixed).logits()
        for t in TARGETS:
            tasks[fixed, t, "lossnotes"] = lambda z=logits, t=t: with_lossnotes(z, t)
            tasks[fixed, t, "scipy"] = lambda z=logits, t=t: with_scipy(z, t)
    for task in tasks.values():
        task()  # warm up
    wall, cpu = best_times(tasks, repeats)
    print(
        f"speed: {RESOLUTION} x {RESOLUTION} x 3 float64 grid, both losses and both gradients, "
        f"best of {repeats} interleaved repeats"
    )
    print("  class 2  target   lossnotes      scipy   ratio  (CPU-time ratio)  target")
    ok = True
    for fixed in FIXED:
        for t in TARGETS:
            ours, theirs = wall[fixed, t, "lossnotes"], wall[fixed, t, "scipy"]
            ratio = ours / theirs
            cpu_ratio = cpu[fixed, t, "lossnotes"] / cpu[fixed, t, "scipy"]
            ok &= ratio <= TARGET_RATIO[fixed]
            print(
                f"  {fixed:7.0f}  {t:6d}  {ours * 1e3:8.1f} ms {theirs * 1e3:7.1f} ms  "
                f"{ratio:6.2f}  ({cpu_ratio:.2f})            <= {TARGET_RATIO[fixed]}"
            )
    return ok


# ---------------------------------------------------------------------- accuracy


def reference(z: list[float], t: int) -> dict[str, list]:
    """The four quantities to 400 digits, from the definitions, for float logits ``z``.

    ``1 - p_t`` is the sum of the other probabilities (so it keeps its digits
    when tiny). Every term of the MSE gradient's chain rule is at most 1 in
    size, so 400 digits leave an absolute error far below the smallest normal
    float64, whatever cancels.
    """
    k = len(z)
    with mp.workdps(DIGITS):
        finite = [mp.mpf(v) for v in z if math.isfinite(v)]
        top = max(finite)
        e = [mp.exp(mp.mpf(v) - top) if math.isfinite(v) else mp.mpf(0) for v in z]
        total = mp.fsum(e)
        p = [x / total for x in e]
        a = [p[j] if j != t else -mp.fsum(p[i] for i in range(k) if i != t) for j in range(k)]
        ce = mp.log(total) - (mp.mpf(z[t]) - top) if math.isfinite(z[t]) else mp.inf
        c = mp.fsum(ai * pi for ai, pi in zip(a, p, strict=True))
        return {
            "cross_entropy": [ce],
            "cross_entropy_grad": a,
            "mse": [mp.fsum(x * x for x in a) / k],
            "mse_grad": [2 * p[j] * (a[j] - c) / k for j in range(k)],
        }


def relative_error(got: float, exact) -> float:
    """Relative error where ``exact`` is a normal float64; 0 where it is not (inf must match)."""
    if exact == mp.inf or abs(exact) > np.finfo(np.float64).max:
        return 0.0 if got == math.copysign(math.inf, exact) else math.inf
    if abs(exact) < np.finfo(np.float64).tiny:
        return 0.0
    if not math.isfinite(got):
        return math.inf
    with mp.workdps(30):
        return float(abs(mp.mpf(got) - exact) / abs(exact))


def _mse_grad_root() -> float:
    """The x where d MSE / d z_1 changes sign along z = (0, 1, x), target 0 (bisection)."""
    lo, hi = 0.0, 20.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if reference([0.0, 1.0, mid], 0)["mse_grad"][1] > 0:
            lo = mid
        else:
            hi = mid
    return lo


def hard_points() -> list[tuple[list[float], int]]:
    """A few hundred points where the usual formulas lose digits (three classes)."""
    rng = np.random.default_rng(20240607)
    points = []
    for fixed in FIXED:  # the note's grid
        for x, y in rng.uniform(-10, 10, (30, 2)):
            points += [([x, y, fixed], t) for t in TARGETS]
    for a, b in rng.uniform(20, 700, (60, 2)):  # the target wins by a wide margin: tiny losses
        points.append(([0.0, -a, -b], 0))
    for z in rng.uniform(-300, 300, (60, 3)):  # logits of a few hundred
        points.append((z.tolist(), int(rng.integers(0, 3))))
    root = _mse_grad_root()
    for offset in 10.0 ** -np.arange(1, 14):  # next to a sign change of an MSE gradient entry
        points += [([0.0, 1.0, root + side * offset], 0) for side in (1, -1)]
    points += [
        ([1e15, 1e15 + 2, -1e15], 1),
        ([1e300, -1e300, 0.0], 0),
        ([1e300, -1e300, 0.0], 2),
        ([-1e300, 1e300, 1e300], 0),
        ([-np.inf, 0.0, 1.0], 1),
        ([0.0, -np.inf, -np.inf], 0),
        ([9.06, -25.65, -np.inf], 0),
        ([0.0, 300.0, 300.0], 0),
        ([0.0, 300.0, 300.0 + 1e-13], 0),
        ([700.0, 0.0, -700.0], 2),
    ]
    return points


def accuracy() -> bool:
    """Print the worst errors; return whether lossnotes keeps its 1e-12 bound."""
    points = hard_points()
    worst = {(m, q): 0.0 for m in ("lossnotes", "scipy") for q in QUANTITIES}
    for z, t in points:
        exact = reference(z, t)
        zz = np.array(z)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            results = {"lossnotes": with_lossnotes(zz, t), "scipy": with_scipy(zz, t)}
        for method, values in results.items():
            for q, value in zip(QUANTITIES, values, strict=True):
                for got, ex in zip(np.atleast_1d(value).tolist(), exact[q], strict=True):
                    err = relative_error(got, ex)
                    if not err <= worst[method, q]:  # also records nan
                        worst[method, q] = err
    print(
        f"accuracy: worst relative error on {len(points)} hard points, against "
        f"{DIGITS}-digit arithmetic"
    )
    print(f"  {'':20s} {'lossnotes':>10s} {'scipy':>10s}")
    for q in QUANTITIES:
        print(f"  {q:20s} {worst['lossnotes', q]:10.1e} {worst['scipy', q]:10.1e}")
    return all(worst["lossnotes", q] <= 1e-12 for q in QUANTITIES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="interleaved repeats (default 7)")
    args = parser.parse_args()
    fast = speed(args.repeats)
    exact = accuracy()
    print("targets met" if fast and exact else "TARGET MISSED")


if __name__ == "__main__":
    main()
