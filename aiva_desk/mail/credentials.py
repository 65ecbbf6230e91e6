"""SMTP passwords in the OS keyring (service ``aiva-desk``) and nowhere else.

Never in the database, settings, logs or exception text. When no keyring backend
is usable (none installed, locked, or one that would write plain text) the agent
is told so plainly and may keep the password in memory for this session only.
"""

from __future__ import annotations

import logging

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError

from aiva_desk.mail.errors import KeyringUnavailable

SERVICE = "aiva-desk"
log = logging.getLogger(__name__)


def account_key(account_id: int, username: str) -> str:
    return f"smtp/{account_id}/{username}"


def _unsafe(backend: KeyringBackend) -> str | None:
    """Why ``backend`` must not hold passwords, or ``None``."""
    name = type(backend).__module__ + "." + type(backend).__name__
    if name.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return "No password store (keyring) is available on this computer."
    if name.startswith("keyring.backends.chainer") and not getattr(backend, "backends", None):
        return "No password store (keyring) is available on this computer."
    if "plaintext" in name.lower() or name.startswith("keyrings.alt.file.Plaintext"):
        return "The only password store available would keep passwords as plain text."
    return None


class CredentialStore:
    """Passwords by key: the keyring first, then this session's memory if allowed."""

    def __init__(self) -> None:
        self._session: dict[str, str] = {}

    def backend_problem(self) -> str | None:
        """Why the keyring can't be used here (shown to the agent), or ``None``."""
        return _unsafe(keyring.get_keyring())

    def describe_backend(self) -> str:
        backend = keyring.get_keyring()
        return getattr(backend, "name", type(backend).__name__)

    def save(self, key: str, password: str) -> None:
        """Keep ``password`` in the keyring; raise :class:`KeyringUnavailable` if it can't."""
        if problem := self.backend_problem():
            raise KeyringUnavailable(
                f"{problem} The password was not saved; you can use it for this session only."
            )
        try:
            keyring.set_password(SERVICE, key, password)
        except KeyringError as exc:
            raise KeyringUnavailable(
                "The password store refused to save the password "
                f"({type(exc).__name__}); you can use it for this session only."
            ) from None
        self._session.pop(key, None)

    def remember_for_session(self, key: str, password: str) -> None:
        self._session[key] = password

    def get(self, key: str) -> str | None:
        if key in self._session:
            return self._session[key]
        if self.backend_problem():
            return None
        try:
            return keyring.get_password(SERVICE, key)
        except KeyringError as exc:
            log.warning("Password store unavailable (%s)", type(exc).__name__)
            return None

    def delete(self, key: str) -> None:
        self._session.pop(key, None)
        if self.backend_problem():
            return
        try:
            keyring.delete_password(SERVICE, key)
        except PasswordDeleteError:
            pass
        except KeyringError as exc:
            log.warning("Password not removed from the store (%s)", type(exc).__name__)
