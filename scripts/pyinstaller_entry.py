"""Entry script of the PyInstaller bundle (see build.spec): the ``aiva-desk`` command."""

import sys

from aiva_desk.cli import main

if __name__ == "__main__":
    sys.exit(main())
