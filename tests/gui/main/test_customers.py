"""The customer directory (search, edit, merge, ticket history) and New Ticket autocomplete."""

from __future__ import annotations

from PySide6.QtCore import Qt

from aiva_desk.domain import CustomerRole
from aiva_desk.gui.editor.new_ticket_dialog import NewTicketDialog
from aiva_desk.gui.main.customers import CustomerDirectoryDialog
from aiva_desk.tickets.customers import find_customers
from aiva_desk.tickets.service import NewTicket
from tests.helpers.queue_gui_helpers import settle

pytest_plugins = ("tests.helpers.queue_gui_fixtures",)  # the window, settings and error fixtures


def _people(context):
    service = context.tickets
    category = service.categories()[0]

    def ticket(name, email, org="", **kw):
        return service.create(
            NewTicket(f"Issue of {name}", name, email, category.id, "d", organization=org, **kw)
        )

    return {
        "ann": ticket(
            "Ann Lee", "ann@acme.com", "Acme", tenant_id="tn-1", customer_role=CustomerRole.ADMIN
        ),
        "ann2": ticket("Ann Lee", "ann.lee@gmail.com"),
        "ann3": ticket("Ann Lee", "ann.lee@gmail.com"),
        "bob": ticket("Bob Stone", "bob@beta.org", "Beta"),
    }


def _directory(qtbot, window) -> CustomerDirectoryDialog:
    window.activateWindow()
    qtbot.keyClick(
        window.queue_view,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: window.customer_directory is not None, timeout=10_000)
    directory = window.customer_directory
    assert directory.objectName() == "customerDirectory" and directory.isVisible()
    qtbot.waitUntil(lambda: directory.customer_model.rowCount() > 0, timeout=10_000)
    return directory


def _rows(directory) -> list[tuple[str, str]]:
    model = directory.customer_model
    return [(model.index(r, 0).data(), model.index(r, 1).data()) for r in range(model.rowCount())]


def _select(directory, emails: list[str]) -> None:
    ids = [s.id for s in directory._results if s.email in emails]
    directory._select_ids(ids)


def test_search_edit_with_inline_problems_and_ticket_history(qtbot, window, context):
    refs = _people(context)
    window.refresh()
    settle(qtbot, window)
    directory = _directory(qtbot, window)
    assert len(_rows(directory)) == 3
    qtbot.keyClicks(directory.search_edit, "acme")
    qtbot.waitUntil(lambda: _rows(directory) == [("Ann Lee", "ann@acme.com")], timeout=10_000)
    _select(directory, ["ann@acme.com"])
    assert directory.name_edit.text() == "Ann Lee"
    assert directory.organization_edit.text() == "Acme"
    assert directory.role_combo.currentText() == "Admin"
    qtbot.waitUntil(lambda: directory.tickets_model.total == 1, timeout=10_000)
    assert "1 open" in directory.tickets_heading.text()

    # A bad e-mail is explained under the field; nothing is stored.
    directory.email_edit.clear()
    qtbot.keyClicks(directory.email_edit, "ann.acme.com")
    assert directory.save_button.isEnabled()
    qtbot.mouseClick(directory.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(directory.problem_text("email")), timeout=10_000)
    assert "not a valid e-mail address" in directory.problem_text("email")
    assert directory.email_edit.hasFocus()
    # An e-mail another customer has is refused too, with the way out.
    directory.email_edit.setText("bob@beta.org")
    qtbot.mouseClick(directory.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "merge" in directory.problem_text("email"), timeout=10_000)

    directory.email_edit.setText("ann@acme.com")
    directory.organization_edit.setText("Acme Retail")
    directory.tenant_edit.setText("tn-9")
    qtbot.mouseClick(directory.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: directory.save_message.text() == "Saved.", timeout=10_000)
    assert directory.problem_text("email") == ""
    [ann] = [c for c in find_customers(context.db, "ann@acme") if c.email == "ann@acme.com"]
    assert (ann.organization, ann.tenant_id) == ("Acme Retail", "tn-9")

    # Double-clicking a ticket of the customer opens it in the main window.
    view = directory.tickets_view
    qtbot.waitUntil(lambda: directory.tickets_model.rowCount() == 1, timeout=10_000)
    rect = view.visualRect(directory.tickets_model.index(0, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(
        lambda: window.ticket_tabs.current_ticket_id() == refs["ann"].id, timeout=10_000
    )

    # The organizations tab lists the organizations and their tickets.
    directory.tabs.setCurrentIndex(1)
    model = directory.organization_model

    def names() -> list[str]:
        return [model.index(r, 0).data() for r in range(model.rowCount())]

    qtbot.waitUntil(lambda: "Acme Retail" in names(), timeout=10_000)
    assert "Beta" in names()
    directory.organization_table.selectRow(names().index("Beta"))
    qtbot.waitUntil(lambda: directory.tickets_model.total == 1, timeout=10_000)
    assert "Tickets of Beta" in directory.tickets_heading.text()
    directory.close()


def test_merge_duplicates_moves_their_tickets(qtbot, window, context):
    refs = _people(context)
    directory = _directory(qtbot, window)
    qtbot.keyClicks(directory.search_edit, "ann")
    qtbot.waitUntil(lambda: len(_rows(directory)) == 2, timeout=10_000)
    assert not directory.merge_button.isEnabled()
    _select(directory, ["ann@acme.com", "ann.lee@gmail.com"])
    assert directory.merge_button.isEnabled()
    qtbot.mouseClick(directory.merge_button, Qt.MouseButton.LeftButton)
    dialog = directory.merge_dialog
    keep = next(s for s in directory._results if s.email == "ann@acme.com")
    dialog.choices[keep.id].setChecked(True)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(_rows(directory)) == 1, timeout=10_000)
    assert "2 tickets moved" in directory.count_label.text()
    assert directory.selected_customer_ids() == [keep.id]
    moved = context.tickets.get(refs["ann2"].id)
    assert moved.customer.email == "ann@acme.com"
    history = [e.action for e in context.tickets.history(refs["ann2"].id)]
    assert "customer merged" in history
    qtbot.waitUntil(lambda: directory.tickets_model.total == 3, timeout=10_000)


def test_new_ticket_autocompletes_a_known_customer(qtbot, context, shown_errors):
    _people(context)
    dialog = NewTicketDialog(context.tickets)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.customer_name.setFocus()
    qtbot.keyClicks(dialog.customer_name, "Bob")
    completer = dialog.completers["name"]
    qtbot.waitUntil(lambda: completer.popup().isVisible(), timeout=10_000)
    popup = completer.popup()
    assert popup.model().rowCount() == 1
    assert popup.model().index(0, 0).data() == "Bob Stone <bob@beta.org> · Beta"
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.organization.text() == "Beta", timeout=10_000)
    assert dialog.customer_name.text() == "Bob Stone"
    assert dialog.customer_email.text() == "bob@beta.org"

    # By e-mail too, filling role and tenant id.
    for edit in (dialog.customer_name, dialog.customer_email, dialog.organization):
        edit.clear()
    dialog.customer_email.setFocus()
    qtbot.keyClicks(dialog.customer_email, "ann@ac")
    email_completer = dialog.completers["email"]
    popup = email_completer.popup()
    qtbot.waitUntil(
        lambda: (
            popup.isVisible()
            and popup.model().index(0, 0).data() == "Ann Lee <ann@acme.com> · Acme"
        ),
        timeout=10_000,
    )
    assert popup.model().rowCount() == 1
    qtbot.keyClick(email_completer.popup(), Qt.Key.Key_Down)
    qtbot.keyClick(email_completer.popup(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.tenant_id.text() == "tn-1", timeout=10_000)
    assert dialog.customer_name.text() == "Ann Lee"
    assert (dialog.organization.text(), dialog.role.currentText()) == ("Acme", "Admin")
    assert dialog.customer_email.text() == "ann@acme.com"
