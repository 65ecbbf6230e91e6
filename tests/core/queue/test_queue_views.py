"""Built-in views, sort orders, keeping a selection, and filter serialization."""

import datetime as dt

import pytest

from aiva_desk.demo.generate import generate_demo
from aiva_desk.domain import EscalationLevel, Priority, TicketStatus
from aiva_desk.queue import query as queue
from aiva_desk.queue.query import OPEN_STATUSES, QueueFilter, builtin_views
from aiva_desk.sla.tray_urgency import tray_urgency
from aiva_desk.tickets.service import NewTicket

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


def test_builtin_views_count_what_they_promise(context):
    db = context.db
    generate_demo(db, tickets=500, seed=11, now=NOW)
    staff = context.tickets.staff()
    views = {v.key: v for v in builtin_views(NOW, staff[0].id)}
    assert list(views) == [
        "my_open",
        "unassigned",
        "p1",
        "breaching_soon",
        "breached",
        "waiting",
        "escalated",
        "escalated_to_me",
        "recently_closed",
        "all",
    ]
    with db.read_session() as session:
        numbers = queue.counts(session, {k: v.filter for k, v in views.items()}, db.search)

        def rows(key):
            return queue.fetch(session, views[key].filter, db.search, offset=0, limit=1000)

        assert numbers["all"] == 500
        for key, view_rows in ((k, rows(k)) for k in views):
            assert len(view_rows) == numbers[key], key
        assert numbers["breached"] > 0 and numbers["recently_closed"] > 0
        assert all(
            r.assignee == staff[0].name and r.status in OPEN_STATUSES for r in rows("my_open")
        )
        assert all(r.assignee is None for r in rows("unassigned"))
        assert all(r.priority is Priority.P1 for r in rows("p1"))
        # On the clock due first: what the queue counts down to and the tray counts.
        assert all(r.next_deadline_at < NOW for r in rows("breached"))
        assert all(
            NOW <= r.next_deadline_at < NOW + dt.timedelta(hours=1) for r in rows("breaching_soon")
        )
        assert all(r.status in OPEN_STATUSES for r in rows("breached") + rows("breaching_soon"))
        assert all(r.escalation_level > EscalationLevel.NONE for r in rows("escalated"))
        assert {r.status for r in rows("waiting")} == {TicketStatus.WAITING_ON_CUSTOMER}
    with db.engine.connect() as conn:
        tray = tray_urgency(conn, NOW, soon=dt.timedelta(hours=1))
    assert (numbers["breached"], numbers["breaching_soon"]) == (
        tray.breached,
        tray.about_to_breach,
    )
    nobody = {v.key: v for v in builtin_views(NOW, None)}
    with db.read_session() as session:
        assert queue.count(session, nobody["my_open"].filter, db.search) == 0
        assert queue.count(session, nobody["escalated_to_me"].filter, db.search) == 0


def test_every_sort_column_works_and_status_follows_the_workflow(context):
    db = context.db
    generate_demo(db, tickets=200, seed=2, now=NOW)
    with db.read_session() as session:
        for key in queue.SORT_COLUMNS:
            for descending in (False, True):
                rows = queue.fetch(
                    session,
                    QueueFilter(),
                    db.search,
                    offset=0,
                    limit=200,
                    sort=key,
                    descending=descending,
                )
                assert len(rows) == 200, key
        by_status = queue.fetch(
            session, QueueFilter(), db.search, offset=0, limit=200, sort="status", descending=False
        )
        order = [r.status for r in by_status]
        workflow = list(TicketStatus)
        assert [workflow.index(s) for s in order] == sorted(workflow.index(s) for s in order)
        by_customer = queue.fetch(
            session,
            QueueFilter(),
            db.search,
            offset=0,
            limit=200,
            sort="customer",
            descending=False,
        )
        assert [r.customer for r in by_customer] == sorted(r.customer for r in by_customer)


def test_position_of_finds_a_ticket_after_resorting(context):
    db = context.db
    generate_demo(db, tickets=120, seed=4, now=NOW)
    with db.read_session() as session:
        rows = queue.fetch(session, QueueFilter(), db.search, offset=0, limit=120, sort="subject")
        target = rows[77]
        assert queue.position_of(session, QueueFilter(), db.search, target.id, sort="subject") == 77
        narrowed = QueueFilter(statuses=frozenset({TicketStatus.CLOSED}))
        if target.status is not TicketStatus.CLOSED:
            assert queue.position_of(session, narrowed, db.search, target.id) is None


def test_filters_serialize_and_merge():
    flt = QueueFilter(
        statuses=frozenset({TicketStatus.NEW, TicketStatus.REOPENED}),
        priorities=frozenset({Priority.P2}),
        assignee_ids=frozenset({3}),
        unassigned=True,
        reported_after=NOW,
        next_due_before=NOW,
        text="widget",
    )
    assert QueueFilter.from_json(flt.to_json()) == flt
    assert QueueFilter.from_json(QueueFilter().to_json()) == QueueFilter()
    narrowed = QueueFilter(statuses=OPEN_STATUSES).merged(QueueFilter(text="shopify"))
    assert narrowed == QueueFilter(statuses=OPEN_STATUSES, text="shopify")


def test_breach_views_follow_the_clock_due_first(context, clock):
    """A P1 outage reported 45 min ago is due for resolution in 15 min, but its
    acknowledgement was due 15 min ago: it is breached, as its countdown and the tray say."""
    service = context.tickets
    clock.now = NOW
    outage = next(c for c in service.categories() if c.name == "System Outage")
    late = service.create(
        NewTicket(
            "Down",
            "Ann",
            "ann@example.com",
            outage.id,
            "x",
            reported_at=NOW - dt.timedelta(minutes=45),
        )
    )
    fresh = service.create(
        NewTicket(
            "Slow",
            "Bo",
            "bo@example.com",
            outage.id,
            "x",
            reported_at=NOW - dt.timedelta(minutes=5),
        )
    )
    for ref in (late, fresh):
        service.escalate(ref.id, 1, "Outage")  # P1 escalates at once; that clock is met
    views = {v.key: v.filter for v in builtin_views(NOW, None)}
    with context.db.read_session() as session:

        def shown(key):
            rows = queue.fetch(session, views[key], context.db.search, offset=0, limit=10)
            return {r.id: (r.next_deadline_kind, r.sla_due_at > NOW) for r in rows}

        assert shown("breached") == {late.id: ("acknowledge", True)}
        assert shown("breaching_soon") == {fresh.id: ("acknowledge", True)}
