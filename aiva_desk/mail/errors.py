"""Typed mail errors, each worded for the agent and marked temporary or not.

``temporary`` decides the outbox's fate for a message: retried with backoff,
or failed at once so the agent is told.
"""

from __future__ import annotations

from aiva_desk.errors import AivaError


class MailError(AivaError):
    title = "E-mail not sent"
    temporary = False


class AddressProblem(MailError):
    title = "Address problem"


class KeyringUnavailable(MailError):
    title = "No password store"


class MissingPassword(MailError):
    title = "Password needed"


class AuthenticationFailed(MailError):
    title = "Login refused"


class TlsProblem(MailError):
    title = "Secure connection failed"


class ServerUnreachable(MailError):
    title = "Mail server unreachable"
    temporary = True


class ServerTimeout(MailError):
    title = "Mail server timed out"
    temporary = True


class TemporaryRejection(MailError):
    title = "Mail server asked to try later"
    temporary = True


class PermanentRejection(MailError):
    title = "Mail server refused the message"


class RecipientsRefused(MailError):
    """Some or all recipients were refused; ``refused`` maps address → server reply."""

    title = "Recipient refused"

    def __init__(self, message: str, refused: dict[str, str], *, temporary: bool) -> None:
        super().__init__(message)
        self.refused = refused
        self.temporary = temporary
