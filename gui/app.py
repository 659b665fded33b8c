"""Entry point of ``sbrt-calc-gui``."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Start the desktop app (being built: see the GUI issue)."""
    print("sbrt-calc-gui: the desktop app is not built yet; use the sbrt-calc command line.", file=sys.stderr)
    return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
