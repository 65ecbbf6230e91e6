"""Allow ``python -m aiva_desk``."""

from aiva_desk.cli import main

raise SystemExit(main())
