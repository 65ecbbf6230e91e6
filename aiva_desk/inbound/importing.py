"""``aiva-desk import-mail``: messages from files take the path mail from a mailbox takes.

A path is one message (``.eml``), a folder of them (read in name order, below it too,
skipping files that are not mail such as ``.txt`` or ``.html``) or an mbox file (as mail
clients export). Messages are taken in :data:`BATCH` at a time (one transaction each,
in which a message that cannot be stored rolls back alone), so one that cannot be read
or stored is named in the summary and the others still come in.
"""

from __future__ import annotations

import mailbox
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from aiva_desk import clock
from aiva_desk.errors import AivaError
from aiva_desk.inbound.intake import MailIntake
from aiva_desk.inbound.message import InboundMail, read_mail

BATCH = 200  # messages per transaction: one commit per batch, memory stays small


class MailImportError(AivaError):
    title = "Mail not imported"


@dataclass
class ImportSummary:
    counts: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)  # "name: why"

    def line(self, source: Path | str) -> str:
        """One line for the terminal: what came in, and what did not and why."""
        counts = self.counts
        parts = [
            _count(counts["new ticket"], "new ticket", "new tickets"),
            _count(counts["reply"], "reply attached", "replies attached"),
        ]
        if counts["bounce"]:
            parts.append(_count(counts["bounce"], "delivery failure", "delivery failures"))
        if counts["duplicate"]:
            parts.append(f"{counts['duplicate']} ignored (already taken in)")
        if counts["spam"]:
            parts.append(f"{counts['spam']} from blocked senders (kept as spam)")
        if counts["ignored"]:
            parts.append(f"{counts['ignored']} kept aside (not for a ticket)")
        if self.skipped:
            parts.append(f"{len(self.skipped)} not read ({'; '.join(self.skipped[:3])})")
        taken = _count(sum(counts.values()), "message", "messages")
        return f"Imported {taken} from {source}: " + ", ".join(parts) + "."


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _looks_like_mail(path: Path) -> bool:
    """In a folder: ``.eml`` and ``.mbox`` files, and files without a suffix (a Maildir's
    ``1733.M5P6.host:2,S`` counts as none); notes, pages and licences are left alone."""
    suffix = path.suffix.lower()
    return suffix in ("", ".eml", ".mbox") or ":2," in path.name


def _is_mbox(path: Path) -> bool:
    if path.suffix.lower() == ".mbox":
        return True
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


def messages_in(path: Path) -> Iterator[tuple[str, bytes | OSError]]:
    """(name, raw message) for each message at ``path``; the error for one not readable."""
    if path.is_dir():
        for item in sorted(p for p in path.rglob("*") if p.is_file()):
            if not item.name.startswith(".") and _looks_like_mail(item):
                yield from messages_in(item)
        return
    try:
        if not _is_mbox(path):
            yield path.name, path.read_bytes()
            return
        box = mailbox.mbox(path, create=False)
    except OSError as exc:
        yield path.name, exc
        return
    try:
        for number, key in enumerate(box.iterkeys(), start=1):
            yield f"{path.name} #{number}", box.get_bytes(key)
    finally:
        box.close()


def import_mail(intake: MailIntake, source: Path, *, batch: int = BATCH) -> ImportSummary:
    """Take in every message at ``source``, ``batch`` messages per transaction."""
    if not source.exists():
        raise MailImportError(f"There is no file or folder {source}.")
    summary = ImportSummary()
    names: list[str] = []
    mails: list[InboundMail] = []
    for name, raw in messages_in(source):
        if isinstance(raw, OSError):
            summary.skipped.append(f"{name}: {raw.strerror or raw}")
            continue
        names.append(name)
        mails.append(read_mail(raw, clock.now()))
        if len(mails) >= batch:
            _take(intake, names, mails, summary)
            names, mails = [], []
    _take(intake, names, mails, summary)
    return summary


def _take(
    intake: MailIntake, names: list[str], mails: list[InboundMail], summary: ImportSummary
) -> None:
    for name, taken in zip(names, intake.take_all(mails), strict=True):
        if taken.kind == "failed":  # e.g. a message larger than the attachment limit
            summary.skipped.append(f"{name}: {taken.note}")
        else:
            summary.counts[taken.kind] += 1
