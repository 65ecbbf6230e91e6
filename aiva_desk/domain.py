"""The vocabulary of the SOP as enumerations shared by the store, workflow and GUI."""

from __future__ import annotations

import enum


class TicketStatus(enum.StrEnum):
    """The SOP's seven workflow steps as states, plus waiting and reopened."""

    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    TRIAGED = "triaged"
    INVESTIGATING = "investigating"
    RESOLVING = "resolving"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    CLOSED = "closed"
    REOPENED = "reopened"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def is_open(self) -> bool:
        return self is not TicketStatus.CLOSED


_STATUS_LABELS = {
    TicketStatus.NEW: "New",
    TicketStatus.ACKNOWLEDGED: "Acknowledged",
    TicketStatus.TRIAGED: "Triaged",
    TicketStatus.INVESTIGATING: "Investigating",
    TicketStatus.RESOLVING: "Resolving",
    TicketStatus.WAITING_ON_CUSTOMER: "Waiting on customer",
    TicketStatus.AWAITING_CONFIRMATION: "Awaiting confirmation",
    TicketStatus.CLOSED: "Closed",
    TicketStatus.REOPENED: "Reopened",
}


class Priority(enum.IntEnum):
    P1 = 1
    P2 = 2
    P3 = 3
    P4 = 4

    @property
    def label(self) -> str:
        return self.name

    @property
    def meaning(self) -> str:
        return ("Critical", "High", "Medium", "Low")[self.value - 1]


class CustomerRole(enum.StrEnum):
    ADMIN = "Admin"
    AGENT_MANAGER = "Agent Manager"
    CLIENT = "Client"


class StaffRole(enum.StrEnum):
    AGENT = "agent"
    SENIOR_SUPPORT = "senior_support"
    DEVELOPMENT = "development"

    @property
    def label(self) -> str:
        return {"agent": "Agent", "senior_support": "Senior support", "development": "Development"}[
            self.value
        ]


class Consistency(enum.StrEnum):
    UNKNOWN = "unknown"
    CONSISTENT = "consistent"
    INTERMITTENT = "intermittent"


class SolutionClass(enum.StrEnum):
    """The SOP's "Determine Solution" classes."""

    QUICK = "quick"  # < 5 min
    STANDARD = "standard"  # 5-30 min
    COMPLEX = "complex"  # 30-60 min
    ESCALATION = "escalation"  # requires escalation


class Satisfaction(enum.StrEnum):
    PENDING = "pending"
    YES = "yes"
    NO = "no"


class ClosureReason(enum.StrEnum):
    """How a ticket was resolved; "self-service" counts for the self-service rate."""

    NONE = ""
    RESOLVED_BY_SUPPORT = "support"
    SELF_SERVICE = "self_service"  # resolved by customer with documentation
    DUPLICATE = "duplicate"
    NO_RESPONSE = "no_response"

    @property
    def label(self) -> str:
        return {
            "": "—",
            "support": "Resolved by support",
            "self_service": "Resolved by customer with documentation",
            "duplicate": "Duplicate",
            "no_response": "No response from customer",
        }[self.value]


class EscalationLevel(enum.IntEnum):
    NONE = 0
    SENIOR_SUPPORT = 1
    DEVELOPMENT = 2

    @property
    def label(self) -> str:
        return ("Not escalated", "Senior support", "Development")[self.value]


class Direction(enum.StrEnum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"
