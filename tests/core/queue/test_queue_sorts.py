"""Every sort order, window by window, against the order worked out in Python;
positions agree with the windows; a search's count agrees however it is counted."""

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select, update

from aiva_desk.demo.generate import generate_demo
from aiva_desk.domain import TicketStatus
from aiva_desk.queue import query as queue
from aiva_desk.queue.query import OPEN_STATUSES, QueueFilter
from aiva_desk.store.models import Ticket

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def db(context):
    generate_demo(context.db, tickets=260, seed=21, now=NOW)
    with context.db.session("test") as session:  # some tickets without an agent or category
        ids = session.scalars(select(Ticket.id).order_by(Ticket.id).limit(12)).all()
        session.execute(update(Ticket).where(Ticket.id.in_(ids[:6])).values(assignee_id=None))
        session.execute(update(Ticket).where(Ticket.id.in_(ids[6:])).values(category_id=None))
    return context.db


def _key(row: queue.QueueRow, sort: str):
    workflow = list(TicketStatus)
    value = {
        "status": workflow.index(row.status),
        "category": row.category,
        "assignee": row.assignee,
    }[sort]
    return (value is not None, value or 0)  # SQL puts NULL first


FILTERS = [QueueFilter(), QueueFilter(statuses=OPEN_STATUSES), QueueFilter(text="agent")]


def test_grouped_sorts_page_like_one_sorted_list(db):
    for sort in sorted(queue.GROUPED_SORTS):
        for descending in (False, True):
            for flt in FILTERS:
                _check_paging(db, sort, descending, flt)


def _check_paging(db, sort, descending, flt):
    with db.read_session() as session:
        total = queue.count(session, flt, db.search)
        everything = queue.fetch(session, flt, db.search, offset=0, limit=10_000, sort=sort)
        assert len(everything) == total > 0
        expected = sorted(everything, key=lambda r: (_key(r, sort), r.id), reverse=descending)
        windows = []
        for offset in range(0, total, 37):
            windows += queue.fetch(
                session, flt, db.search, offset=offset, limit=37, sort=sort, descending=descending
            )
        assert [r.id for r in windows] == [r.id for r in expected]
        for index in sorted({0, 1, 36, 37, total // 2, total - 1} & set(range(total))):
            position = queue.position_of(
                session, flt, db.search, expected[index].id, sort=sort, descending=descending
            )
            assert position == index
        last = expected[-1].id
        limited = dict(sort=sort, descending=descending, limit=total - 1)
        assert queue.position_of(session, flt, db.search, last, **limited) is None
        closed = QueueFilter(statuses=frozenset({TicketStatus.CLOSED}))
        outside = next((r for r in everything if r.status is not TicketStatus.CLOSED), None)
        if outside is not None:
            assert queue.position_of(session, closed, db.search, outside.id, sort=sort) is None


def test_a_search_counts_the_same_alone_or_with_a_filter(db):
    with db.read_session() as session:
        for text in ("agent", "shopify login", "zzzz"):
            alone = queue.count(session, QueueFilter(text=text), db.search)
            rows = queue.fetch(session, QueueFilter(text=text), db.search, offset=0, limit=10_000)
            assert alone == len(rows)
            with_all_statuses = dataclasses.replace(
                QueueFilter(text=text), statuses=frozenset(TicketStatus)
            )
            assert queue.count(session, with_all_statuses, db.search) == alone
