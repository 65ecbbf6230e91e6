"""The composer refuses a message whose attachments exceed the per-message total, in one
line under the attachments, and queues nothing (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from aiva_desk.mail import outbox as outbox_module
from aiva_desk.store.mail_models import OutboxState
from aiva_desk.tickets.attachments import MB, MESSAGE_ATTACHMENTS_MAX
from tests.gui.composer.test_composer import ctrl_enter, open_composer
from tests.helpers.mail_fixtures import make_ticket

pytestmark = pytest.mark.usefixtures("shown_errors")

pytest_plugins = ("tests.helpers.mail_fixtures",)


def test_attachments_over_the_message_total_are_refused_in_one_line(
    qtbot, mail_context, tmp_path: Path, monkeypatch
) -> None:
    assert MESSAGE_ATTACHMENTS_MAX == 25 * MB  # what common mail providers accept
    monkeypatch.setattr(outbox_module, "MESSAGE_ATTACHMENTS_MAX", 3 * MB)  # small files, fast
    context = mail_context
    ref = make_ticket(context)
    for name in ("a.log", "b.log"):
        (tmp_path / name).write_bytes(name.encode() * (MB // 2))  # 2.5 MB each
        context.tickets.attach(ref.id, tmp_path / name)
    dialog = open_composer(qtbot, context, ref.id)
    for row in range(dialog.attachments.count()):
        dialog.set_attachment_checked(
            dialog.attachments.item(row).data(Qt.ItemDataRole.UserRole + 1)
        )
    assert len(dialog.checked_attachment_ids()) == 2
    ctrl_enter(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.problem_text("attachments") != "")
    problem = dialog.problem_text("attachments")
    assert "5.0 MB" in problem and "at most 3 MB" in problem and "\n" not in problem
    assert dialog.isVisible()
    assert context.mail.outbox.items(tuple(OutboxState)) == []  # nothing queued
