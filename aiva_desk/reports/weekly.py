"""The SOP's Continuous Improvement questions as a report for one ISO week, with the
team's notes on training and procedures saved with the week.

Every list comes from SQL aggregates or short, limited queries, so a week of a
large database answers in well under a second.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select

from aiva_desk import clock
from aiva_desk.reports.metrics import MetricsReport, compute_metrics, seconds_between
from aiva_desk.reports.periods import Period
from aiva_desk.store.database import Database
from aiva_desk.store.models import Category, Escalation, Tag, Ticket, ticket_tags
from aiva_desk.store.review_models import WeeklyReview

TOP = 10
_WORD = re.compile(r"[^\W\d_]{3,}")  # letters of any script, no digits
_STOP = frozenset(
    {
        "the",
        "and",
        "for",
        "not",
        "with",
        "from",
        "that",
        "this",
        "are",
        "was",
        "when",
        "our",
        "all",
        "can",
        "after",
        "again",
        "does",
        "doesn",
        "have",
        "has",
        "its",
        "too",
        "into",
        "out",
        "any",
    }
)
DOCUMENTATION_FIELDS = {
    "root_cause": "root cause",
    "solution": "solution",
    "steps_taken": "steps taken",
    "verification": "verification",
    "prevention": "prevention",
}


@dataclass(frozen=True)
class TicketLine:
    number: int
    subject: str
    detail: str


@dataclass(frozen=True)
class ReviewNotes:
    documentation: str = ""  # what could be documented better
    procedures: str = ""  # what new procedures are needed
    training: str = ""  # what training is needed


@dataclass
class WeeklyReport:
    week: str
    period: Period
    total_reported: int
    by_category: list[tuple[str, int]]
    by_tag: list[tuple[str, int]]
    longest: list[TicketLine]
    slowest_categories: list[tuple[str, float, int]]  # name, average seconds, tickets
    incomplete: list[TicketLine]
    repeated: list[tuple[str, list[int]]]  # "Billing: invoice wrong", ticket numbers
    escalations: list[TicketLine]
    breaches: list[TicketLine]
    metrics: MetricsReport
    notes: ReviewNotes = field(default_factory=ReviewNotes)


def subject_key(subject: str) -> str:
    """Words that make two subjects "the same issue": lower-case, no short or filler words."""
    words = {w for w in _WORD.findall(subject.lower()) if w not in _STOP}
    return " ".join(sorted(words))


def _in(column: object, period: Period) -> object:
    return and_(column >= period.start, column < period.end)


def weekly_review(db: Database, week: str) -> WeeklyReport:
    period = Period.iso_week(week)
    dialect = db.engine.dialect.name
    reported = _in(Ticket.reported_at, period)
    resolution = seconds_between(Ticket.resolved_at, Ticket.reported_at, dialect)
    with db.read_session() as session:
        total = session.scalar(select(func.count()).select_from(Ticket).where(reported)) or 0
        category_name = func.coalesce(Category.name, "Uncategorised")
        by_category = [
            (name, count)
            for name, count in session.execute(
                select(category_name, func.count())
                .select_from(Ticket)
                .outerjoin(Category, Category.id == Ticket.category_id)
                .where(reported)
                .group_by(category_name)
                .order_by(func.count().desc(), category_name)
            )
        ]
        by_tag = [
            (name, count)
            for name, count in session.execute(
                select(Tag.name, func.count())
                .select_from(ticket_tags)
                .join(Tag, Tag.id == ticket_tags.c.tag_id)
                .join(Ticket, Ticket.id == ticket_tags.c.ticket_id)
                .where(reported)
                .group_by(Tag.name)
                .order_by(func.count().desc(), Tag.name)
                .limit(TOP)
            )
        ]
        resolved = _in(Ticket.resolved_at, period)
        longest = [
            TicketLine(number, subject, f"{seconds / 3600:.1f} h")
            for number, subject, seconds in session.execute(
                select(Ticket.number, Ticket.subject, resolution)
                .where(resolved, resolution >= 0)
                .order_by(resolution.desc())
                .limit(TOP)
            )
        ]
        slowest = [
            (name, float(average), count)
            for name, average, count in session.execute(
                select(category_name, func.avg(resolution), func.count())
                .select_from(Ticket)
                .outerjoin(Category, Category.id == Ticket.category_id)
                .where(resolved, resolution >= 0)
                .group_by(category_name)
                .order_by(func.avg(resolution).desc())
            )
        ]
        incomplete = _incomplete(session, period)
        repeated = _repeated(session, reported)
        escalations = [
            TicketLine(number, subject, reason)
            for number, subject, reason in session.execute(
                select(Ticket.number, Ticket.subject, Escalation.reason)
                .join(Ticket, Ticket.id == Escalation.ticket_id)
                .where(_in(Escalation.at, period))
                .order_by(Escalation.at)
            )
        ]
        # Missed this week: resolved after the due date (closed or still awaiting the
        # customer's confirmation), or still open at a due date that has passed.
        passed = min(clock.now(), period.end)
        late = and_(
            resolved,
            or_(  # judged at close; until then, by the due date
                Ticket.sla_met.is_(False),
                and_(Ticket.sla_met.is_(None), Ticket.resolved_at > Ticket.sla_due_at),
            ),
        )
        still_open = and_(
            Ticket.resolved_at.is_(None),
            Ticket.closed_at.is_(None),
            Ticket.sla_due_at >= period.start,
            Ticket.sla_due_at < passed,
        )
        breaches = [
            TicketLine(
                number,
                subject,
                "open past its SLA deadline"
                if resolved_at is None
                else "resolved after its SLA deadline",
            )
            for number, subject, resolved_at in session.execute(
                select(Ticket.number, Ticket.subject, Ticket.resolved_at)
                .where(or_(late, still_open))
                .order_by(Ticket.number)
            )
        ]
        row = session.scalar(select(WeeklyReview).where(WeeklyReview.week == week.strip()))
        notes = (
            ReviewNotes(row.documentation, row.procedures, row.training) if row else ReviewNotes()
        )
    return WeeklyReport(
        week=week.strip(),
        period=period,
        total_reported=total,
        by_category=by_category,
        by_tag=by_tag,
        longest=longest,
        slowest_categories=slowest,
        incomplete=incomplete,
        repeated=repeated,
        escalations=escalations,
        breaches=breaches,
        metrics=compute_metrics(db, period),
        notes=notes,
    )


def _incomplete(session: object, period: Period) -> list[TicketLine]:
    """Tickets resolved this week whose resolution documentation has gaps (SOP)."""
    columns = [getattr(Ticket, name) for name in DOCUMENTATION_FIELDS]
    gaps = or_(*(func.trim(column) == "" for column in columns))
    rows = session.execute(  # type: ignore[attr-defined]
        select(Ticket.number, Ticket.subject, *columns)
        .where(_in(Ticket.resolved_at, period), gaps)
        .order_by(Ticket.number)
    )
    result = []
    for number, subject, *values in rows:
        missing = [
            label
            for label, value in zip(DOCUMENTATION_FIELDS.values(), values, strict=True)
            if not (value or "").strip()
        ]
        result.append(TicketLine(number, subject, "missing " + ", ".join(missing)))
    return result


def _repeated(session: object, reported: object) -> list[tuple[str, list[int]]]:
    """Same category and the same subject words: the issue came back."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    names: dict[tuple[str, str], str] = {}
    rows = session.execute(  # type: ignore[attr-defined]
        select(Ticket.number, Ticket.subject, func.coalesce(Category.name, "Uncategorised"))
        .outerjoin(Category, Category.id == Ticket.category_id)
        .where(reported)
        .order_by(Ticket.number)
    )
    for number, subject, category in rows:
        key = (category, subject_key(subject))
        if key[1]:
            groups[key].append(number)
            names.setdefault(key, f"{category}: {subject}")
    repeated = [(names[key], numbers) for key, numbers in groups.items() if len(numbers) > 1]
    repeated.sort(key=lambda item: (-len(item[1]), item[0]))
    return repeated[: TOP * 2]


def save_notes(db: Database, week: str, notes: ReviewNotes, *, actor: str) -> None:
    """Keep the team's answers to "what to document, which procedures, what training"."""
    Period.iso_week(week)  # refuses a malformed week
    with db.session(actor) as session:
        row = session.scalar(select(WeeklyReview).where(WeeklyReview.week == week.strip()))
        if row is None:
            row = WeeklyReview(week=week.strip())
            session.add(row)
        row.documentation = notes.documentation.strip()
        row.procedures = notes.procedures.strip()
        row.training = notes.training.strip()
        row.updated_at = clock.now()
        row.updated_by = actor
