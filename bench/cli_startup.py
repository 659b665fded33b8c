"""CLI cold start as a ratio to the floor `python -c "import numpy"` (goal <= 1.5x).

Run: python bench/cli_startup.py [--runs N]. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time

# Run from a neutral folder: `python -m sbrt_calc` from the source tree would import the tree's
# sources (compiled anew each time where PYTHONDONTWRITEBYTECODE is set), not the installed package.
NEUTRAL_CWD = tempfile.gettempdir()


def median_seconds(cmd: list[str], runs: int) -> float:
    subprocess.run(cmd, capture_output=True, check=True, cwd=NEUTRAL_CWD)  # warm the file cache
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True, cwd=NEUTRAL_CWD)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    floor = median_seconds([sys.executable, "-c", "import numpy"], args.runs)
    cases = {
        "compare 54/3 (table)": [sys.executable, "-m", "sbrt_calc", "compare", "54/3"],
        "compare 36/3 54/3 --format json": [sys.executable, "-m", "sbrt_calc", "compare", "36/3", "54/3",
                                            "--format", "json"],
        "solve --target-bed 100": [sys.executable, "-m", "sbrt_calc", "solve", "--target-bed", "100",
                                   "--alpha-beta", "10"],
    }
    print(f"floor  python -c 'import numpy': {floor * 1000:7.1f} ms")
    for name, cmd in cases.items():
        t = median_seconds(cmd, args.runs)
        print(f"{name:34s} {t * 1000:7.1f} ms  ratio {t / floor:4.2f}x  (goal <= 1.5x)")


if __name__ == "__main__":
    main()
