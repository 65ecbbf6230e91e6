"""A checklist template as edited on Settings → Checklists, before it is stored.

Plain data, no widgets: a :class:`ChecklistDraft` is a copy of a stored
:class:`~aiva_desk.tickets.checklist_definitions.Template` (or a new one) that the page edits
in place; :meth:`ChecklistDraft.edit` is what
:func:`~aiva_desk.tickets.checklist_definitions.save_templates` stores, and
:meth:`ChecklistDraft.removal_refused` says why an item must stay.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aiva_desk.tickets.checklist_definitions import (
    ItemEdit,
    Template,
    TemplateEdit,
    TemplateItem,
    edit_of,
)


@dataclass
class ItemDraft:
    """One item as edited (``item_id`` None: not stored yet)."""

    text: str
    item_id: int | None = None
    field: str | None = None
    recorded: int = 0


@dataclass
class ChecklistDraft:
    """One template as edited on the page (not stored yet)."""

    kind: str
    name: str
    active: bool
    items: list[ItemDraft]
    category_ids: set[int]
    original: Template | None = None
    new_number: int = 0  # tells unsaved new templates apart
    problem: str = field(default="", compare=False)

    @classmethod
    def of(cls, template: Template) -> ChecklistDraft:
        return cls(
            template.kind,
            template.name,
            template.active,
            [ItemDraft(i.text, i.id, i.field, i.recorded) for i in template.items],
            set(template.category_ids),
            template,
        )

    @property
    def attachable(self) -> bool:
        return self.kind == "questions"

    @property
    def gate(self) -> bool:
        return self.kind == "pre_resolution"

    def edit(self) -> TemplateEdit:
        return TemplateEdit(
            name=self.name,
            items=tuple(ItemEdit(item.text, item.item_id) for item in self.items),
            category_ids=tuple(sorted(self.category_ids)) if self.attachable else (),
            active=self.active,
            template_id=self.original.id if self.original else None,
            kind=self.kind,
            label=self.name.strip() or (self.original.name if self.original else "New checklist"),
        )

    @property
    def dirty(self) -> bool:
        return self.original is None or self.edit() != edit_of(self.original)

    def removal_refused(self, item: ItemDraft) -> str | None:
        if self.original is None or item.item_id is None:
            return None
        stored = TemplateItem(item.item_id, item.text, item.field, item.recorded)
        return self.original.removal_refused(stored)
