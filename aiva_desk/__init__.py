"""AIVA Desk: a desktop help desk built on the AIVA Support SOP.

Everything in this package except :mod:`aiva_desk.gui` is free of Qt, so the
core can be used from the command line, tests and (later) a server.
"""

from importlib import metadata as _metadata

APP_NAME = "AIVA Desk"

try:
    __version__ = _metadata.version("aiva-desk")
except _metadata.PackageNotFoundError:  # running from a source tree or a bundle
    __version__ = "0.1.0"
