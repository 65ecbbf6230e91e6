"""Who is blocked: an address, or a whole domain written ``@example.com``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from aiva_desk.store.inbound_models import BlockedSender


def block_key(text: str) -> str:
    """The stored form of an address or ``@domain``: trimmed, lower case."""
    return text.strip().lower()


def block_keys(address: str) -> tuple[str, ...]:
    """The entries that would block ``address``: itself and its ``@domain`` (none for an
    empty address)."""
    address = block_key(address)
    return (address, "@" + address.rpartition("@")[2]) if address else ()


def blocked_entry(session: Session, address: str) -> BlockedSender | None:
    """The entry that blocks ``address`` (itself or its domain), or ``None``."""
    keys = block_keys(address)
    if not keys:
        return None
    return session.scalars(
        select(BlockedSender).where(BlockedSender.address.in_(keys)).limit(1)
    ).first()
