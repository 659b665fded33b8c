"""BED over 10^7 regimens: the vectorized core vs a naive per-regimen Python loop (goal >= 100x)
and vs one numpy pass over the same memory (goal <= 3x).

Run: python bench/bed_vectorized.py [--n N]. Not part of the test suite. The naive loop is
timed on a 10^5 slice and scaled (a 10^7 loop would take minutes).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from sbrt_calc.radiobiology import lq


def best_of(fn, repeats: int = 5) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000_000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    n_fx = rng.integers(1, 9, args.n).astype(np.float64)
    dpf = rng.uniform(2.0, 25.0, args.n)
    total = n_fx * dpf
    out = np.empty_like(total)

    t_core = best_of(lambda: lq.bed(total, dpf, 10.0))
    t_pass = best_of(lambda: np.multiply(total, dpf, out=out))  # one pass reading the same two arrays

    k = 100_000
    tl, dl = total[:k].tolist(), dpf[:k].tolist()

    def naive() -> list[float]:
        return [lq.bed(t, d, 10.0) for t, d in zip(tl, dl, strict=True)]

    def naive_inline() -> list[float]:
        return [t * (1.0 + d / 10.0) for t, d in zip(tl, dl, strict=True)]

    t_naive = best_of(naive, 1) * args.n / k
    t_inline = best_of(naive_inline, 3) * args.n / k
    assert np.allclose(lq.bed(total[:k], dpf[:k], 10.0), naive())
    print(f"n = {args.n:,} regimens")
    print(f"vectorized lq.bed            {t_core * 1000:9.1f} ms")
    print(f"one numpy pass (a*b)         {t_pass * 1000:9.1f} ms   core / pass = {t_core / t_pass:5.2f}x (goal <= 3x)")
    print(f"naive loop of lq.bed calls   {t_naive * 1000:9.1f} ms   speed-up {t_naive / t_core:8.0f}x (goal >= 100x)")
    print(f"naive inline Python formula  {t_inline * 1000:9.1f} ms   speed-up {t_inline / t_core:8.0f}x")


if __name__ == "__main__":
    main()
