"""Drafts survive a crash; concurrent edits merge field by field."""

import datetime as dt

import pytest

from aiva_desk.domain import Priority
from aiva_desk.tickets.drafts import DraftStore
from aiva_desk.tickets.merge import resolve, three_way, ticket_values
from aiva_desk.tickets.service import NewTicket

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones


def test_draft_round_trip_and_discard(tmp_path):
    store = DraftStore(tmp_path / "drafts")
    due = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)
    store.save(
        42,
        3,
        {"solution": "Restarted API: pm2 restart api", "sla_due_at": due, "priority": Priority.P1},
    )
    draft = store.load(42)
    assert draft.base_version == 3
    assert draft.fields == {
        "solution": "Restarted API: pm2 restart api",
        "sla_due_at": due,
        "priority": 1,
    }
    assert store.keys() == ["42"]
    store.save(42, 3, {})  # nothing left unsaved: the draft goes
    assert store.load(42) is None and store.keys() == []


def test_unreadable_draft_is_set_aside_not_deleted(tmp_path):
    store = DraftStore(tmp_path)
    (tmp_path / "7.json").write_text("{half a draft")
    assert store.load(7) is None
    assert (tmp_path / "7.unreadable").read_text() == "{half a draft"


def test_draft_write_is_atomic(tmp_path, monkeypatch):
    store = DraftStore(tmp_path / "drafts")
    store.save(1, 1, {"solution": "first"})

    def crash(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("aiva_desk.tickets.drafts.os.replace", crash)
    with pytest.raises(OSError):
        store.save(1, 1, {"solution": "second"})
    assert store.load(1).fields == {"solution": "first"}
    assert [p.name for p in (tmp_path / "drafts").iterdir()] == ["1.json"]


def test_three_way_merge_keeps_both_sides_and_finds_real_conflicts():
    base = {"subject": "A", "solution": "", "browser": "", "root_cause": ""}
    mine = {**base, "solution": "mine", "browser": "Edge", "root_cause": "same"}
    theirs = {**base, "subject": "B", "browser": "Chrome", "root_cause": "same"}
    result = three_way(base, mine, theirs)
    assert result.merged == {"solution": "mine"}
    assert result.taken_from_theirs == ["subject"]
    assert [(c.field, c.mine, c.theirs) for c in result.conflicts] == [
        ("browser", "Edge", "Chrome")
    ]
    assert resolve(result, {"browser": "mine"}) == {"solution": "mine", "browser": "Edge"}
    assert resolve(result, {"browser": "theirs"}) == {"solution": "mine"}
    with pytest.raises(ValueError):
        resolve(result, {})


def test_merge_on_real_tickets_saves_without_losing_either_edit(context):
    service = context.tickets
    category = service.categories()[0]
    ref = service.create(NewTicket("Outage", "Ann", "ann@example.com", category.id, "down"))
    base = ticket_values(service.get(ref.id))
    service.update(ref.id, ref.version, {"browser": "Firefox"})  # someone else
    theirs_ticket = service.get(ref.id)
    mine = {**base, "root_cause": "API crashed"}
    result = three_way(base, mine, ticket_values(theirs_ticket))
    assert not result.conflicts
    service.update(ref.id, theirs_ticket.version, resolve(result, {}))
    final = service.get(ref.id)
    assert (final.browser, final.root_cause) == ("Firefox", "API crashed")
