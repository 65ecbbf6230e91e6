"""kill -9 at random points while saving: every acknowledged write survives and the
database stays whole. A real child process (tests/helpers/crash_writer.py) saves
tickets, appends notes and troubleshooting, queues and delivers outbox messages, and
prints each write once committed; it is killed after a seeded number of them."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from collections import defaultdict

import pytest
from sqlalchemy import select

from aiva_desk.app_context import open_desk_database
from aiva_desk.mail.outbox import Outbox
from aiva_desk.store.mail_models import OutboxMessage, OutboxState
from aiva_desk.tickets.attachments import AttachmentStore
from aiva_desk.tickets.service import TicketService
from tests.helpers.paths import REPO

pytestmark = [
    pytest.mark.sqlite_only("kills a process writing a SQLite file; PostgreSQL is a server"),
    pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX-only"),
]

ROUNDS = 10
SEED = 17


class Acknowledged:
    """What the children said was written, across all rounds."""

    def __init__(self) -> None:
        self.tickets: set[int] = set()
        self.versions: dict[int, int] = defaultdict(int)
        self.revisions: dict[int, int] = {}
        self.notes: dict[int, set[str]] = defaultdict(set)
        self.troubleshooting: dict[int, set[str]] = defaultdict(set)
        self.queued: set[int] = set()
        self.sent: set[int] = set()
        self.count = 0

    def take(self, line: str) -> None:
        kind, _, rest = line.partition(" ")
        if kind == "ticket":
            self.tickets.add(int(rest))
        elif kind == "update":
            ticket, version, rev = (int(part) for part in rest.split())
            self.versions[ticket] = max(self.versions[ticket], version)
            self.revisions[ticket] = max(self.revisions.get(ticket, 0), rev)
        elif kind in ("note", "trouble"):
            ticket, text = rest.split(" ", 1)
            (self.notes if kind == "note" else self.troubleshooting)[int(ticket)].add(text)
        elif kind == "queued":
            self.queued.add(int(rest))
        elif kind == "sent":
            self.sent.add(int(rest))
        else:
            raise AssertionError(f"unexpected line from the child: {line!r}")
        self.count += 1


def _run_until_killed(
    url: str, attachments: str, round_no: int, kill_after: int, acks: Acknowledged
) -> None:
    seed = str(SEED + round_no)
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.crash_writer", url, attachments, seed, str(round_no)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        seen = 0
        assert child.stdout is not None
        while seen < kill_after:
            line = child.stdout.readline()  # blocks until the child acknowledges a write
            if not line:
                pytest.fail(f"the child stopped by itself: {child.stderr.read()[-2000:]}")
            acks.take(line.strip())
            seen += 1
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        # a line printed between our last read and the kill is a promise too
        for line in child.stdout.read().splitlines():
            if line.strip():
                acks.take(line.strip())
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL


def test_acknowledged_writes_survive_kill_9(tmp_path):
    database = tmp_path / "crash.sqlite3"
    url = f"sqlite:///{database}"
    attachments = str(tmp_path / "attachments")
    open_desk_database(url).dispose()  # migrated once, before the first kill
    rng = random.Random(SEED)
    acks = Acknowledged()
    for round_no in range(1, ROUNDS + 1):
        _run_until_killed(url, attachments, round_no, rng.randint(3, 40), acks)
        with sqlite3.connect(database) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)], round_no

    assert acks.count >= ROUNDS * 3
    db = open_desk_database(url)
    try:
        service = TicketService(db, actor="check", attachments=AttachmentStore(tmp_path))
        for ticket_id in acks.tickets | set(acks.versions) | set(acks.notes):
            ticket = service.get(ticket_id)
            assert ticket.version >= acks.versions[ticket_id], ticket_id
            if ticket_id in acks.revisions:  # the last acknowledged save, or a later one
                assert int(ticket.description.split()[1]) >= acks.revisions[ticket_id]
            assert acks.notes[ticket_id] <= {note.body for note in ticket.notes}
            assert acks.troubleshooting[ticket_id] <= {e.checked for e in ticket.troubleshooting}
        assert acks.tickets >= set(acks.versions) | set(acks.notes)

        Outbox(service, service.attachments).recover()  # the dead children's claims
        with db.read_session() as session:
            rows = {
                row.id: (row.state, row.sent_at) for row in session.scalars(select(OutboxMessage))
            }
        assert acks.queued <= set(rows), "a queued message was lost"
        assert acks.sent <= acks.queued
        for outbox_id in acks.sent:
            assert rows[outbox_id][0] == OutboxState.SENT, outbox_id
        for outbox_id, (state, sent_at) in rows.items():  # each in one settled state
            assert state in (OutboxState.QUEUED, OutboxState.SENT, OutboxState.UNKNOWN)
            assert (sent_at is not None) == (state == OutboxState.SENT), outbox_id
    finally:
        db.dispose()
