"""Test helper: one checklist change at a time, through the one way the product stores
them (:func:`aiva_desk.tickets.checklist_definitions.save_templates`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from aiva_desk.errors import NotFoundError, ValidationError
from aiva_desk.store.database import Database
from aiva_desk.store.models import ChecklistTemplate, ChecklistTemplateItem
from aiva_desk.tickets.checklist_definitions import (
    ItemEdit,
    Template,
    TemplateEdit,
    _describe,
    _recorded_counts,
    edit_of,
    save_templates,
)


def get_template(db: Database, template_id: int) -> Template:
    with db.read_session() as session:
        row = session.get(ChecklistTemplate, template_id)
        if row is None:
            raise NotFoundError(f"Checklist id {template_id} does not exist.")
        return _describe(row, _recorded_counts(session))


def save_template(db: Database, edit: TemplateEdit, *, actor: str) -> int:
    return save_templates(db, [edit], actor=actor)[0]


# -- one change at a time ------------------------------------------------------------------


def _change(db: Database, template_id: int, actor: str, **changes) -> int:
    return save_template(
        db, replace(edit_of(get_template(db, template_id)), **changes), actor=actor
    )


def create_template(
    db: Database,
    name: str,
    kind: str,
    *,
    actor: str,
    items: Iterable[str] = (),
    category_ids: Iterable[int] = (),
) -> int:
    """A new template of ``kind`` (see :data:`CREATABLE_KINDS`) with ``items``."""
    edit = TemplateEdit(
        name=name,
        items=tuple(ItemEdit(text) for text in items),
        category_ids=tuple(category_ids),
        kind=kind,
    )
    return save_template(db, edit, actor=actor)


def rename_template(db: Database, template_id: int, name: str, *, actor: str) -> None:
    _change(db, template_id, actor, name=name)


def set_template_active(db: Database, template_id: int, active: bool, *, actor: str) -> None:
    """Switch a template off (it stops showing on tickets; answers are kept) or on again."""
    _change(db, template_id, actor, active=active)


def add_item(
    db: Database, template_id: int, text: str, *, actor: str, position: int | None = None
) -> int:
    """Add an item (at ``position``, 0-based; at the end by default); return its id."""
    items = list(edit_of(get_template(db, template_id)).items)
    items.insert(len(items) if position is None else position, ItemEdit(text))
    _change(db, template_id, actor, items=tuple(items))
    wanted = " ".join(text.split()).casefold()
    return next(i.id for i in get_template(db, template_id).items if i.text.casefold() == wanted)


def _owner(db: Database, item_id: int) -> Template:
    with db.read_session() as session:
        item = session.get(ChecklistTemplateItem, item_id)
        if item is None:
            raise NotFoundError(f"Checklist item id {item_id} does not exist.")
        template_id = item.template_id
    return get_template(db, template_id)


def edit_item(db: Database, item_id: int, text: str, *, actor: str) -> None:
    """Reword an item; an item bound to a ticket field keeps its field."""
    template = _owner(db, item_id)
    items = tuple(
        ItemEdit(text if item.id == item_id else item.text, item.id) for item in template.items
    )
    _change(db, template.id, actor, items=items)


def move_item(db: Database, item_id: int, position: int, *, actor: str) -> None:
    """Move an item to ``position`` (0-based, clamped) within its template."""
    template = _owner(db, item_id)
    items = [ItemEdit(item.text, item.id) for item in template.items]
    moving = next(item for item in items if item.item_id == item_id)
    items.remove(moving)
    items.insert(max(0, min(position, len(items))), moving)
    _change(db, template.id, actor, items=tuple(items))


def reorder_items(db: Database, template_id: int, item_ids: Sequence[int], *, actor: str) -> None:
    """Put the items of a template in the order of ``item_ids`` (all of them, each once)."""
    template = get_template(db, template_id)
    texts = {item.id: item.text for item in template.items}
    if sorted(item_ids) != sorted(texts):
        raise ValidationError({"items": f"Give every item of “{template.name}” exactly once."})
    _change(db, template_id, actor, items=tuple(ItemEdit(texts[i], i) for i in item_ids))


def remove_item(db: Database, item_id: int, *, actor: str) -> None:
    """Remove an item nobody has checked or answered (see :meth:`Template.removal_refused`)."""
    template = _owner(db, item_id)
    items = tuple(ItemEdit(item.text, item.id) for item in template.items if item.id != item_id)
    _change(db, template.id, actor, items=items)


def attach_category(db: Database, template_id: int, category_id: int, *, actor: str) -> None:
    """Show a question set on the tickets of one more category."""
    template = get_template(db, template_id)
    ids = tuple(sorted({*template.category_ids, category_id}))
    _change(db, template_id, actor, category_ids=ids)


def detach_category(db: Database, template_id: int, category_id: int, *, actor: str) -> None:
    """Stop showing a question set on a category's tickets (their answers are kept)."""
    template = get_template(db, template_id)
    ids = tuple(i for i in template.category_ids if i != category_id)
    _change(db, template_id, actor, category_ids=ids)
