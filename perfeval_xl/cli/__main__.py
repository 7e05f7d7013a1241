"""python -m perfeval_xl.cli: the perfeval command."""

from perfeval_xl.cli.entry import main

raise SystemExit(main())
