"""Mail a machine sent: never acknowledged or answered automatically, or two programs
answer each other forever (RFC 3834). Each rule says why, so the agent can see it."""

from __future__ import annotations

from email.message import Message

_LIST_HEADERS = ("List-Id", "List-Unsubscribe", "List-Post")
_BULK = {"bulk", "junk", "list", "auto_reply"}
_DAEMONS = ("mailer-daemon@", "postmaster@", "noreply@", "no-reply@", "do-not-reply@")


def _get(message: Message, name: str) -> str:
    try:
        return str(message.get(name) or "").strip()
    except Exception:
        return ""


BOUNCE = "a delivery report (bounce)"
RECEIPT = "a read receipt"


def _report_type(message: Message) -> str:
    if message.get_content_type() != "multipart/report":
        return ""
    return str(message.get_param("report-type") or "").lower()


def is_bounce(message: Message) -> bool:
    """A delivery status report: a message of ours that could not be delivered (or is
    delayed)."""
    return _report_type(message) == "delivery-status"


def machine_reason(message: Message, from_address: str) -> str | None:
    """Why ``message`` comes from a machine, or None when a person wrote it."""
    report = _report_type(message)
    if report == "delivery-status":
        return BOUNCE
    if report == "disposition-notification":
        return RECEIPT
    auto = _get(message, "Auto-Submitted").lower()
    if auto and auto != "no":
        return f"sent automatically (Auto-Submitted: {auto})"
    if _get(message, "X-Auto-Response-Suppress") or _get(message, "X-Autoreply"):
        return "an automatic reply"
    if _get(message, "Precedence").lower() in _BULK:
        return f"bulk mail (Precedence: {_get(message, 'Precedence').lower()})"
    if any(_get(message, name) for name in _LIST_HEADERS):
        return "a mailing list message"
    if _get(message, "X-Loop"):
        return "a message that has looped (X-Loop)"
    return_path = _get(message, "Return-Path")
    if return_path in ("<>", "") and "Return-Path" in message:
        return "a message with no return address (null sender)"
    if from_address.lower().startswith(_DAEMONS):
        return "a message from a mail system"
    return None
