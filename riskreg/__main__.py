"""``python -m riskreg``: the headless command line."""

from riskreg.cli import main

raise SystemExit(main())
