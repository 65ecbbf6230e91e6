"""What reaches the colleague an escalation went to, and who the history names: the
"Escalated to me" view, the notice (once, until they open the ticket), "I am" as the
actor, and saved views that survive choosing "I am"."""

from __future__ import annotations

import getpass

import pytest

from aiva_desk.app_context import NO_PROFILE
from aiva_desk.domain import EscalationLevel, StaffRole
from aiva_desk.gui.app import wire_alerts
from aiva_desk.gui.main.escalation_notices import EscalationNotifier
from aiva_desk.gui.queue.view_list import BUILTIN_PREFIX
from aiva_desk.mail.escalation_mail import escalate_to
from aiva_desk.queue import views
from aiva_desk.queue.query import QueueFilter
from aiva_desk.store.models import Escalation
from aiva_desk.tickets import escalation as esc
from aiva_desk.tickets.staff import Colleague, save_staff
from tests.helpers.queue_gui_helpers import make_tickets, settle

pytest_plugins = ("tests.helpers.queue_gui_fixtures",)

WAIT_MS = 10_000
TO_ME = BUILTIN_PREFIX + "escalated_to_me"


@pytest.fixture
def people(context) -> dict[str, int]:
    ids = save_staff(
        context.db,
        "test",
        [
            Colleague(None, "Ann Agent", "ann@aiva.example", StaffRole.AGENT),
            Colleague(None, "Sam Senior", "sam@aiva.example", StaffRole.SENIOR_SUPPORT),
        ],
    )
    return dict(zip(("ann", "sam"), ids, strict=True))


def _escalate(context, ticket_id: int, to: int) -> None:
    ticket = context.tickets.get(ticket_id)
    now = ticket.reported_at
    form = esc.prefill(ticket, esc.assess(ticket, None, now), now)
    form.business_impact, form.customer_sentiment = "High", "Angry"
    escalate_to(
        context.mail,
        ticket_id,
        target=EscalationLevel.SENIOR_SUPPORT,
        form=form,
        customer_draft="Subject: Escalated\n\nHello",
        to_staff_id=to,
    )


def _choose_me(qtbot, window, staff_id: int) -> None:
    combo = window.view_panel.me_combo
    window.view_panel.reload_staff()  # added after the window opened
    combo.setCurrentIndex(combo.findData(staff_id))
    settle(qtbot, window)


def test_the_colleague_sees_the_escalation_in_their_view_and_is_told_once(
    qtbot, context, window, people
) -> None:
    [ref] = make_tickets(context, 1)
    _choose_me(qtbot, window, people["ann"])
    _escalate(context, ref.id, people["sam"])
    alerts = wire_alerts(window, context, tray_available=lambda: False)
    notifier = alerts.findChild(EscalationNotifier)
    notifier.check()
    settle(qtbot, window)
    assert notifier.shown == []  # Ann escalated it; it is not hers

    panel = window.view_panel
    assert TO_ME in panel.view_keys() and panel.label(TO_ME) == "Escalated to me"
    _choose_me(qtbot, window, people["sam"])  # now Sam works here
    qtbot.waitUntil(lambda: len(notifier.shown) == 1, timeout=WAIT_MS)
    [notice] = notifier.shown
    assert notice.ticket_id == ref.id and f"#{ref.number}" in notice.text
    assert "by Ann Agent" in notice.text
    assert alerts.banner.isVisible()
    assert any(f"#{ref.number}" in notice.text for notice in alerts.banner.notices())
    qtbot.waitUntil(lambda: panel.count(TO_ME) == 1, timeout=WAIT_MS)
    assert panel.select_key(TO_ME)
    settle(qtbot, window)
    assert window.model.rowCount() == 1

    notifier.check()  # the next round: told already
    settle(qtbot, window)
    assert len(notifier.shown) == 1

    window.show_ticket(ref.id)  # Sam opens it: seen
    settle(qtbot, window)

    def seen() -> bool:
        with context.db.read_session() as session:
            return session.get(Escalation, 1).seen_at is not None

    qtbot.waitUntil(seen, timeout=WAIT_MS)


def test_the_history_names_the_chosen_staff_member_and_saved_views_stay(
    qtbot, context, window, people
) -> None:
    [ref] = make_tickets(context, 1)
    assert context.actor == NO_PROFILE != getpass.getuser()  # honest, not the login
    views.save_view(context.db, context.view_owner, "Mine", QueueFilter(text="x"))
    _choose_me(qtbot, window, people["sam"])
    assert context.actor == "Sam Senior" and context.tickets.actor == "Sam Senior"
    ticket = context.tickets.get(ref.id)
    context.tickets.update(ref.id, ticket.version, {"subject": "Renamed"})
    entry = [e for e in context.tickets.history(ref.id) if e.field == "subject"][-1]
    assert entry.actor == "Sam Senior"
    window.view_panel.reload_saved_views()  # the saved view survived choosing "I am"
    assert [v.name for v in views.list_views(context.db, context.view_owner)] == ["Mine"]
    assert "saved:" in " ".join(window.view_panel.view_keys())


def test_the_profile_made_at_first_run_names_the_history_at_once_and_next_time(
    context, qapp
) -> None:
    from aiva_desk import app_context
    from aiva_desk.gui import app as gui_app
    from aiva_desk.profile import ProfileInput, save_profile

    assert context.actor == NO_PROFILE
    save_profile(
        context.db, context.settings, context.paths.root, ProfileInput("Dana", "dana@example.com")
    )
    assert gui_app._first_run(context) is context  # done already: no wizard, same folder
    assert context.actor == "Dana" == context.tickets.actor
    again = app_context.open_context()
    try:
        assert again.actor == "Dana" and again.mail.signer(None).name == "Dana"
    finally:
        again.close()
