"""Saved views, bulk actions, user settings and the change watcher."""

import sqlite3

import pytest

from aiva_desk.app_context import open_desk_database
from aiva_desk.domain import Priority, TicketStatus
from aiva_desk.errors import ValidationError
from aiva_desk.queue.query import QueueFilter
from aiva_desk.queue.views import delete_view, list_views, save_view
from aiva_desk.runtime.settings import UserSettings
from aiva_desk.store.changes import ChangeWatcher
from aiva_desk.tickets import bulk
from aiva_desk.tickets.service import NewTicket, TicketService
from aiva_desk.tickets.workflow import Action

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones


def _tickets(service, count):
    category = service.categories()[0]
    return [
        service.create(NewTicket(f"T{i}", "Ann", "ann@example.com", category.id, "d"))
        for i in range(count)
    ]


def test_saved_views_are_per_agent_and_round_trip_the_filter(context):
    flt = QueueFilter(
        statuses=frozenset({TicketStatus.NEW}),
        priorities=frozenset({Priority.P1}),
        tags=frozenset({"vip"}),
        text="shopify",
    )
    view = save_view(context.db, "sara", "Hot VIP", flt, sort_key="priority", descending=False)
    assert view.filter == flt
    assert [v.name for v in list_views(context.db, "sara")] == ["Hot VIP"]
    assert list_views(context.db, "omar") == []
    with pytest.raises(ValidationError, match="already have"):
        save_view(context.db, "sara", "Hot  VIP ", QueueFilter())
    replaced = save_view(context.db, "sara", "Hot VIP", QueueFilter(), replace=True)
    assert replaced.id == view.id and replaced.filter == QueueFilter()
    with pytest.raises(ValidationError):
        save_view(context.db, "sara", " ", QueueFilter())
    delete_view(context.db, "sara", view.id)
    assert list_views(context.db, "sara") == []


def test_bulk_actions_report_refused_tickets(context):
    service = context.tickets
    refs = _tickets(service, 3)
    staff_id = None
    result = bulk.bulk_update(
        service, [r.id for r in refs], {"priority": Priority.P1, "assignee_id": staff_id}
    )
    assert result.changed == [1001, 1002, 1003] and not result.refused
    assert all(service.get(r.id).priority is Priority.P1 for r in refs)
    service.perform(refs[0].id, Action.ACKNOWLEDGE)
    result = bulk.bulk_perform(service, [r.id for r in refs], Action.ACKNOWLEDGE)
    assert result.changed == [1002, 1003]
    assert "The ticket is Acknowledged" in result.refused[1001]
    assert "2 tickets changed; 1 not changed" in result.summary()
    tagged = bulk.bulk_add_tag(service, [refs[1].id], " VIP ")
    assert tagged.changed == [1002] and [t.name for t in service.get(refs[1].id).tags] == ["vip"]
    history = [e.action for e in service.history(refs[1].id)]
    assert "tag added" in history


def test_bulk_close_applies_the_close_gates_to_each_ticket(context):
    service = context.tickets
    refs = _tickets(service, 2)
    result = bulk.bulk_perform(service, [r.id for r in refs], Action.CLOSE)
    assert result.changed == [] and set(result.refused) == {1001, 1002}
    assert all(service.get(r.id).status is TicketStatus.NEW for r in refs)


def test_user_settings_defaults_round_trip_and_bad_files(tmp_path):
    assert UserSettings.load(tmp_path) == UserSettings()
    UserSettings(me_staff_id=4, breaching_soon_minutes=30).save(tmp_path)
    assert UserSettings.load(tmp_path) == UserSettings(me_staff_id=4, breaching_soon_minutes=30)
    (tmp_path / "settings.json").write_text('{"me_staff_id": "four", "extra": 1}')
    assert UserSettings.load(tmp_path) == UserSettings()
    (tmp_path / "settings.json").write_text("not json")
    assert UserSettings.load(tmp_path) == UserSettings()


def test_change_watcher_sees_commits_from_another_process(tmp_path):
    path = tmp_path / "shared.sqlite3"
    db = open_desk_database(f"sqlite:///{path}")
    watcher = ChangeWatcher(db.engine)
    assert watcher.changed() is False
    other = open_desk_database(f"sqlite:///{path}")  # another window or agent
    _tickets(TicketService(other, actor="omar"), 1)
    assert watcher.changed() is True
    assert watcher.changed() is False
    with sqlite3.connect(path) as raw:  # a write from outside SQLAlchemy entirely
        raw.execute("UPDATE tickets SET subject = 'x'")
    assert watcher.changed() is True
    watcher.close()
    other.dispose()
    db.dispose()
