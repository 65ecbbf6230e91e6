"""SQLAlchemy models for every field of the SOP's ticket template.

Portable SQL only (SQLite now, PostgreSQL later): enums are stored as short
strings, times as UTC, and the SQLite-only full-text index lives in
:mod:`aiva_desk.store.search`, not here.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from aiva_desk import clock
from aiva_desk.domain import (
    ClosureReason,
    Consistency,
    CustomerRole,
    Direction,
    EscalationLevel,
    Priority,
    Satisfaction,
    SolutionClass,
    StaffRole,
    TicketStatus,
)

if TYPE_CHECKING:
    from aiva_desk.store.sla_models import SlaSegment  # its table sits with the SLA's

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stores naive UTC, hands back aware UTC; refuses naive input (ambiguous)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware (UTC) datetime")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


def _str_enum(enum_cls: type[enum.Enum]) -> Enum:
    return Enum(
        enum_cls,
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class IntEnumType(TypeDecorator[Any]):
    """An ``IntEnum`` stored as a plain integer (sortable in SQL: P1 < P4)."""

    impl = Integer
    cache_ok = True

    def __init__(self, enum_cls: type[enum.IntEnum]) -> None:
        super().__init__()
        self.enum_cls = enum_cls

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        return None if value is None else int(self.enum_cls(value))

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return None if value is None else self.enum_cls(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Category(Base):
    """A ticket category from the SOP table; editable data, not code."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    default_priority: Mapped[Priority] = mapped_column(IntEnumType(Priority))
    sla_hours: Mapped[float]
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    tenant_id: Mapped[str | None] = mapped_column(String(100))

    customers: Mapped[list[Customer]] = relationship(back_populates="organization")


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (
        Index("ix_customers_name", "name"),
        Index("ix_customers_organization_id", "organization_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    role: Mapped[CustomerRole | None] = mapped_column(_str_enum(CustomerRole))
    tenant_id: Mapped[str | None] = mapped_column(String(100))

    organization: Mapped[Organization | None] = relationship(back_populates="customers")


class Staff(Base):
    """Support staff: agents, senior support and development."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[StaffRole] = mapped_column(_str_enum(StaffRole), default=StaffRole.AGENT)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Counter(Base):
    """Monotonic counters (ticket numbers): never reused, even after a delete."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int]


ticket_tags = Table(
    "ticket_tags",
    Base.metadata,
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_ticket_tags_tag_id", "tag_id"),
)


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)


class Ticket(Base):
    """One support ticket, laid out like the SOP's "Support Ticket Template"."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_status_priority", "status", "priority"),
        Index("ix_tickets_updated_at", "updated_at"),
        Index("ix_tickets_sla_due_at", "sla_due_at"),
        Index("ix_tickets_assignee_status", "assignee_id", "status"),
        Index("ix_tickets_category_id", "category_id"),
        Index("ix_tickets_customer_id", "customer_id"),
        Index("ix_tickets_reported_at", "reported_at"),
        Index("ix_tickets_closed_at", "closed_at"),
        Index("ix_tickets_subject", "subject"),
        Index("ix_tickets_priority", "priority"),
        Index("ix_tickets_escalation_level", "escalation_level"),
        # The side list's views: an open status with a due-date range, escalation, or
        # a recent closing date (see migration 0005 and aiva_desk.queue.query.builtin_views).
        Index("ix_tickets_status_sla_due_at", "status", "sla_due_at"),
        Index("ix_tickets_status_escalation_level", "status", "escalation_level"),
        Index("ix_tickets_status_closed_at", "status", "closed_at"),
        # The queue's default order within views (open, newest change first), and
        # reading a status's or an agent's tickets in id order (see migration 0007 and
        # aiva_desk.queue.query.GROUPED_SORTS).
        Index("ix_tickets_status_updated_at", "status", "updated_at"),
        Index("ix_tickets_status", "status"),
        Index("ix_tickets_assignee_id", "assignee_id"),
        Index("ix_tickets_next_alert_at", "next_alert_at"),
        Index("ix_tickets_next_deadline_at", "next_deadline_at"),
        # covering indexes for the quality metrics (aiva_desk.reports.metrics)
        Index(
            "ix_tickets_metrics_reported",
            "reported_at",
            "first_response_at",
            "escalation_level",
            "reopen_count",
            "closed_at",
            "category_id",
            "priority",
            "assignee_id",
        ),
        Index(
            "ix_tickets_metrics_resolved",
            "resolved_at",
            "reported_at",
            "sla_met",
            "category_id",
            "priority",
            "assignee_id",
        ),
        Index(
            "ix_tickets_metrics_closed",
            "closed_at",
            "satisfaction_score",
            "closure_reason",
            "category_id",
            "priority",
            "assignee_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    version: Mapped[int] = mapped_column(default=1)
    subject: Mapped[str] = mapped_column(String(300))
    status: Mapped[TicketStatus] = mapped_column(_str_enum(TicketStatus), default=TicketStatus.NEW)

    # Issue details
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    priority: Mapped[Priority | None] = mapped_column(IntEnumType(Priority))
    reported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    sla_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    # Customer and staff
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    # Issue information (what / expected / actual / when / consistency / scope / changes)
    description: Mapped[str] = mapped_column(Text, default="")
    expected_behavior: Mapped[str] = mapped_column(Text, default="")
    actual_behavior: Mapped[str] = mapped_column(Text, default="")
    started_when: Mapped[str] = mapped_column(String(200), default="")
    consistency: Mapped[Consistency] = mapped_column(
        _str_enum(Consistency), default=Consistency.UNKNOWN
    )
    users_affected: Mapped[str] = mapped_column(String(100), default="")
    recent_changes: Mapped[str] = mapped_column(Text, default="")

    # Reproduction
    reproduction_steps: Mapped[str] = mapped_column(Text, default="")
    can_reproduce: Mapped[bool | None] = mapped_column(Boolean)
    reproduction_conditions: Mapped[str] = mapped_column(Text, default="")

    # Technical information
    agent_ref: Mapped[str] = mapped_column(String(100), default="")
    knowledge_base_ref: Mapped[str] = mapped_column(String(100), default="")
    browser: Mapped[str] = mapped_column(String(100), default="")
    operating_system: Mapped[str] = mapped_column(String(100), default="")
    error_messages: Mapped[str] = mapped_column(Text, default="")
    console_errors: Mapped[str] = mapped_column(Text, default="")
    network_errors: Mapped[str] = mapped_column(Text, default="")

    # Resolution
    root_cause: Mapped[str] = mapped_column(Text, default="")
    solution: Mapped[str] = mapped_column(Text, default="")
    steps_taken: Mapped[str] = mapped_column(Text, default="")
    verification: Mapped[str] = mapped_column(Text, default="")
    prevention: Mapped[str] = mapped_column(Text, default="")
    solution_class: Mapped[SolutionClass | None] = mapped_column(_str_enum(SolutionClass))
    # What the customer is told (the resolution panel's Communicate step): their wording,
    # never the internal fields above
    customer_explanation: Mapped[str] = mapped_column(Text, default="", server_default="")
    customer_fix: Mapped[str] = mapped_column(Text, default="", server_default="")
    customer_steps: Mapped[str] = mapped_column(Text, default="", server_default="")
    customer_prevention: Mapped[str] = mapped_column(Text, default="", server_default="")

    # Workflow milestones
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    first_response_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    escalation_level: Mapped[EscalationLevel] = mapped_column(
        IntEnumType(EscalationLevel), default=EscalationLevel.NONE
    )
    reopen_count: Mapped[int] = mapped_column(default=0)

    # Closure
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sla_met: Mapped[bool | None] = mapped_column(Boolean)
    customer_satisfied: Mapped[Satisfaction] = mapped_column(
        _str_enum(Satisfaction), default=Satisfaction.PENDING
    )
    added_to_kb: Mapped[bool] = mapped_column(Boolean, default=False)
    satisfaction_score: Mapped[int | None] = mapped_column()  # 1-5, from the feedback request
    satisfaction_comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    closure_reason: Mapped[ClosureReason] = mapped_column(
        _str_enum(ClosureReason), default=ClosureReason.NONE, server_default=""
    )
    time_spent_minutes: Mapped[int] = mapped_column(default=0)
    # A ticket made from a customer's mail: its category was guessed, until triage sets it
    category_guessed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)

    # SLA clock state, kept current by the SLA hooks (see aiva_desk.sla.indexer)
    next_deadline_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    next_deadline_kind: Mapped[str | None] = mapped_column(String(32))
    next_alert_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sla_paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    # Close gates (aiva_desk.tickets.close_gates): the customer's confirmation and an
    # override's reason
    customer_confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    customer_confirmed_by: Mapped[str | None] = mapped_column(String(200))
    close_override_reason: Mapped[str | None] = mapped_column(Text)
    # "When to Escalate" conditions the agent ticked (comma-separated keys, see escalation)
    escalation_flags: Mapped[str] = mapped_column(Text, default="", server_default="")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    category: Mapped[Category | None] = relationship()
    customer: Mapped[Customer] = relationship()
    assignee: Mapped[Staff | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=ticket_tags, order_by="Tag.name")
    troubleshooting: Mapped[list[TroubleshootingEntry]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", order_by="TroubleshootingEntry.at"
    )
    communications: Mapped[list[Communication]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", order_by="Communication.at"
    )
    notes: Mapped[list[InternalNote]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", order_by="InternalNote.at"
    )
    escalations: Mapped[list[Escalation]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", order_by="Escalation.at"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", order_by="Attachment.added_at"
    )
    clock_segments: Mapped[list[SlaSegment]] = relationship(
        viewonly=True, order_by="SlaSegment.started_at"
    )

    def paused_time(self, now: dt.datetime) -> dt.timedelta:
        """Wall time the SLA clock spent paused (waiting on the customer), up to ``now``."""
        return sum(
            ((s.ended_at or now) - s.started_at for s in self.clock_segments if not s.running),
            dt.timedelta(0),
        )

    @property
    def time_to_resolution(self) -> dt.timedelta | None:
        if self.resolved_at is None:
            return None
        return self.resolved_at - self.reported_at


class _TicketChild:
    """Columns every per-ticket record shares."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)


class TroubleshootingEntry(_TicketChild, Base):
    """A timestamped "Checked / Found / Action" entry of the troubleshooting log."""

    __tablename__ = "troubleshooting_entries"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    checked: Mapped[str] = mapped_column(Text, default="")
    found: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    ticket: Mapped[Ticket] = relationship(back_populates="troubleshooting")
    author: Mapped[Staff | None] = relationship()


class Communication(_TicketChild, Base):
    """One message in the customer communication log."""

    __tablename__ = "communications"
    __table_args__ = (
        Index("ix_communications_message_id", "message_id"),
        Index("ix_communications_original_sha256", "original_sha256"),
    )

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    direction: Mapped[Direction] = mapped_column(_str_enum(Direction))
    kind: Mapped[str] = mapped_column(String(60), default="")  # e.g. "Initial response"
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    sender: Mapped[str] = mapped_column(String(320), default="")
    recipients: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str | None] = mapped_column(String(300))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    draft: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A received mail: the quoted history and signature folded away from ``body``, and
    # the whole original (.eml) in the attachment store, by SHA-256
    quoted: Mapped[str] = mapped_column(Text, default="", server_default="")
    original_sha256: Mapped[str | None] = mapped_column(String(64))
    # What a received reply seems to offer, for the agent to record with one click (never
    # recorded silently): "confirmed" or "score:N" (1-5); emptied once recorded or dismissed
    offer: Mapped[str] = mapped_column(String(40), default="", server_default="")

    ticket: Mapped[Ticket] = relationship(back_populates="communications")


class InternalNote(_TicketChild, Base):
    __tablename__ = "internal_notes"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    ticket: Mapped[Ticket] = relationship(back_populates="notes")
    author: Mapped[Staff | None] = relationship()


class Escalation(_TicketChild, Base):
    """An escalation event; the ticket's ``escalation_level`` is the current marker."""

    __tablename__ = "escalations"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    level: Mapped[EscalationLevel] = mapped_column(IntEnumType(EscalationLevel))
    reason: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    by_name: Mapped[str | None] = mapped_column(String(200))
    form_json: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # de-escalated
    ended_by: Mapped[str | None] = mapped_column(String(200))
    # Who takes it: a staff member, or the queue of a role (``to_role``) when nobody is named
    to_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    to_role: Mapped[str] = mapped_column(String(32), default="", server_default="")
    seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # by the one it went to

    ticket: Mapped[Ticket] = relationship(back_populates="escalations")
    to_staff: Mapped[Staff | None] = relationship(foreign_keys=[to_staff_id])


class Attachment(Base):
    """A file attached to a ticket; its bytes live in the data dir under their SHA-256."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    mime_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    ticket: Mapped[Ticket] = relationship(back_populates="attachments")


category_checklists = Table(
    "category_checklists",
    Base.metadata,
    Column("category_id", ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "template_id", ForeignKey("checklist_templates.id", ondelete="CASCADE"), primary_key=True
    ),
)


class ChecklistTemplate(Base):
    """A checklist from the SOP (or added by a lead): information, questions, gates, reviews."""

    __tablename__ = "checklist_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))  # information/questions/pre_resolution/...
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    items: Mapped[list[ChecklistTemplateItem]] = relationship(
        order_by="ChecklistTemplateItem.sort_order", cascade="all, delete-orphan"
    )
    categories: Mapped[list[Category]] = relationship(secondary=category_checklists)


class ChecklistTemplateItem(Base):
    __tablename__ = "checklist_template_items"
    __table_args__ = (Index("ix_checklist_template_items_template_id", "template_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("checklist_templates.id", ondelete="CASCADE")
    )
    text: Mapped[str] = mapped_column(String(300))
    field: Mapped[str | None] = mapped_column(String(60))  # the ticket field that checks it
    sort_order: Mapped[int] = mapped_column(default=0)


class TicketChecklistItem(Base):
    """One checklist item's state on one ticket: checked by whom and when, and the answer."""

    __tablename__ = "ticket_checklist_items"
    __table_args__ = (UniqueConstraint("ticket_id", "item_id", name="uq_ticket_checklist_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(
        ForeignKey("checklist_template_items.id", ondelete="CASCADE")
    )
    checked: Mapped[bool] = mapped_column(Boolean, default=False)
    checked_by: Mapped[str | None] = mapped_column(String(200))
    checked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str] = mapped_column(Text, default="")


class SavedView(Base):
    """A queue filter an agent saved under a name of their own."""

    __tablename__ = "saved_views"
    __table_args__ = (UniqueConstraint("owner", "name", name="uq_saved_views_owner_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(80))
    filter_json: Mapped[str] = mapped_column(Text)
    sort_key: Mapped[str] = mapped_column(String(40), default="updated_at")
    descending: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)


class AuditEntry(Base):
    """Who changed what, when: old → new. Written in the same transaction as the change."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_ticket_id_at", "ticket_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    field: Mapped[str | None] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)

    ticket: Mapped[Ticket | None] = relationship()


__all__ = [
    "Attachment",
    "AuditEntry",
    "Base",
    "Category",
    "ChecklistTemplate",
    "ChecklistTemplateItem",
    "Communication",
    "Counter",
    "Customer",
    "Escalation",
    "InternalNote",
    "Organization",
    "SavedView",
    "Staff",
    "Tag",
    "Ticket",
    "TicketChecklistItem",
    "TroubleshootingEntry",
]
