"""Editing the checklist templates: names, items, and the categories a question set is for.

What a template edit may do, so that nothing already stored is lost and the close
gate keeps working:

* Every template can be reworded: its items can be added, edited, reordered. An item
  bound to a ticket field (``field``) keeps its field when its text changes; new items
  are ticked by an agent.
* An item that a ticket has already checked or answered cannot be removed (its answers
  would go with it): reword it instead. Items nobody has touched can be removed.
* Only issue-type question sets (kind ``questions``) are attached to categories; the
  other kinds show on every ticket (:data:`aiva_desk.tickets.checklists.ALWAYS_SHOWN`).
* The Pre-Resolution Checklist is the close gate: it keeps its name (the gate's message
  and the checklist panel name it), cannot be switched off, and its items bound to a
  ticket field (verification, the customer's confirmation, root cause, prevention)
  cannot be removed. Its wording, order and extra items are editable like any other.
  No second gate can be added.
* A template can be switched off (and on again): it stops showing on tickets, and what
  tickets recorded on it is kept.

Every change is audited (``AuditEntry`` without a ticket), in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from aiva_desk import clock
from aiva_desk.errors import NotFoundError, ValidationError
from aiva_desk.store.database import Database
from aiva_desk.store.models import (
    AuditEntry,
    Category,
    ChecklistTemplate,
    ChecklistTemplateItem,
    TicketChecklistItem,
)
from aiva_desk.tickets.checklists import ALWAYS_SHOWN, PRE_RESOLUTION

QUESTIONS = "questions"
KIND_LABELS = {
    "information": "Information",
    QUESTIONS: "Issue-type questions",
    PRE_RESOLUTION: "Close gate",
    "post_review": "Post-resolution review",
    "documentation": "Documentation",
}
KINDS = tuple(KIND_LABELS)
ATTACHABLE_KINDS = frozenset(set(KINDS) - set(ALWAYS_SHOWN))  # the others show everywhere
CREATABLE_KINDS = tuple(kind for kind in KINDS if kind != PRE_RESOLUTION)  # one close gate
MAX_NAME = 120
MAX_TEXT = 300


@dataclass(frozen=True)
class TemplateItem:
    """An item as stored, with how many tickets have checked or answered it."""

    id: int
    text: str
    field: str | None
    recorded: int = 0


@dataclass(frozen=True)
class Template:
    id: int
    key: str
    name: str
    kind: str
    active: bool
    items: tuple[TemplateItem, ...]
    category_ids: tuple[int, ...]

    @property
    def attachable(self) -> bool:
        return self.kind in ATTACHABLE_KINDS

    @property
    def gate(self) -> bool:
        return self.kind == PRE_RESOLUTION

    def removal_refused(self, item: TemplateItem) -> str | None:
        """Why ``item`` cannot be removed from this template, or ``None``."""
        return _removal_refused(self.name, self.kind, item.text, item.field, item.recorded)


@dataclass(frozen=True)
class ItemEdit:
    text: str
    item_id: int | None = None  # None: a new item


@dataclass(frozen=True)
class TemplateEdit:
    """A template as it should be stored: its items in order (stored items left out are
    removed) and, for a question set, the categories it is attached to."""

    name: str
    items: tuple[ItemEdit, ...]
    category_ids: tuple[int, ...] = ()
    active: bool = True
    template_id: int | None = None  # None: a new template of ``kind``
    kind: str | None = None
    label: str = field(default="", compare=False)  # names the template in messages


# -- reading -----------------------------------------------------------------------------


def _recorded_counts(session: Session) -> dict[int, int]:
    """Per item id, the tickets on which it is checked or has an answer."""
    rows = session.execute(
        select(TicketChecklistItem.item_id, func.count())
        .where(or_(TicketChecklistItem.checked.is_(True), TicketChecklistItem.answer != ""))
        .group_by(TicketChecklistItem.item_id)
    )
    return {item_id: count for item_id, count in rows}


def _describe(row: ChecklistTemplate, recorded: dict[int, int]) -> Template:
    return Template(
        id=row.id,
        key=row.key,
        name=row.name,
        kind=row.kind,
        active=row.active,
        items=tuple(
            TemplateItem(item.id, item.text, item.field, recorded.get(item.id, 0))
            for item in row.items
        ),
        category_ids=tuple(sorted(category.id for category in row.categories)),
    )


def _template_rows(session: Session) -> list[ChecklistTemplate]:
    return list(
        session.scalars(
            select(ChecklistTemplate)
            .options(
                selectinload(ChecklistTemplate.items), selectinload(ChecklistTemplate.categories)
            )
            .order_by(ChecklistTemplate.sort_order, ChecklistTemplate.id)
        )
    )


def list_templates(db: Database) -> list[Template]:
    """Every template (switched-off ones too) in SOP order, with items and categories."""
    with db.read_session() as session:
        recorded = _recorded_counts(session)
        return [_describe(row, recorded) for row in _template_rows(session)]


def edit_of(template: Template) -> TemplateEdit:
    """``template`` as an edit that changes nothing: the start of any change."""
    return TemplateEdit(
        name=template.name,
        items=tuple(ItemEdit(item.text, item.id) for item in template.items),
        category_ids=template.category_ids,
        active=template.active,
        template_id=template.id,
        kind=template.kind,
    )


# -- validating ----------------------------------------------------------------------------


def _removal_refused(
    name: str, kind: str, text: str, bound_to: str | None, recorded: int
) -> str | None:
    if recorded:
        tickets = "1 ticket" if recorded == 1 else f"{recorded} tickets"
        return (
            f"“{text}” in “{name}” has been checked or answered on {tickets}; removing it "
            "would lose those answers. Reword it instead."
        )
    if kind == PRE_RESOLUTION and bound_to:
        return (
            f"“{text}” is part of the close gate and checks itself from the ticket; "
            "it can be reworded but not removed."
        )
    return None


def _clean(text: str) -> str:
    return " ".join(text.split())


def _edit_problems(
    edit: TemplateEdit,
    row: ChecklistTemplate | None,
    recorded: dict[int, int],
    category_ids: set[int],
) -> dict[str, str]:
    problems: dict[str, str] = {}
    kind = row.kind if row is not None else (edit.kind or "")
    label = edit.label or (row.name if row is not None else _clean(edit.name)) or "New checklist"
    name = _clean(edit.name)
    if row is None and kind not in CREATABLE_KINDS:
        allowed = ", ".join(KIND_LABELS[k] for k in CREATABLE_KINDS)
        problems["kind"] = f"A new checklist must be one of: {allowed}" + (
            " (there is one close gate, the Pre-Resolution Checklist)." if kind else "."
        )
    elif row is not None and edit.kind not in (None, row.kind):
        problems["kind"] = f"The kind of “{row.name}” cannot be changed."
    if not name:
        problems["name"] = "A checklist needs a name."
    elif len(name) > MAX_NAME:
        problems["name"] = f"The name “{name[:40]}…” is longer than {MAX_NAME} characters."
    elif kind == PRE_RESOLUTION and row is not None and name != row.name:
        problems["name"] = (
            f"“{row.name}” is the close gate and keeps its name (the gate's message names it)."
        )
    if kind == PRE_RESOLUTION and not edit.active:
        problems["active"] = f"“{label}” is the close gate; it cannot be switched off."

    stored = {item.id: item for item in row.items} if row is not None else {}
    texts: set[str] = set()
    kept: set[int] = set()
    for position, item in enumerate(edit.items, 1):
        text = _clean(item.text)
        if not text:
            problems.setdefault("items", f"Item {position} of “{label}” has no text.")
        elif len(text) > MAX_TEXT:
            problems.setdefault(
                "items", f"Item {position} of “{label}” is longer than {MAX_TEXT} characters."
            )
        elif text.casefold() in texts:
            problems.setdefault("items", f"“{text}” is in “{label}” twice.")
        texts.add(text.casefold())
        if item.item_id is not None:
            if item.item_id not in stored or item.item_id in kept:
                problems.setdefault(
                    "items", f"An item of “{label}” no longer exists; reload the checklists."
                )
            kept.add(item.item_id)
    if not edit.items:
        problems.setdefault("items", f"“{label}” needs at least one item.")
    for item_id, item in stored.items():
        if item_id in kept:
            continue
        refused = _removal_refused(label, kind, item.text, item.field, recorded.get(item_id, 0))
        if refused:
            problems.setdefault("items", refused)

    wanted = set(edit.category_ids)
    if wanted and kind not in ATTACHABLE_KINDS:
        problems["categories"] = (
            f"“{label}” shows on every ticket; only issue-type question sets are attached "
            "to categories."
        )
    elif unknown := sorted(wanted - category_ids):
        problems["categories"] = (
            f"There is no category with id {', '.join(str(i) for i in unknown)}; "
            "reload the categories."
        )
    return problems


def _problems(
    session: Session, edits: Sequence[TemplateEdit], rows: dict[int, ChecklistTemplate]
) -> dict[str, str]:
    recorded = _recorded_counts(session)
    category_ids = set(session.scalars(select(Category.id)))
    problems: dict[str, str] = {}
    multiple = len(edits) > 1
    edited = {edit.template_id for edit in edits if edit.template_id is not None}
    names = {row.name.casefold(): row.name for row in rows.values() if row.id not in edited}
    for index, edit in enumerate(edits):
        row = rows.get(edit.template_id) if edit.template_id is not None else None
        found = _edit_problems(edit, row, recorded, category_ids)
        name = _clean(edit.name)
        if name and "name" not in found:
            if name.casefold() in names:
                found["name"] = f"There is already a checklist called “{names[name.casefold()]}”."
            names[name.casefold()] = name
        for key, message in found.items():
            problems[f"{index}.{key}" if multiple else key] = message
    return problems


# -- saving ------------------------------------------------------------------------------


def _new_key(session: Session, kind: str, name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_")[:28] or "checklist"
    base = f"{'questions' if kind == QUESTIONS else kind.split('_')[0][:8]}_{slug}"
    taken = set(session.scalars(select(ChecklistTemplate.key)))
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base[:36]}_{number}"
    return key


def _place_new(session: Session, kind: str) -> int:
    """The sort position after the last template of ``kind``; later ones move down."""
    rows = list(session.scalars(select(ChecklistTemplate).order_by(ChecklistTemplate.sort_order)))
    same = [row.sort_order for row in rows if row.kind == kind]
    if same:
        position = max(same) + 1
    else:  # the first of its kind: where the SOP order of kinds puts it
        rank = KINDS.index(kind)
        before = [row.sort_order for row in rows if KINDS.index(row.kind) <= rank]
        position = (max(before) if before else 0) + 1
    for row in rows:
        if row.sort_order >= position:
            row.sort_order += 1
    return position


class _Audit:
    def __init__(self, session: Session, actor: str, now: dt.datetime) -> None:
        self.session, self.actor, self.now = session, actor, now

    def __call__(
        self, action: str, template: str, old: str | None = None, new: str | None = None
    ) -> None:
        self.session.add(
            AuditEntry(
                at=self.now,
                actor=self.actor,
                action=action,
                field=template[:60],
                old_value=old,
                new_value=new,
            )
        )


def _apply(
    session: Session,
    edit: TemplateEdit,
    row: ChecklistTemplate | None,
    categories: dict[int, Category],
    audit: _Audit,
) -> ChecklistTemplate:
    name = _clean(edit.name)
    if row is None:
        kind = edit.kind or QUESTIONS
        row = ChecklistTemplate(
            key=_new_key(session, kind, name),
            name=name,
            kind=kind,
            sort_order=_place_new(session, kind),
            active=edit.active,
        )
        session.add(row)
        session.flush()
        audit("checklist added", name, None, KIND_LABELS[kind])
    else:
        if row.name != name:
            audit("checklist renamed", row.name, row.name, name)
            row.name = name
        if row.active != edit.active:
            audit("checklist switched on" if edit.active else "checklist switched off", name)
            row.active = edit.active

    stored = {item.id: item for item in row.items}
    kept = {item.item_id for item in edit.items if item.item_id is not None}
    for item_id, item in stored.items():
        if item_id not in kept:  # validated: nothing is recorded on it
            audit("checklist item removed", name, item.text, None)
            session.execute(  # rows left unticked and unanswered
                TicketChecklistItem.__table__.delete().where(TicketChecklistItem.item_id == item_id)
            )
    old_order = [item.id for item in row.items if item.id in kept]
    items = []
    for position, entry in enumerate(edit.items, 1):
        text = _clean(entry.text)
        if entry.item_id is None:
            item = ChecklistTemplateItem(text=text, field=None, sort_order=position)
            row.items.append(item)
            audit("checklist item added", name, None, text)
        else:
            item = stored[entry.item_id]
            if item.text != text:
                audit("checklist item edited", name, item.text, text)
                item.text = text  # its field, if any, stays
            item.sort_order = position
        items.append(item)
    if [item.id for item in items if item.id in stored] != old_order:
        audit("checklist items reordered", name, None, " | ".join(i.text for i in items)[:2000])
    row.items[:] = items  # an item left out is deleted with the template's cascade

    wanted = [categories[i] for i in sorted(set(edit.category_ids))]
    before = {category.id for category in row.categories}
    for category in wanted:
        if category.id not in before:
            audit("checklist attached", name, None, category.name)
    for category in row.categories:
        if category.id not in set(edit.category_ids):
            audit("checklist detached", name, category.name, None)
    if {c.id for c in wanted} != before:
        row.categories[:] = wanted
    return row


def save_templates(db: Database, edits: Sequence[TemplateEdit], *, actor: str) -> list[int]:
    """Store every edit in one transaction, or none of them; return the templates' ids.

    Raises :class:`ValidationError` naming each problem (keys are ``name``, ``kind``,
    ``items``, ``categories``, ``active``; prefixed by the edit's index when there are
    several), and :class:`NotFoundError` for a template that no longer exists.
    """
    with db.session(actor) as session:
        rows = {row.id: row for row in _template_rows(session)}
        for edit in edits:
            if edit.template_id is not None and edit.template_id not in rows:
                raise NotFoundError(f"Checklist id {edit.template_id} no longer exists.")
        problems = _problems(session, edits, rows)
        if problems:
            raise ValidationError(problems)
        categories = {category.id: category for category in session.scalars(select(Category))}
        audit = _Audit(session, actor, clock.now())
        ids = []
        for edit in edits:
            row = rows.get(edit.template_id) if edit.template_id is not None else None
            ids.append(_apply(session, edit, row, categories, audit).id)
        session.flush()
        return ids
