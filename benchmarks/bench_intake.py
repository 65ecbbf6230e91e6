"""Measure mail intake: messages from a local mbox into a large database; prints JSON.

Requirement (inbound e-mail issue): 10,000 messages into a 100,000-ticket database in at
most 60 s, peak RSS at most 300 MB, on a 2-core machine. The mbox holds new requests from
many senders, replies to them by In-Reply-To, replies by ``Ticket #N`` from the ticket's
customer, and a few auto-replies; ``import_mail`` takes them in batches (one transaction
and one flush each), as the mailbox reader does. The demo database is built once
(as ``bench_queue.py`` does) and copied for each run. ``cpu_seconds`` is this process's
CPU time, the fairer figure on a machine busy with other work.

Usage: .venv/bin/python benchmarks/bench_intake.py [--messages 10000] [--tickets 100000]
       [--batch 200]
"""

from __future__ import annotations

import argparse
import json
import mailbox
import os
import platform
import random
import shutil
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

from bench_db import DEFAULT_CACHE, add_options, database_for
from timing import peak_rss_mb

TARGET_MESSAGES = 10_000
TARGET_SECONDS = 60.0  # for TARGET_MESSAGES; a smaller run is projected to that many
TARGET_RSS_MB = 300.0


def _message(number: int, rng: random.Random, sent: list[tuple[str, str, str]]) -> EmailMessage:
    message = EmailMessage()
    kind = rng.random()
    if sent and kind < 0.25:  # a reply to one of the requests before it
        message_id, sender, subject = rng.choice(sent)
        message["In-Reply-To"] = message_id
        message["Subject"] = f"Re: {subject}"
        body = "Thanks, that did not help yet.\n\nOn Monday, Support wrote:\n> Try again"
    else:
        sender = f"customer{rng.randrange(3000)}@client{rng.randrange(400)}.example"
        subject = rng.choice(["Export fails", "Billing: charged twice", "Login refused",
                              "Agent silent", "Widget blank on Safari"])  # fmt: skip
        body = f"Hello,\n\nrequest {number}: it stopped working this morning.\n\nRegards"
    message["From"] = sender
    message["To"] = "support@desk.example"
    if "Subject" not in message:
        message["Subject"] = subject
    message["Message-ID"] = f"<m{number}@client.example>"
    message["Date"] = "Mon, 07 Dec 2026 09:00:00 +0000"
    if kind > 0.98:
        message["Auto-Submitted"] = "auto-replied"
    message.set_content(body)
    if "In-Reply-To" not in message:
        sent.append((message["Message-ID"], sender, subject))
    return message


def write_mbox(path: Path, count: int) -> None:
    rng, sent = random.Random(7), []
    box = mailbox.mbox(path)
    box.lock()
    for number in range(count):
        box.add(_message(number, rng, sent))
    box.flush()
    box.unlock()
    box.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    add_options(parser)
    parser.add_argument("--batch", type=int, default=0, help="messages per transaction")
    args = parser.parse_args()
    source, database = database_for(args, DEFAULT_CACHE)

    from aiva_desk.app_context import open_context
    from aiva_desk.inbound.importing import BATCH, import_mail
    from aiva_desk.inbound.intake import MailIntake

    with tempfile.TemporaryDirectory(prefix="aiva-bench-intake-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        shutil.copy(source, data / "aiva-desk.sqlite3")
        mbox = Path(tmp) / "incoming.mbox"
        write_mbox(mbox, args.messages)
        context = open_context(str(data))
        try:
            started, cpu_started = time.perf_counter(), time.process_time()
            batch = args.batch or BATCH
            summary = import_mail(MailIntake(context.tickets), mbox, batch=batch)
            seconds = time.perf_counter() - started
            cpu_seconds = time.process_time() - cpu_started
        finally:
            context.close()
    rss = peak_rss_mb()
    projected = seconds * TARGET_MESSAGES / args.messages
    print(
        json.dumps(
            {
                "benchmark": "mail_intake_mbox",
                "messages": args.messages,
                "tickets_before": args.tickets,
                "database_built": database,
                "outcome": dict(summary.counts),
                "not_read": summary.skipped,
                "batch": batch,
                "seconds": round(seconds, 2),
                "cpu_seconds": round(cpu_seconds, 2),
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
