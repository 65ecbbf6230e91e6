"""The one exception hierarchy of the core.

Every error a user can cause or meet (bad input, a locked database, a refused
workflow step) is an :class:`AivaError` whose message is written for the
user. Anything else that escapes is a bug, and the GUI treats it as one.
"""

from __future__ import annotations


class AivaError(Exception):
    """An error with a message meant for the person using the app."""

    title = "AIVA Desk"

    def __init__(self, message: str, *, details: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


class ValidationError(AivaError):
    """Input that cannot be stored; ``problems`` maps a field name to what is wrong."""

    title = "Please check the form"

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        lines = "\n".join(f"• {text}" for text in self.problems.values())
        super().__init__(f"Some fields need attention:\n{lines}")


class NotFoundError(AivaError):
    title = "Not found"


class DataDirError(AivaError):
    """The data directory cannot be created or written."""

    title = "Data folder unavailable"


class DatabaseError(AivaError):
    """The database cannot be opened or used; nothing in it was changed."""

    title = "Database problem"


class CorruptDatabaseError(DatabaseError):
    title = "Database cannot be read"


class ForeignDatabaseError(DatabaseError):
    title = "Not an AIVA Desk database"


class NewerDatabaseError(DatabaseError):
    title = "Database from a newer version"


class DatabaseLockedError(DatabaseError):
    title = "Database is busy"


class ConflictError(AivaError):
    """The ticket was saved elsewhere since it was loaded; nothing was overwritten."""

    title = "Ticket changed elsewhere"

    def __init__(self, message: str, *, number: int, expected: int, actual: int) -> None:
        super().__init__(message)
        self.number = number
        self.expected_version = expected
        self.actual_version = actual


class TransitionRefused(AivaError):
    """A workflow step is not allowed now; ``reasons`` says why, in plain words."""

    title = "Step not possible yet"

    def __init__(self, action_label: str, reasons: list[str]) -> None:
        self.action_label = action_label
        self.reasons = list(reasons)
        joined = "\n".join(f"• {reason}" for reason in self.reasons)
        super().__init__(f"Cannot {action_label.lower()}:\n{joined}")


class AttachmentError(AivaError):
    title = "Attachment not added"


class ArchiveError(AivaError):
    """A whole-data archive cannot be written or read (damaged, newer, wrong target)."""
