"""Queue views an agent saves from the current filter, by name, per agent."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from aiva_desk.errors import NotFoundError, ValidationError
from aiva_desk.queue.query import SORT_COLUMNS, QueueFilter
from aiva_desk.store.database import Database
from aiva_desk.store.models import SavedView


@dataclass(frozen=True)
class View:
    id: int
    name: str
    filter: QueueFilter
    sort_key: str
    descending: bool


def _to_view(row: SavedView) -> View:
    return View(
        row.id, row.name, QueueFilter.from_json(row.filter_json), row.sort_key, row.descending
    )


def list_views(db: Database, owner: str) -> list[View]:
    with db.read_session() as session:
        rows = session.scalars(
            select(SavedView).where(SavedView.owner == owner).order_by(SavedView.name)
        ).all()
        return [_to_view(row) for row in rows]


def save_view(
    db: Database,
    owner: str,
    name: str,
    flt: QueueFilter,
    *,
    sort_key: str = "updated_at",
    descending: bool = True,
    replace: bool = False,
) -> View:
    """Store ``flt`` under ``name``; an existing name is refused unless ``replace``."""
    name = " ".join(name.split())
    problems: dict[str, str] = {}
    if not name:
        problems["name"] = "Give the view a name."
    elif len(name) > 80:
        problems["name"] = "The view name is longer than 80 characters."
    if sort_key not in SORT_COLUMNS:
        problems["sort_key"] = f"Unknown sort column “{sort_key}”."
    if problems:
        raise ValidationError(problems)
    with db.session(owner) as session:
        row = session.scalars(
            select(SavedView).where(SavedView.owner == owner, SavedView.name == name)
        ).first()
        if row is not None and not replace:
            raise ValidationError({"name": f"You already have a view called “{name}”."})
        if row is None:
            row = SavedView(owner=owner, name=name)
            session.add(row)
        row.filter_json = flt.to_json()
        row.sort_key = sort_key
        row.descending = descending
        session.flush()
        return _to_view(row)


def delete_view(db: Database, owner: str, view_id: int) -> None:
    with db.session(owner) as session:
        row = session.get(SavedView, view_id)
        if row is None or row.owner != owner:
            raise NotFoundError("That saved view no longer exists.")
        session.delete(row)
