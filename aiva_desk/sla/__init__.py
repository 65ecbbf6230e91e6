"""SLA clocks: business calendars, policies and deadlines (no Qt)."""

from aiva_desk.sla.calendar import BusinessCalendar, CalendarError

__all__ = ["BusinessCalendar", "CalendarError"]
