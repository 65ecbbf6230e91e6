"""The ticket service: every way the app reads and changes tickets.

Each method is one unit of work (one transaction). Audit history and the
search index are written by the session hooks in the same transaction, and a
save over a newer version is refused with :class:`~aiva_desk.errors.ConflictError`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from aiva_desk import clock
from aiva_desk.domain import (
    CustomerRole,
    Direction,
    EscalationLevel,
    Priority,
    Satisfaction,
    StaffRole,
    TicketStatus,
)
from aiva_desk.errors import (
    AivaError,
    ConflictError,
    NotFoundError,
    TransitionRefused,
    ValidationError,
)
from aiva_desk.sla.settings_store import PolicySet, load_policy_set
from aiva_desk.store.database import Database
from aiva_desk.store.models import (
    Attachment,
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
)
from aiva_desk.tickets.attachments import AttachmentStore
from aiva_desk.tickets.close_gates import standard_workflow
from aiva_desk.tickets.editable_fields import MAX_SUBJECT, coerce_field
from aiva_desk.tickets.workflow import Action, Overlay, Workflow, escalation_refusal
from aiva_desk.validation import (
    check_line,
    check_text,
    email_problem,
    normalize_email,
    raise_if_problems,
    require,
)

TICKET_NUMBER_COUNTER = "ticket_number"


@dataclass
class NewTicket:
    """What the New Ticket dialog (or an import) provides."""

    subject: str
    customer_name: str
    customer_email: str
    category_id: int | None
    description: str = ""
    priority: Priority | None = None  # None: the category's default
    organization: str = ""
    customer_role: CustomerRole | None = None
    tenant_id: str = ""
    expected_behavior: str = ""
    actual_behavior: str = ""
    reproduction_steps: str = ""
    assignee_id: int | None = None
    reported_at: dt.datetime | None = None
    tags: list[str] = field(default_factory=list)

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        require(problems, "subject", self.subject, "A subject")
        require(problems, "customer_name", self.customer_name, "The customer's name")
        if problem := email_problem(self.customer_email):
            problems["customer_email"] = problem
        if self.category_id is None:
            problems["category_id"] = "Choose a category."
        require(problems, "description", self.description, "A description of the issue")
        if len(self.subject) > MAX_SUBJECT:
            problems["subject"] = f"The subject is longer than {MAX_SUBJECT} characters."
        check_line(problems, "subject", self.subject, "The subject")
        check_line(problems, "customer_name", self.customer_name, "The customer's name", 200)
        check_line(problems, "customer_email", self.customer_email, "The customer's e-mail")
        check_line(problems, "organization", self.organization, "The organization", 200)
        check_line(problems, "tenant_id", self.tenant_id, "The tenant", 100)
        for name in ("description", "expected_behavior", "actual_behavior", "reproduction_steps"):
            check_text(problems, name, getattr(self, name), name.replace("_", " ").capitalize())
        for tag in self.tags:
            check_line(problems, "tags", tag, "A tag", 60)
        return problems


@dataclass(frozen=True)
class TicketRef:
    id: int
    number: int
    version: int


def due_date(
    session: Session,
    reported_at: dt.datetime,
    category: Category,
    priority: Priority,
    policies: PolicySet | None = None,
) -> dt.datetime:
    """The SOP resolution deadline: the category's SLA hours on the priority's calendar
    (``policies``: the SLA policies already read, for a batch of new tickets)."""
    policies = policies or load_policy_set(session.connection())
    _policy, calendar = policies.for_priority(priority)
    return calendar.add(reported_at, dt.timedelta(hours=category.sla_hours))


_COUNTERS = Counter.__table__
_NEXT_NUMBER = (
    update(_COUNTERS)
    .where(_COUNTERS.c.name == TICKET_NUMBER_COUNTER)
    .values(value=_COUNTERS.c.value + 1)
    .returning(_COUNTERS.c.value)
)


def next_ticket_number(session: Session) -> int:
    """Take the next ticket number; the counter only grows, so numbers are never reused.
    One statement, built once: a batch of received mail takes many numbers."""
    return session.connection().execute(_NEXT_NUMBER).scalar_one()


class TicketService:
    """Tickets, their logs and their workflow, acting on behalf of ``actor``."""

    def __init__(
        self,
        db: Database,
        *,
        actor: str,
        attachments: AttachmentStore | None = None,
        workflow: Workflow | None = None,
    ) -> None:
        self.db = db
        self.actor = actor
        self.attachments = attachments
        self.workflow = workflow or standard_workflow()

    # -- reading -------------------------------------------------------------------

    def get(self, ticket_id: int) -> Ticket:
        """A detached ticket with everything the ticket view shows already loaded."""
        with self.db.read_session() as session:
            ticket = session.scalars(
                select(Ticket)
                .where(Ticket.id == ticket_id)
                .options(
                    selectinload(Ticket.category),
                    selectinload(Ticket.customer).selectinload(Customer.organization),
                    selectinload(Ticket.assignee),
                    selectinload(Ticket.tags),
                    selectinload(Ticket.troubleshooting),
                    selectinload(Ticket.communications),
                    selectinload(Ticket.notes),
                    selectinload(Ticket.escalations).selectinload(Escalation.to_staff),
                    selectinload(Ticket.attachments),
                    selectinload(Ticket.clock_segments),
                )
            ).one_or_none()
            if ticket is None:
                raise NotFoundError(f"Ticket id {ticket_id} does not exist (it may be deleted).")
            session.expunge_all()
            return ticket

    def id_for_number(self, number: int) -> int:
        with self.db.read_session() as session:
            found = session.scalars(select(Ticket.id).where(Ticket.number == number)).first()
        if found is None:
            raise NotFoundError(f"There is no ticket #{number}.")
        return found

    def history(self, ticket_id: int) -> list[AuditEntry]:
        with self.db.read_session() as session:
            entries = session.scalars(
                select(AuditEntry)
                .where(AuditEntry.ticket_id == ticket_id)
                .order_by(AuditEntry.at, AuditEntry.id)
            ).all()
            session.expunge_all()
            return list(entries)

    def search(self, text: str, limit: int = 200) -> list[int]:
        """Ticket ids whose text matches every word of ``text``, best first."""
        with self.db.read_session() as session:
            return list(session.scalars(self.db.search.matching_ids(text).limit(limit)))

    def categories(self, *, active_only: bool = True) -> list[Category]:
        with self.db.read_session() as session:
            query = select(Category).order_by(Category.sort_order, Category.name)
            if active_only:
                query = query.where(Category.active.is_(True))
            result = list(session.scalars(query))
            session.expunge_all()
            return result

    def staff(self) -> list[Staff]:
        with self.db.read_session() as session:
            result = list(
                session.scalars(select(Staff).where(Staff.active.is_(True)).order_by(Staff.name))
            )
            session.expunge_all()
            return result

    def close_blockers(self, ticket_id: int, unsaved: dict[str, Any] | None = None) -> list[str]:
        """What keeps the ticket from closing now (:mod:`aiva_desk.tickets.close_gates`),
        judged on the stored ticket with ``unsaved`` values on top; [] when nothing does."""
        with self.db.read_session() as session:
            ticket = session.get(Ticket, ticket_id)
            if ticket is None:
                raise NotFoundError(f"Ticket id {ticket_id} no longer exists.")
            seen = Overlay(ticket, unsaved) if unsaved else ticket
            return self.workflow.refusal_reasons(seen, Action.CLOSE)

    # -- creating ------------------------------------------------------------------

    def create(self, new: NewTicket) -> TicketRef:
        """Validate and store a new ticket; the customer is found by e-mail or created."""
        with self.db.session(self.actor) as session:
            ticket = self.insert(session, new)
            session.flush()
            return TicketRef(ticket.id, ticket.number, ticket.version)

    def insert(
        self,
        session: Session,
        new: NewTicket,
        *,
        policies: PolicySet | None = None,
        customers: dict[str, Customer | None] | None = None,
    ) -> Ticket:
        """:meth:`create` within the caller's unit of work (a received mail stores its
        ticket and its first message together); the ticket is added, not yet flushed.
        ``policies``, ``customers`` (by normalized e-mail; None: none yet): what the caller
        read once for many tickets; the customers are kept up to date, so that tickets not
        yet flushed share theirs."""
        raise_if_problems(new.problems())
        category = session.get(Category, new.category_id)
        if category is None:
            raise ValidationError({"category_id": "The chosen category no longer exists."})
        reported = new.reported_at or clock.now()
        priority = new.priority or category.default_priority
        ticket = Ticket(
            number=next_ticket_number(session),
            subject=new.subject.strip(),
            customer=self._customer_for(session, new, customers),
            category=category,
            priority=priority,
            reported_at=reported,
            sla_due_at=due_date(session, reported, category, priority, policies),
            description=new.description.strip(),
            expected_behavior=new.expected_behavior.strip(),
            actual_behavior=new.actual_behavior.strip(),
            reproduction_steps=new.reproduction_steps.strip(),
            assignee_id=new.assignee_id,
            tags=[self.tag(session, name) for name in clean_tags(new.tags)],
        )
        session.add(ticket)
        return ticket

    def _customer_for(
        self, session: Session, new: NewTicket, known: dict[str, Customer | None] | None = None
    ) -> Customer:
        email, known = normalize_email(new.customer_email), {} if known is None else known
        if email not in known:
            known[email] = session.scalars(select(Customer).where(Customer.email == email)).first()
        customer = known[email]
        if customer is None:
            customer = known[email] = Customer(email=email, name=new.customer_name.strip())
            session.add(customer)
        else:
            customer.name = new.customer_name.strip() or customer.name
        if new.organization.strip():
            customer.organization = self._organization(session, new.organization, new.tenant_id)
        if new.customer_role is not None:
            customer.role = new.customer_role
        if new.tenant_id.strip():
            customer.tenant_id = new.tenant_id.strip()
        return customer

    @staticmethod
    def _organization(session: Session, name: str, tenant_id: str) -> Organization:
        name = name.strip()
        org = session.scalars(select(Organization).where(Organization.name == name)).first()
        if org is None:
            org = Organization(name=name, tenant_id=tenant_id.strip() or None)
            session.add(org)
        elif tenant_id.strip() and not org.tenant_id:
            org.tenant_id = tenant_id.strip()
        return org

    @staticmethod
    def tag(session: Session, name: str) -> Tag:
        """The tag called ``name``, created if new (one not yet flushed counts too)."""
        pending = (obj for obj in session.new if isinstance(obj, Tag) and obj.name == name)
        tag = next(pending, None) or session.scalars(select(Tag).where(Tag.name == name)).first()
        if tag is None:
            tag = Tag(name=name)
            session.add(tag)
        return tag

    # -- changing ------------------------------------------------------------------

    def _locked(self, session: Session, ticket_id: int, expected_version: int | None) -> Ticket:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFoundError(f"Ticket id {ticket_id} does not exist (it may be deleted).")
        if expected_version is not None and ticket.version != expected_version:
            raise ConflictError(
                f"Ticket #{ticket.number} was saved elsewhere since you opened it "
                f"(your copy is version {expected_version}, the saved one is version "
                f"{ticket.version}). Nothing was overwritten.",
                number=ticket.number,
                expected=expected_version,
                actual=ticket.version,
            )
        return ticket

    def write_ticket(self, ticket_id: int, expected_version: int | None, change: Any) -> int:
        """Run ``change(session, ticket)`` in one transaction; return the new version."""
        try:
            with self.db.session(self.actor) as session:
                ticket = self._locked(session, ticket_id, expected_version)
                change(session, ticket)
                session.flush()
                return ticket.version
        except StaleDataError as exc:
            raise ConflictError(
                "The ticket was saved by someone else at the same moment. Nothing was "
                "overwritten; reload it and try again.",
                number=0,
                expected=expected_version or 0,
                actual=-1,
            ) from exc

    def update(self, ticket_id: int, expected_version: int, changes: dict[str, Any]) -> int:
        """Save edited fields (and ``"tags"``, a list of names) in one transaction, if
        nobody saved the ticket since ``expected_version``."""
        changes = dict(changes)
        tags = changes.pop("tags", None)
        values = {name: coerce_field(name, value) for name, value in changes.items()}
        problems: dict[str, str] = {}
        for tag in tags or ():
            check_line(problems, "tags", tag, "A tag")
        if "subject" in values:
            require(problems, "subject", values["subject"], "A subject")
        score = values.get("satisfaction_score")
        if score is not None and not 1 <= score <= 5:
            problems["satisfaction_score"] = "The satisfaction score must be from 1 to 5."
        raise_if_problems(problems)

        def change(session: Session, ticket: Ticket) -> None:
            with session.no_autoflush:  # one flush, one version step
                if tags is not None:
                    ticket.tags = [self.tag(session, name) for name in clean_tags(tags)]
                for name, value in values.items():
                    setattr(ticket, name, value)
                if "category_id" in values:
                    ticket.category_guessed = False  # an agent chose it

        return self.write_ticket(ticket_id, expected_version, change)

    def perform(self, ticket_id: int, action: Action, expected_version: int | None = None) -> int:
        """Take one workflow step, or raise :class:`TransitionRefused` saying why not."""
        return self.write_ticket(
            ticket_id,
            expected_version,
            lambda _s, ticket: self.workflow.apply(ticket, Action(action), clock.now()),
        )

    def triage(
        self,
        ticket_id: int,
        *,
        category_id: int,
        priority: Priority,
        due: dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> int:
        """SOP step 2 in one go: category, priority and due date, then the Triaged state."""

        def change(session: Session, ticket: Ticket) -> None:
            category = session.get(Category, category_id)
            if category is None:
                raise NotFoundError("The chosen category no longer exists.")
            ticket.category = category
            ticket.category_id = category.id
            ticket.category_guessed = False
            ticket.priority = Priority(priority)
            ticket.sla_due_at = due or due_date(
                session, ticket.reported_at, category, ticket.priority
            )
            self.workflow.apply(ticket, Action.TRIAGE, clock.now())

        return self.write_ticket(ticket_id, expected_version, change)

    def escalate(self, ticket_id: int, level: EscalationLevel, reason: str) -> int:
        problems: dict[str, str] = {}
        check_text(problems, "reason", reason, "The reason for escalating")
        raise_if_problems(problems)

        def change(session: Session, ticket: Ticket) -> None:
            if refusal := escalation_refusal(ticket, EscalationLevel(level), reason):
                raise TransitionRefused("Escalate", [refusal])
            ticket.escalation_level = EscalationLevel(level)
            ticket.escalations.append(
                Escalation(level=EscalationLevel(level), reason=reason.strip(), by_name=self.actor)
            )

        return self.write_ticket(ticket_id, None, change)

    def add_troubleshooting(
        self, ticket_id: int, *, checked: str, found: str, action: str, title: str = ""
    ) -> int:
        problems: dict[str, str] = {}
        if not any(part.strip() for part in (checked, found, action)):
            problems["checked"] = "Write what was checked, found or done."
        check_line(problems, "title", title, "The title")
        for name, value in (("checked", checked), ("found", found), ("action", action)):
            check_text(problems, name, value, f"“{name.capitalize()}”")
        raise_if_problems(problems)
        entry = TroubleshootingEntry(
            title=title.strip(), checked=checked.strip(), found=found.strip(), action=action.strip()
        )
        return self.write_ticket(ticket_id, None, lambda _s, t: t.troubleshooting.append(entry))

    def add_note(self, ticket_id: int, body: str) -> int:
        problems: dict[str, str] = {}
        require(problems, "body", body, "The note")
        check_text(problems, "body", body, "The note")
        raise_if_problems(problems)
        note = InternalNote(body=body.strip())
        return self.write_ticket(ticket_id, None, lambda _s, t: t.notes.append(note))

    def add_communication(
        self,
        ticket_id: int,
        *,
        direction: Direction,
        subject: str,
        body: str,
        kind: str = "",
        sender: str = "",
        recipients: Sequence[str] = (),
        message_id: str | None = None,
        at: dt.datetime | None = None,
        draft: bool = False,
    ) -> int:
        """Log a message; the first outbound one sent sets the ticket's first-response time.

        A ``draft`` is kept in the log for the agent to copy or send; it counts for nothing.
        """
        problems: dict[str, str] = {}
        check_line(problems, "subject", subject, "The subject")
        check_text(problems, "body", body, "The message")
        check_line(problems, "sender", sender, "The sender")
        check_line(problems, "recipients", ", ".join(recipients), "The recipients")
        check_line(problems, "message_id", message_id, "The Message-ID")
        raise_if_problems(problems)
        message = Communication(
            direction=Direction(direction),
            kind=kind,
            subject=subject,
            body=body,
            sender=sender,
            recipients=", ".join(recipients),
            message_id=message_id,
            at=at or clock.now(),
            draft=draft,
        )

        def change(_session: Session, ticket: Ticket) -> None:
            ticket.communications.append(message)
            sent = message.direction is Direction.OUTBOUND and not message.draft
            if sent and ticket.first_response_at is None:
                ticket.first_response_at = message.at

        return self.write_ticket(ticket_id, None, change)

    def record_customer_confirmation(self, ticket_id: int, how: str = "") -> int:
        """The customer confirmed the fix works (SOP step 6), from their reply or a call."""

        return self.write_ticket(
            ticket_id, None, lambda _s, ticket: self.mark_confirmed(ticket, how)
        )

    def mark_confirmed(self, ticket: Ticket, how: str) -> None:
        """Set the confirmation fields of ``ticket`` inside a write (also for a reply's
        one-click offer, so both leave the same fields and audit)."""
        ticket.customer_confirmed_at = clock.now()
        ticket.customer_confirmed_by = (how.strip() or f"recorded by {self.actor}")[:200]
        if ticket.customer_satisfied is Satisfaction.PENDING:  # "it works": satisfied (SOP)
            ticket.customer_satisfied = Satisfaction.YES

    def close_with_override(
        self, ticket_id: int, reason: str, *, staff_id: int | None, record: Any = None
    ) -> int:
        """Senior support closes a ticket the gates refuse; who and why go on the record
        (``record(ticket)``: the closure's own values, :mod:`aiva_desk.tickets.closing`)."""
        problems: dict[str, str] = {}
        require(problems, "reason", reason, "The reason for closing anyway")
        check_text(problems, "reason", reason, "The reason for closing anyway")
        raise_if_problems(problems)

        def change(session: Session, ticket: Ticket) -> None:
            staff = session.get(Staff, staff_id) if staff_id is not None else None
            if staff is None or staff.role is not StaffRole.SENIOR_SUPPORT:
                raise TransitionRefused(
                    "Close anyway", ["Only senior support may close a ticket past its gates."]
                )
            if ticket.status is TicketStatus.CLOSED:
                raise TransitionRefused("Close anyway", ["The ticket is already closed."])
            if record is not None:
                record(ticket)
            self.workflow.override(ticket, Action.CLOSE, clock.now())
            ticket.close_override_reason = f"{staff.name}: {reason.strip()}"
            session.add(
                AuditEntry(
                    ticket=ticket,
                    at=clock.now(),
                    actor=self.actor,
                    action="closed with override",
                    field="status",
                    new_value=ticket.close_override_reason,
                )
            )

        return self.write_ticket(ticket_id, None, change)

    def attach(self, ticket_id: int, source: Path) -> int:
        """Copy a file into the attachment store and link it to the ticket."""
        if self.attachments is None:
            raise AivaError("Attachments are not available for this database.")
        stored = self.attachments.add(Path(source))
        attachment = Attachment(
            filename=stored.filename,
            sha256=stored.sha256,
            size=stored.size,
            mime_type=stored.mime_type,
        )
        return self.write_ticket(ticket_id, None, lambda _s, t: t.attachments.append(attachment))


def clean_tags(names: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for name in names:
        cleaned = " ".join(name.strip().lower().split())
        if cleaned:
            seen.setdefault(cleaned[:60], None)
    return list(seen)
