"""``aiva-desk export all -o FILE`` and ``aiva-desk import all FILE``: the whole data set.

Progress goes to stderr when it is a terminal (a script's stderr keeps only the
one-line error, if any); the result is one line on stdout.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aiva_desk.app_context import AppContext


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``import all``; ``export all`` sits beside ``export tickets`` (see :func:`add_export`)."""
    imports = commands.add_parser("import", help="import data")
    what = imports.add_subparsers(dest="import_what", metavar="WHAT", required=True)
    everything = what.add_parser(
        "all",
        help="load an archive written by 'export all' into an empty database "
        "(SQLite or PostgreSQL: --db-url)",
    )
    everything.add_argument("archive", type=Path, metavar="FILE")


def add_export(what: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    everything = what.add_parser(
        "all",
        help="every table, attachment, draft and template as one archive "
        "(to move machines or to PostgreSQL; no passwords)",
    )
    everything.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")


class _Progress:
    """One updating line on a terminal's stderr; nothing when stderr is not a terminal."""

    def __init__(self) -> None:
        self.shown = sys.stderr.isatty()
        self.dirty = False

    def __call__(self, what: str, done: int, total: int) -> None:
        if self.shown and (done == total or done % 10_000 == 0):
            print(f"\r\x1b[K{what}: {done}/{total}", end="", file=sys.stderr, flush=True)
            self.dirty = True

    def end(self) -> None:
        if self.dirty:
            print(file=sys.stderr, flush=True)


def run_export(context: AppContext, output: Path) -> str:
    from aiva_desk.archive import export_all

    progress = _Progress()
    try:
        manifest = export_all(context.db, context.paths, output, progress=progress)
    finally:
        progress.end()
    tickets = next((m.rows for m in manifest.tables if m.name.endswith("/tickets.jsonl")), 0)
    return (
        f"Exported {tickets} tickets, {sum(m.rows or 0 for m in manifest.tables)} rows in all "
        f"and {len(manifest.files)} files to {output}."
    )


def run(args: argparse.Namespace) -> int:
    """``import all FILE`` into the data folder and database chosen by the options."""
    from aiva_desk.app_context import open_context
    from aiva_desk.archive import check_archive, import_all

    progress = _Progress()
    try:
        checked = check_archive(args.archive, progress)  # before the target is even created
        context = open_context(args.data_dir, args.db_url)
        try:
            manifest = import_all(
                args.archive, context.db, context.paths, progress=progress, checked=checked
            )
        finally:
            context.close()
    finally:
        progress.end()
    tickets = next((m.rows for m in manifest.tables if m.name.endswith("/tickets.jsonl")), 0)
    print(
        f"Imported {tickets} tickets and {len(manifest.files)} files from {args.archive} "
        f"into {context.db.display_name}."
    )
    return 0
