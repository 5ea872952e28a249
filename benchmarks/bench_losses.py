"""Speed and memory of the numeric core on a 1000 x 1000 grid of 3 classes (float64).

Prints, in one run:

* the floor: one ``np.exp`` over the logits array (every method must
  exponentiate each logit once);
* the time of both losses and both gradients with ``loss_and_grad`` (two
  calls: cross-entropy and MSE), and its ratio to the floor (target: <= 3);
* the speed-up over a per-point Python loop (timed on a subsample, scaled;
  target: >= 100x);
* the peak memory of the evaluation, traced with tracemalloc (target: < 250 MB).

It also prints the ratio of CPU times (summed over the worker threads), which
measures the work done rather than the wall time and so hardly changes with
the machine's load.

Times are the best of interleaved repeats (each repeat times every task once,
so a changing machine load affects all of them alike). Run with
``python benchmarks/bench_losses.py`` (``make bench``). It measures both cases of
the note's experiment: target 0 (a class on the grid) and target 2 (the class
held at -1000, the bad start); ``--target 1`` measures one case only. The line
"class-planar" times the same logits stored with each class contiguous (no
transposition needed).
"""

from __future__ import annotations

import argparse
import math
import time
import tracemalloc

import numpy as np

from lossnotes import Grid, loss_and_grad
from lossnotes.losses import _threads

RESOLUTION = 1000
REPEATS = 25
LOOP_SAMPLE = 3000


def best_time(fn, repeats: int = REPEATS, clock=time.perf_counter) -> float:
    """Best time of ``fn()`` over ``repeats`` runs on ``clock``, in seconds."""
    best = math.inf
    for _ in range(repeats):
        start = clock()
        fn()
        best = min(best, clock() - start)
    return best


def both(logits: np.ndarray, target: int) -> None:
    loss_and_grad("cross_entropy", logits, target)
    loss_and_grad("mse", logits, target)


def python_point(z: list[float], t: int) -> tuple[float, list[float], float, list[float]]:
    """Both losses and gradients at one point with the math module (the loop baseline)."""
    m = max(z)
    e = [math.exp(v - m) for v in z]
    total = sum(e)
    p = [x / total for x in e]
    ce = math.log(total) - (z[t] - m)
    ce_grad = [pk - (1.0 if k == t else 0.0) for k, pk in enumerate(p)]
    k = len(z)
    a = ce_grad
    mse = sum(x * x for x in a) / k
    c = sum(ai * pi for ai, pi in zip(a, p, strict=True))
    mse_grad = [2.0 / k * pj * (aj - c) for aj, pj in zip(a, p, strict=True)]
    return ce, ce_grad, mse, mse_grad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--target",
        type=int,
        action="append",
        help="target class; repeat for several (default: 0 and 2, the note's two cases)",
    )
    args = parser.parse_args()
    targets = args.target or [0, 2]

    grid = Grid(-10.0, 10.0, RESOLUTION, -1000.0)
    logits = grid.logits()
    n = logits.shape[0] * logits.shape[1]
    for target in targets:
        both(logits, target)  # warm up (thread pool, caches)

    planar = np.moveaxis(np.ascontiguousarray(np.moveaxis(logits, -1, 0)), 0, -1)
    rng = np.random.default_rng(0)
    sample = logits.reshape(-1, 3)[rng.choice(n, LOOP_SAMPLE, replace=False)].tolist()
    # Interleaved repeats: every measurement sees the same machine load.
    tasks = {"floor": lambda: np.exp(logits)}
    for t in targets:
        tasks[f"core {t}"] = lambda t=t: both(logits, t)
        tasks[f"planar {t}"] = lambda t=t: both(planar, t)
        tasks[f"loop {t}"] = lambda t=t: [python_point(z, t) for z in sample]
    best = dict.fromkeys(tasks, math.inf)
    cpu = dict.fromkeys(tasks, math.inf)
    for _ in range(REPEATS):
        for key, task in tasks.items():
            best[key] = min(best[key], best_time(task, repeats=1))
            cpu[key] = min(cpu[key], best_time(task, repeats=1, clock=time.process_time))
    floor = best["floor"]

    print(
        f"grid: {RESOLUTION} x {RESOLUTION} x 3 float64 (z2 = -1000), {_threads()} worker thread(s)"
    )
    print(f"floor, one np.exp over the logits:        {floor * 1e3:8.2f} ms")
    for t in targets:
        core, loop_full = best[f"core {t}"], best[f"loop {t}"] * n / LOOP_SAMPLE
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        both(logits, t)
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        print(f"target {t}:")
        print(f"  both losses and gradients (2 calls):    {core * 1e3:8.2f} ms")
        print(f"  ratio to the floor (target <= 3):       {core / floor:8.2f}")
        print(
            f"    CPU time, all threads (a load-proof work ratio): "
            f"{cpu[f'core {t}'] / cpu['floor']:.2f}"
        )
        print(
            f"    same, logits stored class-planar:     {best[f'planar {t}'] * 1e3:8.2f} ms "
            f"(ratio {best[f'planar {t}'] / floor:.2f})"
        )
        print(f"  per-point Python loop, scaled from {LOOP_SAMPLE}: {loop_full:6.2f} s")
        print(f"  speed-up over the loop (target >= 100): {loop_full / core:8.0f}x")
        print(f"  peak memory of the evaluation (< 250 MB): {peak / 2**20:6.1f} MB")


if __name__ == "__main__":
    main()
