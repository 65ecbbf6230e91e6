"""Typed mail errors, each worded for the agent and marked temporary or not.

``temporary`` decides the outbox's fate for a message: retried with backoff,
or failed at once so the agent is told.
"""

from __future__ import annotations

import socket
import ssl

from aiva_desk.errors import AivaError


class MailError(AivaError):
    title = "E-mail not sent"
    temporary = False


class MailboxProblem(MailError):
    """Reading a mailbox went wrong in a way no more specific error names."""

    title = "Mail not read"


class AddressProblem(MailError):
    title = "Address problem"


class KeyringUnavailable(MailError):
    title = "No password store"


class MissingPassword(MailError):
    title = "Password needed"


class AuthenticationFailed(MailError):
    title = "Login refused"


class TokenCommandFailed(AuthenticationFailed):
    """The command that prints an OAuth2 access token did not give one."""

    title = "OAuth2 token not obtained"


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


def network_problem(exc: BaseException, host: str, port: int) -> MailError | None:
    """The :class:`MailError` for a socket or TLS failure talking to ``host:port`` (SMTP and
    IMAP alike, so the agent reads the same words for the same trouble); ``None`` for any
    other exception."""
    where = f"{host}:{port}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return TlsProblem(
            f"The certificate of {where} could not be verified ({exc.verify_message}). "
            "Check the host name; the server may be misconfigured."
        )
    if isinstance(exc, ssl.SSLError):
        return TlsProblem(f"The secure connection to {where} failed ({exc.reason or exc}).")
    if isinstance(exc, TimeoutError | socket.timeout):
        return ServerTimeout(f"{where} did not answer in time. It will be tried again.")
    if isinstance(exc, socket.gaierror):
        return ServerUnreachable(f"The mail server name “{host}” could not be found.")
    if isinstance(exc, OSError):
        reason = exc.strerror or type(exc).__name__
        return ServerUnreachable(f"Could not reach {where} ({reason}).")
    return None
