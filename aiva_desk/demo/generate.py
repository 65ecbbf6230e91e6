"""Realistic demo data: every SOP category and status, spread over the past year.

Deterministic for a seed and a reference time, and fast (bulk Core inserts
in one transaction, explicit ids), so a 100,000-ticket database for
benchmarks takes well under a minute.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select, text, update

from aiva_desk import clock
from aiva_desk.demo.stories import (
    BROWSERS,
    CATEGORY_STORIES,
    FIRST_NAMES,
    LAST_NAMES,
    OPERATING_SYSTEMS,
    ORG_WORDS,
    STAFF,
    STARTED_WHEN,
    TAGS,
    TROUBLESHOOTING,
)
from aiva_desk.domain import (
    ClosureReason,
    Consistency,
    CustomerRole,
    Direction,
    EscalationLevel,
    Priority,
    Satisfaction,
    SolutionClass,
    TicketStatus,
)
from aiva_desk.sla.indexer import SlaIndexer
from aiva_desk.sla.settings_store import load_policy_set
from aiva_desk.store.database import Database
from aiva_desk.store.models import (
    AuditEntry,
    Category,
    Communication,
    Counter,
    Customer,
    Escalation,
    InternalNote,
    Organization,
    Staff,
    Tag,
    Ticket,
    TroubleshootingEntry,
    ticket_tags,
)
from aiva_desk.store.sla_models import SlaSegment
from aiva_desk.tickets.service import TICKET_NUMBER_COUNTER

S = TicketStatus
BATCH = 5000
DEMO_ACTOR = "demo"

# How far along the workflow each status is (0 = new ... 6 = closed).
_PROGRESS = {
    S.NEW: 0,
    S.ACKNOWLEDGED: 1,
    S.TRIAGED: 2,
    S.INVESTIGATING: 3,
    S.WAITING_ON_CUSTOMER: 3,
    S.REOPENED: 3,
    S.RESOLVING: 4,
    S.AWAITING_CONFIRMATION: 5,
    S.CLOSED: 6,
}
_OPEN_STATUSES = [s for s in S if s is not S.CLOSED]


@dataclass(frozen=True)
class DemoSummary:
    tickets: int
    first_number: int
    last_number: int


def _score(satisfied: Satisfaction, index: int) -> int | None:
    """A 1-5 score that agrees with "satisfied"; a third of the pending ones never answer."""
    if satisfied is Satisfaction.YES:
        return 5 if index % 3 else 4
    if satisfied is Satisfaction.NO:
        return 1 + index % 2
    return None if index % 3 else 3


def _closure_reason(category: str, index: int) -> str:
    """Questions and knowledge-base tickets are sometimes solved by the customer's reading."""
    if category in ("General Question", "Knowledge Base") and index % 4 == 0:
        return ClosureReason.SELF_SERVICE.value
    return ClosureReason.RESOLVED_BY_SUPPORT.value


def _status_for(rng: random.Random, age_days: float) -> TicketStatus:
    """Old tickets are mostly closed; recent ones are spread over the open states."""
    closed_chance = min(0.97, 0.15 + age_days / 20)
    if rng.random() < closed_chance:
        return S.CLOSED
    return rng.choice(_OPEN_STATUSES)


def _not_after(
    now: dt.datetime, start: dt.datetime, when: dt.datetime, rng: random.Random
) -> dt.datetime:
    """``when``, or a moment between ``start`` and ``now`` if ``when`` lies in the future."""
    return when if when <= now else start + (now - start) * rng.random()


# Never backwards: a sequence already past ``next`` (rows added and deleted) stays.
ADVANCE_SEQUENCE = text(
    "SELECT setval(s, GREATEST(:next, COALESCE(pg_sequence_last_value(s::regclass) + 1, 1)),"
    " false) FROM (SELECT pg_get_serial_sequence(:table, 'id') AS s) AS seq"
)


class _Ids:
    """Explicit primary keys so children can reference rows inserted in bulk."""

    def __init__(self, conn: Connection, *tables: Any) -> None:
        self._next = {t: (conn.scalar(select(func.max(t.c.id))) or 0) + 1 for t in tables}

    def take(self, table: Any) -> int:
        value = self._next[table]
        self._next[table] = value + 1
        return value

    def advance_sequences(self, conn: Connection) -> None:
        """PostgreSQL: move each id sequence past the ids taken here (a sequence does not
        move for explicit ids, so the next ticket an agent made would collide)."""
        if conn.dialect.name != "postgresql":
            return
        for table, next_id in self._next.items():
            conn.execute(ADVANCE_SEQUENCE, {"table": table.name, "next": next_id})


def _people(conn: Connection, rng: random.Random, ids: _Ids) -> tuple[list[int], list[int]]:
    """Staff, organizations and customers (reusing any that already exist)."""
    staff_ids = list(conn.scalars(select(Staff.id)))
    if not staff_ids:
        rows = [
            {"id": ids.take(Staff.__table__), "name": name, "email": email, "role": role,
             "active": True}
            for name, email, role in STAFF
        ]  # fmt: skip
        conn.execute(insert(Staff), rows)
        staff_ids = [row["id"] for row in rows]
    customer_ids = list(conn.scalars(select(Customer.id)))
    if not customer_ids:
        orgs = []
        for index in range(150):
            name = f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_WORDS)} {index + 1}"
            orgs.append({"id": ids.take(Organization.__table__), "name": name,
                         "tenant_id": f"tn-{10000 + index}"})  # fmt: skip
        conn.execute(insert(Organization), orgs)
        customers = []
        roles = list(CustomerRole)
        for index in range(1500):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            org = rng.choice(orgs)
            customers.append({
                "id": ids.take(Customer.__table__),
                "name": f"{first} {last}",
                "email": f"{first}.{last}.{index}@{org['tenant_id']}.example.com".lower(),
                "organization_id": org["id"],
                "role": rng.choices(roles, weights=(2, 3, 5))[0],
                "tenant_id": org["tenant_id"],
            })  # fmt: skip
        conn.execute(insert(Customer), customers)
        customer_ids = [row["id"] for row in customers]
    return staff_ids, customer_ids


def _tag_ids(conn: Connection, ids: _Ids) -> list[int]:
    existing = dict(conn.execute(select(Tag.name, Tag.id)).all())
    rows = [{"id": ids.take(Tag.__table__), "name": n} for n in TAGS if n not in existing]
    if rows:
        conn.execute(insert(Tag), rows)
    existing.update({row["name"]: row["id"] for row in rows})
    return [existing[n] for n in TAGS]


def generate_demo(
    db: Database, *, tickets: int, seed: int = 1, now: dt.datetime | None = None
) -> DemoSummary:
    """Add ``tickets`` demo tickets (with logs, mail, notes, escalations, history)."""
    rng = random.Random(seed)
    now = now or clock.now()
    with db.engine.execution_options(sqlite_begin="IMMEDIATE").begin() as conn:
        return _generate(conn, db, rng, tickets, now)


def _generate(
    conn: Connection, db: Database, rng: random.Random, count: int, now: dt.datetime
) -> DemoSummary:
    tables = [m.__table__ for m in (Staff, Organization, Customer, Tag, Ticket,
                                    TroubleshootingEntry, Communication, InternalNote,
                                    Escalation, AuditEntry, SlaSegment)]  # fmt: skip
    ids = _Ids(conn, *tables)
    staff_ids, customer_ids = _people(conn, rng, ids)
    staff_names = dict(conn.execute(select(Staff.id, Staff.name)).all())
    customers = {
        cid: (name, email)
        for cid, name, email in conn.execute(select(Customer.id, Customer.name, Customer.email))
    }
    tag_ids = _tag_ids(conn, ids)
    categories = list(conn.execute(select(Category.id, Category.name, Category.default_priority,
                                          Category.sla_hours)).all())  # fmt: skip
    category_weights = [CATEGORY_STORIES[name]["weight"] for _, name, _, _ in categories]
    policy_set = load_policy_set(conn)

    first_number = (
        conn.scalar(
            update(Counter)
            .where(Counter.name == TICKET_NUMBER_COUNTER)
            .values(value=Counter.value + count)
            .returning(Counter.value)
        )
        - count
        + 1
    )

    buffers: dict[Any, list[dict[str, Any]]] = {t: [] for t in tables}
    buffers[ticket_tags] = []
    new_ticket_ids: list[int] = []
    open_ticket_ids: list[int] = []

    def flush(force: bool = False) -> None:
        """Insert buffered rows, parents before children, once any buffer is full."""
        if not force and all(len(rows) < BATCH for rows in buffers.values()):
            return
        for table, rows in buffers.items():
            if rows:
                conn.execute(insert(table), rows)
                rows.clear()

    for index in range(count):
        # The first tickets cover every status so even a tiny demo shows them all.
        ticket_id = ids.take(Ticket.__table__)
        new_ticket_ids.append(ticket_id)
        age_days = rng.random() ** 1.6 * 365
        status = list(S)[index] if index < len(S) else _status_for(rng, age_days)
        reported = now - dt.timedelta(days=age_days, minutes=rng.randint(0, 59))
        category_id, category_name, default_priority, sla_hours = rng.choices(
            categories, weights=category_weights
        )[0]
        story = rng.choice(CATEGORY_STORIES[category_name]["stories"])
        detail = rng.randint(2, 999)
        subject = story["subject"].format(n=detail)
        description = story["description"].format(n=detail)
        priority = Priority(default_priority)
        if rng.random() < 0.1:
            priority = Priority(max(1, min(4, priority + rng.choice((-1, 1)))))
        due = policy_set.for_priority(priority)[1].add(reported, dt.timedelta(hours=sla_hours))
        customer_id = rng.choice(customer_ids)
        customer_name, customer_email = customers[customer_id]
        progress = _PROGRESS[status]
        assignee = rng.choice(staff_ids) if progress >= 1 or rng.random() < 0.3 else None
        breached = rng.random() < 0.12
        hours_to_resolve = sla_hours * (
            rng.uniform(1.05, 3) if breached else rng.uniform(0.1, 0.95)
        )
        resolved = reported + dt.timedelta(hours=hours_to_resolve) if progress >= 5 else None
        if resolved:
            resolved = _not_after(now, reported, resolved, rng)
        closed = None
        if resolved and progress >= 6:
            closing = resolved + dt.timedelta(hours=rng.uniform(1, 48))
            closed = _not_after(now, resolved, closing, rng)
        acknowledged = reported + dt.timedelta(minutes=rng.randint(2, 45)) if progress else None
        escalation = EscalationLevel.NONE
        if progress >= 3 and rng.random() < 0.08:
            escalation = rng.choice((EscalationLevel.SENIOR_SUPPORT, EscalationLevel.DEVELOPMENT))
        reopened = 1 if status is S.REOPENED or (progress == 6 and rng.random() < 0.04) else 0
        updated = (
            closed or resolved or (acknowledged or reported) + dt.timedelta(hours=rng.uniform(0, 6))
        )
        updated = _not_after(now, reported, updated, rng)
        documented = progress >= 4
        buffers[Ticket.__table__].append(
            {
                "id": ticket_id,
                "number": first_number + index,
                "version": 1,
                "subject": subject,
                "status": status,
                "category_id": category_id,
                "priority": priority,
                "reported_at": reported,
                "sla_due_at": due,
                "customer_id": customer_id,
                "assignee_id": assignee,
                "description": description,
                "expected_behavior": story["expected"],
                "actual_behavior": story["actual"],
                "started_when": rng.choice(STARTED_WHEN),
                "consistency": rng.choice(list(Consistency)),
                "users_affected": rng.choice(("1", "a few", "about 10", "all users")),
                "recent_changes": rng.choice(
                    (
                        "None",
                        "Updated agent prompt",
                        "Rotated API keys",
                        "Uploaded new documents",
                        "Changed plan",
                    )
                ),
                "reproduction_steps": story["steps"],
                "can_reproduce": rng.choice((True, False, None)) if progress >= 3 else None,
                "reproduction_conditions": "",
                "agent_ref": f"agt-{rng.randint(100, 999)}" if rng.random() < 0.6 else "",
                "knowledge_base_ref": f"kb-{rng.randint(10, 99)}" if rng.random() < 0.3 else "",
                "browser": rng.choice(BROWSERS),
                "operating_system": rng.choice(OPERATING_SYSTEMS),
                "error_messages": story["error"],
                "console_errors": "",
                "network_errors": "",
                "root_cause": story["root_cause"] if documented else "",
                "solution": story["solution"] if documented else "",
                "steps_taken": story["steps_taken"] if documented else "",
                "verification": story["verification"] if progress >= 5 else "",
                "prevention": story["prevention"] if progress >= 5 else "",
                **{
                    field: story[field] if progress >= 5 else ""
                    for field in (
                        "customer_explanation",
                        "customer_fix",
                        "customer_steps",
                        "customer_prevention",
                    )
                },
                "solution_class": rng.choice(list(SolutionClass)) if documented else None,
                "acknowledged_at": acknowledged,
                "first_response_at": acknowledged,
                "escalation_level": escalation,
                "reopen_count": reopened,
                "resolved_at": resolved,
                "closed_at": closed,
                "sla_met": (resolved <= due) if closed and resolved else None,
                "customer_satisfied": (
                    rng.choices(
                        (Satisfaction.YES, Satisfaction.NO, Satisfaction.PENDING), weights=(8, 1, 1)
                    )[0]
                    if closed
                    else Satisfaction.PENDING
                ),
                "added_to_kb": bool(closed) and rng.random() < 0.15,
                "time_spent_minutes": rng.randint(5, 240) if progress >= 3 else 0,
                "created_at": reported,
                "updated_at": updated,
            }
        )
        row = buffers[Ticket.__table__][-1]  # fields derived without drawing more numbers
        row["satisfaction_score"] = _score(row["customer_satisfied"], index) if closed else None
        row["closure_reason"] = _closure_reason(category_name, index) if closed else ""

        inbound = {"id": ids.take(Communication.__table__), "ticket_id": ticket_id,
                   "at": reported, "direction": Direction.INBOUND, "kind": "Customer report",
                   "subject": subject, "body": description,
                   "sender": customer_email, "recipients": "support@contegris.com",
                   "message_id": None, "author_id": None}  # fmt: skip
        buffers[Communication.__table__].append(inbound)
        if acknowledged:
            buffers[Communication.__table__].append({
                **inbound, "id": ids.take(Communication.__table__), "at": acknowledged,
                "direction": Direction.OUTBOUND, "kind": "Initial response",
                "subject": f"Re: {inbound['subject']} - Ticket #{first_number + index}",
                "body": f"Hello {customer_name},\n\nThank you for contacting AIVA Support. "
                f"We've received your request and assigned it ticket number "
                f"#{first_number + index}.\n\nPriority Level: {priority.name}",
                "sender": "support@contegris.com", "recipients": customer_email,
                "author_id": assignee,
            })  # fmt: skip
        if progress >= 3:
            for step in range(rng.randint(1, 3)):
                checked, found, action = rng.choice(TROUBLESHOOTING)
                buffers[TroubleshootingEntry.__table__].append({
                    "id": ids.take(TroubleshootingEntry.__table__), "ticket_id": ticket_id,
                    "at": min(now, (acknowledged or reported) + dt.timedelta(hours=step + 1)),
                    "title": "Initial Investigation" if step == 0 else "Follow-up",
                    "checked": checked, "found": found, "action": action, "author_id": assignee,
                })  # fmt: skip
            if rng.random() < 0.4:
                buffers[InternalNote.__table__].append({
                    "id": ids.take(InternalNote.__table__), "ticket_id": ticket_id,
                    "at": updated, "body": story["note"], "author_id": assignee,
                })  # fmt: skip
        if resolved:
            buffers[Communication.__table__].append({
                **inbound, "id": ids.take(Communication.__table__), "at": resolved,
                "direction": Direction.OUTBOUND, "kind": "Resolution notification",
                "subject": f"Re: {inbound['subject']} - Ticket #{first_number + index}",
                "body": f"Hello {customer_name},\n\n{story['solution']}\n\n"
                "Could you confirm it is working on your side?",
                "sender": "support@contegris.com", "recipients": customer_email,
                "author_id": assignee,
            })  # fmt: skip
        if escalation:
            buffers[Escalation.__table__].append({
                "id": ids.take(Escalation.__table__), "ticket_id": ticket_id,
                "at": min(now, (acknowledged or reported) + dt.timedelta(hours=2)),
                "level": escalation, "reason": "Unable to resolve with standard procedures",
                "by_id": assignee,
            })  # fmt: skip
        if rng.random() < 0.3:
            for tag_id in rng.sample(tag_ids, rng.randint(1, 2)):
                buffers[ticket_tags].append({"ticket_id": ticket_id, "tag_id": tag_id})
        audit = buffers[AuditEntry.__table__]
        audit.append({"id": ids.take(AuditEntry.__table__), "ticket_id": ticket_id,
                      "at": reported, "actor": DEMO_ACTOR, "action": "created", "field": None,
                      "old_value": None, "new_value": f"#{first_number + index}"})  # fmt: skip
        if status is not S.NEW:
            audit.append({"id": ids.take(AuditEntry.__table__), "ticket_id": ticket_id,
                          "at": updated, "actor": staff_names.get(assignee, DEMO_ACTOR),
                          "action": "changed", "field": "status", "old_value": S.NEW.label,
                          "new_value": status.label})  # fmt: skip
        segments = buffers[SlaSegment.__table__]
        waiting = status is S.WAITING_ON_CUSTOMER
        segments.append({"id": ids.take(SlaSegment.__table__), "ticket_id": ticket_id,
                         "started_at": reported, "ended_at": updated if waiting else closed,
                         "running": True, "reason": "Ticket created"})  # fmt: skip
        if waiting:
            segments.append({"id": ids.take(SlaSegment.__table__), "ticket_id": ticket_id,
                             "started_at": updated, "ended_at": None, "running": False,
                             "reason": "Waiting on customer (information requested)"})  # fmt: skip
        if status is not S.CLOSED:
            open_ticket_ids.append(ticket_id)
        flush()
    flush(force=True)
    db.search.reindex(conn, new_ticket_ids)
    SlaIndexer().reindex(conn, open_ticket_ids)
    ids.advance_sequences(conn)
    return DemoSummary(count, first_number, first_number + count - 1)
