"""Measure mail intake from a real IMAP server: N messages read from Dovecot into a large
database; prints JSON like ``bench_intake.py``.

The messages are those of ``bench_intake.py`` (new requests, replies by In-Reply-To and
``Ticket #N``, a few auto-replies), appended to the INBOX of a Dovecot started as the
tests start it (``tests/helpers/imap_server.py``: its own folder, free ports, IMAPS with
a certificate of its own CA). What is timed is one read of the mailbox as the watcher
does it (fetch in batches, take in, store the folder's place, flag on the server).
Needs Dovecot (Debian: ``dovecot-imapd``).

Usage: .venv/bin/python benchmarks/bench_intake_imap.py [--messages 10000] [--tickets 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the checkout's code, and the tests' Dovecot starter

from bench_db import DEFAULT_CACHE, add_options, database_for  # noqa: E402
from bench_intake import TARGET_MESSAGES, TARGET_RSS_MB, TARGET_SECONDS, _message  # noqa: E402
from timing import peak_rss_mb  # noqa: E402

from tests.helpers.imap_server import PASSWORD, ImapServer, start_server  # noqa: E402

APPEND_CHUNK = 500


def fill_inbox(server: ImapServer, count: int) -> None:
    """Append ``count`` messages (MULTIAPPEND, a chunk at a time)."""
    rng, sent = random.Random(7), []
    with server.client() as client:
        chunk: list[bytes] = []
        for number in range(count):
            chunk.append(_message(number, rng, sent).as_bytes().replace(b"\n", b"\r\n"))
            if len(chunk) == APPEND_CHUNK or number == count - 1:
                client.multiappend("INBOX", chunk)
                chunk = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=200, help="messages fetched per batch")
    add_options(parser)
    args = parser.parse_args()
    source, database = database_for(args, DEFAULT_CACHE)

    from aiva_desk.app_context import open_context
    from aiva_desk.inbound.imap_reader import MailboxReader
    from aiva_desk.inbound.intake import MailIntake
    from aiva_desk.inbound.mailboxes import MailboxInput, get_mailbox, save_mailbox
    from aiva_desk.mail.credentials import CredentialStore
    from aiva_desk.store.mail_models import Security

    server = start_server()
    try:
        started = time.perf_counter()
        fill_inbox(server, args.messages)
        append_seconds = time.perf_counter() - started
        with tempfile.TemporaryDirectory(prefix="aiva-bench-imap-") as tmp:
            data = Path(tmp) / "data"
            data.mkdir()
            shutil.copy(source, data / "aiva-desk.sqlite3")
            context = open_context(str(data))
            try:
                settings = MailboxInput(
                    "Bench", server.host, server.imaps_port, Security.SSL, server.user
                )
                mailbox_id = save_mailbox(context.db, settings)
                mailbox = get_mailbox(context.db, mailbox_id)
                credentials = CredentialStore()  # this run's memory, never the user's keyring
                credentials.remember_for_session(mailbox.credential_key, PASSWORD)
                reader = MailboxReader(
                    MailIntake(context.tickets),
                    credentials,
                    ssl_context=server.client_tls(),
                    batch_size=args.batch,
                )
                started = time.perf_counter()
                summary = reader.read(mailbox)
                seconds = time.perf_counter() - started
            finally:
                context.close()
        flagged = sum(1 for flags in server.messages().values() if b"\\Flagged" in flags)
    finally:
        server.stop()
    rss = peak_rss_mb()
    projected = seconds * TARGET_MESSAGES / args.messages
    print(
        json.dumps(
            {
                "benchmark": "mail_intake_imap",
                "messages": args.messages,
                "tickets_before": args.tickets,
                "database_built": database,
                "batch_size": args.batch,
                "outcome": dict(summary.counts),
                "not_taken_in": summary.problems,
                "flagged_on_server": flagged,
                "append_seconds": round(append_seconds, 2),
                "seconds": round(seconds, 2),
                "per_message_ms": round(seconds * 1000 / args.messages, 2),
                "peak_rss_mb": rss,
                "projected_seconds_for_target_messages": round(projected, 1),
                "target_messages": TARGET_MESSAGES,
                "target_seconds": TARGET_SECONDS,
                "target_rss_mb": TARGET_RSS_MB,
                "meets_target": projected <= TARGET_SECONDS and rss <= TARGET_RSS_MB,
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
