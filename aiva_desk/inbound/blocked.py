"""Who is blocked: an address, or a whole domain written ``@example.com``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from aiva_desk.store.inbound_models import BlockedSender


def block_key(text: str) -> str:
    """The stored form of an address or ``@domain``: trimmed, lower case."""
    return text.strip().lower()


def blocked_entry(session: Session, address: str) -> BlockedSender | None:
    """The entry that blocks ``address`` (itself or its domain), or ``None``."""
    address = block_key(address)
    if not address:
        return None
    domain = "@" + address.rpartition("@")[2]
    return session.scalars(
        select(BlockedSender).where(BlockedSender.address.in_([address, domain])).limit(1)
    ).first()
