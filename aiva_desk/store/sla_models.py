"""The SLA's tables: business calendars, each priority's editable policy, the segments of
a ticket's clock (running or paused, and why) and the alerts already raised."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aiva_desk.store.models import Base, Ticket, UTCDateTime


class Calendar(Base):
    """Business hours in an IANA time zone, with holidays (see aiva_desk.sla.calendar)."""

    __tablename__ = "calendars"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    tz: Mapped[str] = mapped_column(String(64))
    hours_json: Mapped[str] = mapped_column(Text)  # {"0": [["09:00", "17:00"]], ...}
    holidays_json: Mapped[str] = mapped_column(Text, default="[]")  # ["2026-12-25", ...]
    country: Mapped[str | None] = mapped_column(String(8))
    subdivision: Mapped[str | None] = mapped_column(String(16))


class SlaPolicyRow(Base):
    """The editable SLA numbers for one priority."""

    __tablename__ = "sla_policies"

    priority: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    acknowledge_minutes: Mapped[int]
    first_response_minutes: Mapped[int]
    update_every_minutes: Mapped[int | None]
    updates_before_deadline: Mapped[int]
    escalate_within_minutes: Mapped[int | None]
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id"))
    warn_fractions: Mapped[str] = mapped_column(String(60))
    warn_before_minutes: Mapped[int]


class SlaSegment(Base):
    """A stretch of a ticket's SLA clock, running or paused, and why."""

    __tablename__ = "sla_segments"
    __table_args__ = (Index("ix_sla_segments_ticket_id_started_at", "ticket_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    running: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(200))

    ticket: Mapped[Ticket] = relationship()


class SlaAlert(Base):
    """An SLA warning or breach that was raised: each fires once per deadline and level."""

    __tablename__ = "sla_alerts"
    __table_args__ = (
        UniqueConstraint("ticket_id", "kind", "due_at", "level", name="uq_sla_alerts_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    level: Mapped[str] = mapped_column(String(16))
    alert_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    fired_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
