"""SLA signals that tell the truth: a new P1's "escalate immediately" is a short task, not a
breach at birth, and the tray lists what needs action now, not long-dead breaches."""

import datetime as dt

import pytest

from aiva_desk.queue import query as queue
from aiva_desk.sla.deadlines import DeadlineKind
from aiva_desk.sla.policy import IMMEDIATE_ESCALATION
from aiva_desk.sla.scheduler import due_alerts
from aiva_desk.sla.tray_urgency import tray_urgency
from aiva_desk.store.models import Ticket
from aiva_desk.tickets.service import NewTicket
from tests.helpers.sla_story import make_urgency_story

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

MIN = dt.timedelta(minutes=1)


def _outage(context):
    service = context.tickets
    outage = next(c for c in service.categories() if c.name == "System Outage")
    return service.create(NewTicket("Platform down", "Ann", "ann@example.com", outage.id, "x"))


def _breached_view_count(context, now):
    view = next(v for v in queue.builtin_views(now, None) if v.key == "breached")
    with context.db.read_session() as session:
        return queue.count(session, view.filter, context.db.search)


def test_a_new_p1_is_not_breached_until_its_escalation_window_passes(context, clock):
    t0 = clock.now = clock.now  # stopped at the run's instant
    ref = _outage(context)
    with context.db.read_session() as session:
        ticket = session.get(Ticket, ref.id)
        assert ticket.next_deadline_kind == "escalation"
        assert ticket.next_deadline_at == t0 + IMMEDIATE_ESCALATION == t0 + 15 * MIN
    with context.db.engine.begin() as conn:
        assert tray_urgency(conn, t0).breached == 0
        assert due_alerts(conn, t0) == []
    assert _breached_view_count(context, t0) == 0

    later = t0 + 16 * MIN  # not escalated a quarter of an hour later: now it is missed
    with context.db.engine.begin() as conn:
        urgency = tray_urgency(conn, later)
        events = due_alerts(conn, later)
    assert urgency.breached == 1 and urgency.urgent[0].kind is DeadlineKind.ESCALATION
    assert (DeadlineKind.ESCALATION, "breach") in {(e.kind, e.level) for e in events}
    assert _breached_view_count(context, later) == 1


def test_the_tray_ranks_what_needs_action_now_and_summarises_long_overdue(context, clock):
    now = clock.now = clock.now
    refs = make_urgency_story(context, now)
    with context.db.engine.begin() as conn:
        urgency = tray_urgency(conn, now)
    # Higher priority first, then the deadline nearest to now; the 40-day breach is not listed.
    assert [u.ticket_id for u in urgency.urgent] == [refs[1].id, refs[4].id, refs[2].id, refs[3].id]
    assert (urgency.breached, urgency.long_overdue, urgency.about_to_breach) == (3, 1, 2)
    assert (
        urgency.urgent[0]
        .describe(now)
        .startswith(f"#{refs[1].number} (P1) Escalation due in 12 min")
    )
    assert urgency.urgent[2].describe(now).startswith(f"#{refs[2].number} (P2) Update overdue")

    with context.db.engine.begin() as conn:
        short = tray_urgency(conn, now, top=2)
    assert [u.ticket_id for u in short.urgent] == [refs[1].id, refs[4].id] and short.more == 2
