"""The queue query: windows, SQL sorting and filtering, search."""

import datetime as dt

import pytest

from aiva_desk.demo.generate import generate_demo
from aiva_desk.domain import Priority, TicketStatus
from aiva_desk.queue import query as queue
from aiva_desk.queue.query import QueueFilter

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


def test_windows_sorting_and_filters(context):
    db = context.db
    generate_demo(db, tickets=300, seed=3, now=NOW)
    search = db.search
    with db.read_session() as session:
        assert queue.count(session, QueueFilter(), search) == 300
        first = queue.fetch(
            session, QueueFilter(), search, offset=0, limit=50, sort="number", descending=False
        )
        second = queue.fetch(
            session, QueueFilter(), search, offset=50, limit=50, sort="number", descending=False
        )
        assert [r.number for r in first + second] == list(range(1001, 1101))
        urgent = QueueFilter(priorities=frozenset({Priority.P1}))
        rows = queue.fetch(session, urgent, search, offset=0, limit=500)
        assert rows and all(r.priority is Priority.P1 for r in rows)
        assert len(rows) == queue.count(session, urgent, search)
        open_only = QueueFilter(statuses=frozenset(s for s in TicketStatus if s.is_open))
        newest = queue.fetch(session, open_only, search, offset=0, limit=20, sort="updated_at")
        stamps = [r.updated_at for r in newest]
        assert stamps == sorted(stamps, reverse=True)
        assert all(r.status is not TicketStatus.CLOSED for r in newest)
        found = queue.fetch(session, QueueFilter(text="shopify"), search, offset=0, limit=500)
        assert found and len(found) == queue.count(session, QueueFilter(text="shopify"), search)
        assert all(r.customer for r in found)
