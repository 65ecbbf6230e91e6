"""What the editor edits and how an edit merges with a version saved elsewhere.

The editor edits the ticket's editable fields plus its tags; tags are saved by
their own service call, so the three-way merge of :mod:`aiva_desk.tickets.merge` is
extended here to treat the tag list as one more field.
"""

from __future__ import annotations

from typing import Any

from aiva_desk.gui.editor.fields import TAGS
from aiva_desk.store.models import Ticket
from aiva_desk.tickets.merge import FieldConflict, MergeResult, three_way, ticket_values


def editor_values(ticket: Ticket) -> dict[str, Any]:
    """The values the editor shows for ``ticket``: editable fields and the tag names."""
    values = ticket_values(ticket)
    values[TAGS] = sorted(tag.name for tag in ticket.tags)
    return values


def merge_edits(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]) -> MergeResult:
    """:func:`aiva_desk.tickets.merge.three_way`, with the tag list merged like any other field."""
    result = three_way(base, mine, theirs)
    if TAGS not in mine:
        return result
    merged, conflicts = dict(result.merged), list(result.conflicts)
    taken = list(result.taken_from_theirs)
    b, m, t = base.get(TAGS, []), mine[TAGS], theirs.get(TAGS, [])
    mine_changed, theirs_changed = m != b, t != b
    if mine_changed and theirs_changed and m != t:
        conflicts.append(FieldConflict(TAGS, b, m, t))
    elif mine_changed and m != t:
        merged[TAGS] = m
    elif theirs_changed:
        taken.append(TAGS)
    return MergeResult(merged, conflicts, taken)
