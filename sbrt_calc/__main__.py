"""``python -m sbrt_calc`` runs the command line."""

from .cli.main import main

raise SystemExit(main())
