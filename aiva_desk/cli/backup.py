"""``aiva-desk backup`` and ``aiva-desk restore``: the data folder's backups from a shell."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_commands(commands: Any) -> None:
    """Register ``backup`` and ``restore`` on the top-level subparsers."""
    backup = commands.add_parser(
        "backup", help="write a checked backup of the database (attachments alongside)"
    )
    backup.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="where (default: the backups folder)"
    )
    restore = commands.add_parser(
        "restore", help="replace the database by a backup (the current data is backed up first)"
    )
    restore.add_argument("file", type=Path, metavar="FILE")


def run(args: argparse.Namespace) -> int:
    from aiva_desk.app_context import open_desk_database
    from aiva_desk.backup import service
    from aiva_desk.runtime.instance_lock import holding_data_dir
    from aiva_desk.runtime.logs import setup_logging
    from aiva_desk.runtime.paths import resolve_data_dir, resolve_db_url

    paths = resolve_data_dir(args.data_dir).ensure()
    setup_logging(paths.logs)
    url = resolve_db_url(paths, args.db_url)
    if args.command == "backup":
        made = service.back_up_now(paths, url, target=args.output)
        print(f"Backed up to {made}.")
        return 0
    with holding_data_dir(paths.root):
        done = service.restore(paths, url, args.file)
        open_desk_database(url, backups_dir=paths.backups).dispose()  # migrate an older one
    kept = f" The data it replaced is kept in {done.previous}." if done.previous else ""
    print(f"Restored {done.source}.{kept}")
    return 0
