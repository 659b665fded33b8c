"""``python -m sbrt_calc`` runs the command line."""

from sbrt_calc.cli.main import main

raise SystemExit(main())
