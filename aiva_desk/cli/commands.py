"""The ``aiva-desk`` command: the app by default, plus a few subcommands.

Imports no Qt: the GUI is imported only when it is about to be shown.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from aiva_desk import APP_NAME, __version__
from aiva_desk.cli import archive as archive_cli
from aiva_desk.cli import backup as backup_cli
from aiva_desk.cli import reports as report_cli
from aiva_desk.errors import AivaError, ValidationError
from aiva_desk.runtime.paths import DATA_DIR_ENV, DB_URL_ENV
from aiva_desk.selftest import Check, Status, first_line

EXIT_USER_ERROR = 2
EXIT_UNEXPECTED = 1
MAX_INTEGER = 2**63 - 1  # the largest whole number SQLite and PostgreSQL store
MAX_DEMO_TICKETS = 1_000_000
DEMO_TICKET_BYTES = 6_000  # a demo ticket's share of the database, notes and index included

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aiva-desk",
        description=f"{APP_NAME}: the support team's help desk. Without a command, "
        "opens the main window.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation (database, templates, forms, icons, password store) "
        "in a temporary folder, print a report and exit (0: passed)",
    )
    parser.add_argument(
        "--minimized",
        action="store_true",
        help="start in the tray without showing the window (used at login)",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=f"where the database, attachments, logs and backups live (env {DATA_DIR_ENV})",
    )
    parser.add_argument(
        "--db-url",
        metavar="URL",
        help=f"database URL instead of the SQLite file in the data dir (env {DB_URL_ENV})",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser("demo", help="fill the database with realistic demo tickets")
    demo.add_argument(
        "--tickets",
        type=_demo_tickets,
        default=500,
        metavar="N",
        help=f"how many (at most {MAX_DEMO_TICKETS:,} a run)",
    )
    demo.add_argument("--seed", type=int, default=1, metavar="S", help="same seed, same data")
    report_cli.add_commands(commands)
    archive_cli.add_commands(commands)
    backup_cli.add_commands(commands)
    import_mail = commands.add_parser(
        "import-mail", help="take in e-mail from an .eml file, a folder of them or an mbox"
    )
    import_mail.add_argument("source", type=Path, metavar="FILE|DIR|MBOX")
    fetch_mail = commands.add_parser(
        "fetch-mail", help="read new mail from each IMAP mailbox once, and print what came in"
    )
    fetch_mail.add_argument("--mailbox", metavar="NAME", help="only the mailbox called NAME")
    open_ticket = commands.add_parser(
        "open", help="open a ticket in the running window (starting it if needed)"
    )
    open_ticket.add_argument("number", type=ticket_number, metavar="NUMBER")
    install = commands.add_parser(
        "install-desktop", help="add AIVA Desk to the desktop's application menu (this user)"
    )
    install.add_argument(
        "--autostart", action="store_true", help="also start it minimized to the tray at login"
    )
    commands.add_parser(
        "uninstall-desktop", help="remove the menu entry, icon and login start again"
    )
    return parser


def _positive_int(text: str, largest: int = MAX_INTEGER) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    if value > largest:
        raise argparse.ArgumentTypeError(f"must be at most {largest:,}")
    return value


def ticket_number(text: str) -> int:
    """A ticket number: a whole number the database can hold."""
    return _positive_int(text)


def _demo_tickets(text: str) -> int:
    """Bounded: each demo ticket adds about 6 KB, so 100 million would fill a disk."""
    value = _positive_int(text)
    if value > MAX_DEMO_TICKETS:
        grow = value * DEMO_TICKET_BYTES / 1e9
        raise argparse.ArgumentTypeError(
            f"at most {MAX_DEMO_TICKETS:,} demo tickets a run: {value:,} would grow the "
            f"database by about {grow:,.0f} GB"
        )
    return value


def _run_demo(args: argparse.Namespace) -> int:
    from aiva_desk.app_context import open_context
    from aiva_desk.demo.generate import generate_demo

    context = open_context(args.data_dir, args.db_url)
    try:
        started = time.perf_counter()
        summary = generate_demo(context.db, tickets=args.tickets, seed=args.seed)
        elapsed = time.perf_counter() - started
    finally:
        context.close()
    print(
        f"Added {summary.tickets} demo tickets (#{summary.first_number}–#{summary.last_number}) "
        f"to {context.db.display_name} in {elapsed:.1f} s."
    )
    return 0


def _run_report(args: argparse.Namespace) -> int:
    from aiva_desk.app_context import open_context

    context = open_context(args.data_dir, args.db_url)
    try:
        print(report_cli.run(context, args))
    finally:
        context.close()
    return 0


def _run_self_test() -> int:
    from aiva_desk.selftest import run_self_test

    report = run_self_test(gui_checks=gui_self_checks)
    print(report.text())
    return report.exit_code


def gui_self_checks(workdir: Path, ticket_html: str | None) -> list[Check]:
    """The self-test's Qt checks (forms, icons, PDF output); the GUI is loaded only here."""
    try:
        from aiva_desk.gui.selftest import gui_checks
    except Exception as exc:
        return [Check("Qt", Status.FAILED, f"cannot load the GUI: {first_line(exc)}")]
    return list(gui_checks(workdir, ticket_html))


def _run_install_desktop(args: argparse.Namespace) -> int:
    from aiva_desk.cli.desktop import install_desktop

    for path in install_desktop(autostart=args.autostart, data_dir=args.data_dir):
        print(f"Wrote {path}")
    if args.autostart:
        print(f"{APP_NAME} will start minimized to the tray when you log in.")
    return 0


def _run_uninstall_desktop() -> int:
    from aiva_desk.cli.desktop import uninstall_desktop

    removed = uninstall_desktop()
    for path in removed:
        print(f"Removed {path}")
    if not removed:
        print(f"{APP_NAME} was not in the application menu.")
    return 0


def _run_gui(args: argparse.Namespace) -> int:
    """Hand the request to the instance running on this data dir, or start the app."""
    from aiva_desk.gui.launch import (
        InstanceNotAnswering,
        LaunchOptions,
        hand_over_to_running,
        set_launch_options,
    )
    from aiva_desk.gui.single_instance import open_request

    request = open_request(args.number) if args.command == "open" else None
    try:
        if hand_over_to_running(args.data_dir, request):
            return 0
    except InstanceNotAnswering as exc:
        from aiva_desk.gui.app import display_problem, report_startup_failure

        if display_problem():
            raise  # no display for a dialog: the command line prints it
        return report_startup_failure(exc)
    set_launch_options(LaunchOptions(request=request, minimized=args.minimized))
    from aiva_desk.gui.app import run

    return run(data_dir=args.data_dir, db_url=args.db_url)


def _run_import_mail(args: argparse.Namespace) -> int:
    from aiva_desk.app_context import open_context
    from aiva_desk.inbound.importing import import_mail

    context = open_context(args.data_dir, args.db_url)
    try:
        print(import_mail(context.mail_intake(), args.source).line(args.source))
    finally:
        context.close()
    return 0


def _run_fetch_mail(args: argparse.Namespace) -> int:
    """One line per mailbox: what came in, or why nothing could (exit 2 if any failed)."""
    from aiva_desk.app_context import open_context
    from aiva_desk.inbound.imap_reader import MailboxReader
    from aiva_desk.inbound.mailboxes import list_mailboxes

    context = open_context(args.data_dir, args.db_url)
    try:
        mailboxes = list_mailboxes(context.db)
        if args.mailbox is not None:
            mailboxes = [m for m in mailboxes if m.name == args.mailbox.strip()]
            if not mailboxes:
                raise AivaError(f"There is no mailbox called “{args.mailbox}”.")
        if not mailboxes:
            raise AivaError(
                "No mailbox is set up yet: add one in Settings → Mail → Incoming mail (IMAP)."
            )
        reader = MailboxReader(
            context.mail_intake(live=True), context.mail.credentials, ssl_context=context.mail.tls
        )
        failed = 0
        for mailbox in mailboxes:
            try:
                print(reader.read(mailbox).line(), flush=True)
            except AivaError as exc:
                failed += 1
                print(f"aiva-desk: {mailbox.name}: {exc.message}", file=sys.stderr, flush=True)
    finally:
        context.close()
    return EXIT_USER_ERROR if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.self_test:
            return _run_self_test()
        if args.command == "install-desktop":
            return _run_install_desktop(args)
        if args.command == "uninstall-desktop":
            return _run_uninstall_desktop()
        if args.command == "demo":
            return _run_demo(args)
        if args.command in ("report", "export"):
            return _run_report(args)
        if args.command == "import":
            return archive_cli.run(args)
        if args.command in ("backup", "restore"):
            return backup_cli.run(args)
        if args.command == "import-mail":
            return _run_import_mail(args)
        if args.command == "fetch-mail":
            return _run_fetch_mail(args)
        return _run_gui(args)
    except AivaError as exc:
        print(f"aiva-desk: {one_line(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        return _unexpected(exc)


def one_line(exc: AivaError) -> str:
    """The message on one line (a form's problems joined), as a terminal shows it best."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.problems.values())
    return " ".join(exc.message.split())


def _unexpected(exc: Exception) -> int:
    """A bug or an unforeseen failure: one line, and the traceback in the log only."""
    logged = any(getattr(h, "_aiva_desk", False) for h in logging.getLogger().handlers)
    if logged:
        log.error("command failed", exc_info=exc)
    where = "details in the log" if logged else "nothing was logged"
    if _is_database_refusal(exc):
        print(
            f"aiva-desk: the database refused the change: {_plain(exc)}; nothing was saved "
            f"({where}).",
            file=sys.stderr,
        )
        return EXIT_USER_ERROR
    print(f"aiva-desk: unexpected error: {_plain(exc)} ({where}).", file=sys.stderr)
    return EXIT_UNEXPECTED


def _is_database_refusal(exc: Exception) -> bool:
    """A read-only or full database: the user's situation to fix, not a bug."""
    from sqlalchemy.exc import OperationalError

    return isinstance(exc, OperationalError) and any(
        words in str(exc).lower() for words in ("readonly", "read-only", "disk is full")
    )


def _plain(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}" + (f": {exc.filename}" if exc.filename else "")
    orig = getattr(exc, "orig", None)  # SQLAlchemy's wrapper: the driver's own words
    if isinstance(orig, BaseException) and str(orig).strip():
        return " ".join(str(orig).split())
    return first_line(exc)
