"""`python -m bot` is the `execoach` command."""

from bot.cli import main

raise SystemExit(main())
