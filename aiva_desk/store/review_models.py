"""The weekly review's own record: the team's notes for one ISO week."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from aiva_desk import clock
from aiva_desk.store.models import Base, UTCDateTime


class WeeklyReview(Base):
    """Notes on training needs and new procedures, saved with the week (``2026-W47``)."""

    __tablename__ = "weekly_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(10), unique=True)
    documentation: Mapped[str] = mapped_column(Text, default="")  # what to document better
    procedures: Mapped[str] = mapped_column(Text, default="")  # new procedures needed
    training: Mapped[str] = mapped_column(Text, default="")  # training needed
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_by: Mapped[str] = mapped_column(String(200), default="")
