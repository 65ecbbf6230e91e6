"""Mail into the queue from the window: an .eml dropped on the queue (as dragged from a mail
client) or chosen with File > Import Mail… becomes a ticket; other files are left alone."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMenu

from aiva_desk.gui.common.forms import child
from aiva_desk.gui.main.mail_import import importing_text
from tests.helpers.file_drops import drop_files
from tests.helpers.queue_gui_helpers import numbers, settle

pytest_plugins = ("tests.helpers.queue_gui_fixtures",)  # the window, settings and error fixtures


def _eml(folder: Path, name: str, subject: str) -> Path:
    message = EmailMessage()
    message["From"] = "Ann Lee <ann@example.com>"
    message["To"] = "support@desk.example"
    message["Subject"] = subject
    message["Message-ID"] = f"<{name}@client.example>"
    message.set_content("The export fails since Monday.")
    path = folder / f"{name}.eml"
    path.write_bytes(message.as_bytes())
    return path


def test_an_eml_dropped_on_the_queue_becomes_a_ticket(qtbot, window, context, tmp_path) -> None:
    settle(qtbot, window)
    assert window.model.total == 0
    notes = tmp_path / "notes.txt"
    notes.write_text("not mail")
    with qtbot.waitSignal(window.mail_import.imported, timeout=10_000) as imported:
        drop_files(window.queue_view.viewport(), [_eml(tmp_path, "m1", "Export fails"), notes])
    assert imported.args[0] == (
        "Imported 1 message from m1.eml: 1 new ticket, 0 replies attached. "
        "Not e-mail, left alone: notes.txt."
    )
    qtbot.waitUntil(lambda: window.model.total == 1, timeout=10_000)
    assert numbers(window.model) == ["#1001"]
    assert window.statusBar().currentMessage() == imported.args[0]
    window.ticket_tabs.open_ticket(context.tickets.id_for_number(1001))
    qtbot.waitUntil(lambda: window.ticket_tabs.current_ticket_id() is not None, timeout=10_000)
    editor = window.ticket_tabs.current_editor()
    qtbot.waitUntil(lambda: "(guessed from the e-mail)" in editor.header.summary.text())


def test_file_import_mail_takes_the_chosen_files(qtbot, window, tmp_path, monkeypatch) -> None:
    chosen = [str(_eml(tmp_path, f"m{n}", f"Question {n}")) for n in range(2)]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_a, **_k: (chosen, ""))
    file_menu = child(window, QMenu, "fileMenu")
    assert window.mail_import.action in file_menu.actions()
    with qtbot.waitSignal(window.mail_import.imported, timeout=10_000):
        window.mail_import.action.trigger()
    qtbot.waitUntil(lambda: window.model.total == 2, timeout=10_000)


def test_only_other_files_dropped_say_so_and_import_nothing(qtbot, window, tmp_path) -> None:
    picture = tmp_path / "screenshot.png"
    picture.write_bytes(b"\x89PNG")
    drop_files(window.queue_view.viewport(), [picture])
    assert window.statusBar().currentMessage().startswith("Not e-mail, not imported: screenshot")
    assert window.model.total == 0


def test_the_status_while_importing_names_the_file_or_counts_them() -> None:
    assert importing_text([Path("/x/inbox.mbox")]) == "Importing inbox.mbox…"
    assert importing_text([Path("a.eml"), Path("b.eml")]) == "Importing 2 mail files…"
