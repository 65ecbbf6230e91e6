"""The SOP's message templates: what each is for, where its text lives, how it renders.

Every template file starts with a ``Subject:`` line, a blank line, then the
plain-text body. The agent's edits go to the data dir (``templates/email``);
the shipped files are never modified and "Restore" simply removes the edit.
``[[ … ]]`` marks a gap the agent must fill before the message can be sent.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiva_desk import template_engine
from aiva_desk.runtime.private_files import private_dir
from aiva_desk.template_engine import TemplateProblem

FOLDER = "email"
HTML_LAYOUT = f"{FOLDER}/_layout.html.j2"
_GAP = re.compile(r"\[\[\s*(.*?)\s*\]\]", re.DOTALL)


@dataclass(frozen=True)
class TemplateInfo:
    key: str
    title: str
    kind: str  # the communication log's label for a message sent with it
    audience: str  # "customer" or "internal"
    purpose: str

    @property
    def name(self) -> str:
        return f"{FOLDER}/{self.key}.txt.j2"


CATALOG: tuple[TemplateInfo, ...] = (
    TemplateInfo(
        "acknowledgment",
        "Acknowledgment",
        "Initial response",
        "customer",
        "Step 1: confirm receipt, priority and expected response time (auto or manual).",
    ),
    TemplateInfo(
        "p1_critical",
        "P1 - Critical Issue",
        "Initial response",
        "customer",
        "First response to a critical issue: escalated, next update in 30 minutes.",
    ),
    TemplateInfo(
        "request_information",
        "Request for Information",
        "Request for information",
        "customer",
        "Ask the open checklist questions (three at most) and the usual extras.",
    ),
    TemplateInfo(
        "still_investigating",
        "Still Investigating",
        "Update",
        "customer",
        "The regular update, even without progress (P1 every 30 min, P2 every 4 h, daily).",
    ),
    TemplateInfo(
        "solution",
        "Solution",
        "Resolution notification",
        "customer",
        "The six points of a solution message; asks the customer to confirm.",
    ),
    TemplateInfo(
        "resolution_confirmation",
        "Resolution Confirmation / Feedback",
        "Feedback request",
        "customer",
        "After the customer confirmed: thanks and a 1-5 satisfaction question.",
    ),
    TemplateInfo(
        "escalated",
        "Escalated (to customer)",
        "Escalated",
        "customer",
        "Tell the customer who took it over, what was found, next steps and timeline.",
    ),
    TemplateInfo(
        "escalation_internal",
        "Internal Escalation (to senior support)",
        "Internal escalation",
        "internal",
        "The SOP's internal escalation form for senior support.",
    ),
    TemplateInfo(
        "escalation_development",
        "Development Escalation",
        "Development escalation",
        "internal",
        "The SOP's escalation form for the development team.",
    ),
)
_BY_KEY = {info.key: info for info in CATALOG}


def info(key: str) -> TemplateInfo:
    try:
        return _BY_KEY[key]
    except KeyError:
        raise TemplateProblem(f"There is no message template called “{key}”.") from None


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body: str

    @property
    def gaps(self) -> list[str]:
        """The ``[[ … ]]`` gaps still to fill, in order."""
        return gaps_in(self.subject + "\n" + self.body)

    def as_text(self) -> str:
        return f"Subject: {self.subject}\n\n{self.body}"


def gaps_in(text: str) -> list[str]:
    return [match.group(1) or "(unnamed gap)" for match in _GAP.finditer(text)]


def split_message(text: str, name: str) -> RenderedMessage:
    """``Subject: …`` line, blank line, body → a message; refuse text without a subject."""
    first, _, rest = text.partition("\n")
    if not first.startswith("Subject:"):
        raise TemplateProblem(
            f"The template {name} must start with a “Subject:” line (line 1).", line=1
        )
    subject = first.removeprefix("Subject:").strip()
    if not subject:
        raise TemplateProblem(f"The template {name} has an empty subject (line 1).", line=1)
    return RenderedMessage(subject, rest.lstrip("\n").rstrip() + "\n")


def render_message(key: str, context: dict[str, Any]) -> RenderedMessage:
    """Render a template (the agent's edit if any) or raise naming what is missing."""
    template = info(key)
    return split_message(template_engine.render(template.name, **context), template.name)


def render_html(message: RenderedMessage) -> str:
    """The HTML alternative: the plain text, escaped, so a customer's words stay text."""
    return template_engine.render(HTML_LAYOUT, subject=message.subject, body=message.body)


class TemplateLibrary:
    """The shipped templates and the agent's edits of them (kept in ``folder``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _edited(self, key: str) -> Path:
        return self.folder / info(key).name

    def shipped_source(self, key: str) -> str:
        return (template_engine.shipped_dir() / info(key).name).read_text(encoding="utf-8")

    def source(self, key: str) -> str:
        edited = self._edited(key)
        return edited.read_text(encoding="utf-8") if edited.exists() else self.shipped_source(key)

    def is_edited(self, key: str) -> bool:
        return self._edited(key).exists()

    def preview(self, key: str, source: str, context: dict[str, Any]) -> RenderedMessage:
        """Render unsaved text: the editor's live preview and the check before saving."""
        name = info(key).name
        return split_message(template_engine.render_source(source, name, **context), name)

    def save(self, key: str, source: str, context: dict[str, Any]) -> None:
        """Keep the agent's edit, after it rendered against ``context`` without errors."""
        self.preview(key, source, context)
        target = self._edited(key)
        private_dir(target.parent)
        with tempfile.NamedTemporaryFile(
            "w", dir=target.parent, suffix=".tmp", delete=False, encoding="utf-8"
        ) as handle:
            handle.write(source)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, target)
        template_engine.environment().cache.clear()  # type: ignore[union-attr]

    def restore(self, key: str) -> None:
        """Back to the shipped text: the edit is removed, the shipped file is untouched."""
        self._edited(key).unlink(missing_ok=True)
        template_engine.environment().cache.clear()  # type: ignore[union-attr]
