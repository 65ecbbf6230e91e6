"""Three-way merge of a ticket edit with a version saved elsewhere in the meantime.

``base`` is what the editor loaded, ``mine`` what the agent typed, ``theirs``
what is saved now. A field only one side changed merges by itself; a field
both changed differently is a conflict the agent decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiva_desk.tickets.editable_fields import EDITABLE_FIELDS


@dataclass(frozen=True)
class FieldConflict:
    field: str
    base: Any
    mine: Any
    theirs: Any


@dataclass(frozen=True)
class MergeResult:
    merged: dict[str, Any]  # the changes to save on top of ``theirs``
    conflicts: list[FieldConflict]
    taken_from_theirs: list[str]  # fields only the other side changed


def ticket_values(ticket: Any) -> dict[str, Any]:
    """The editable fields of a ticket (or any object with those attributes)."""
    return {name: getattr(ticket, name) for name in EDITABLE_FIELDS}


def three_way(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]) -> MergeResult:
    merged: dict[str, Any] = {}
    conflicts: list[FieldConflict] = []
    taken: list[str] = []
    for name in EDITABLE_FIELDS:
        if name not in mine:
            continue
        b, m, t = base.get(name), mine.get(name), theirs.get(name)
        mine_changed, theirs_changed = m != b, t != b
        if mine_changed and theirs_changed:
            if m != t:  # both sides changed it, differently: the agent decides
                conflicts.append(FieldConflict(name, b, m, t))
        elif mine_changed:
            merged[name] = m
        elif theirs_changed:
            taken.append(name)
    return MergeResult(merged, conflicts, taken)


def resolve(result: MergeResult, choices: dict[str, str]) -> dict[str, Any]:
    """The changes to save once the agent chose ``"mine"`` or ``"theirs"`` per conflict."""
    changes = dict(result.merged)
    for conflict in result.conflicts:
        choice = choices.get(conflict.field)
        if choice not in ("mine", "theirs"):
            raise ValueError(f"no choice made for {conflict.field}")
        if choice == "mine":
            changes[conflict.field] = conflict.mine
    return changes
