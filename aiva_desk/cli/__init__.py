"""The entry layer: the ``aiva-desk`` command and its subcommands.

The only part of the core side allowed to reach the GUI (``aiva_desk.gui``): it starts
the app, hands a launch over to a running one, and adds the Qt checks to the self-test.
Nothing imports this package but the entry points.
"""

from aiva_desk.cli.commands import main

__all__ = ["main"]
