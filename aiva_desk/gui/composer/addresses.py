"""The composer's sender, recipients and files: From filled from the mail accounts, To
and Cc checked a moment after typing, and the ticket's files offered as attachments —
with "Add file…" attaching a new one to the ticket first."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QLabel, QLineEdit, QListWidgetItem, QPushButton, QWidget

from aiva_desk.gui.common.banners import clear_problem
from aiva_desk.gui.common.formatting import human_size
from aiva_desk.gui.common.forms import child
from aiva_desk.gui.composer.parts import CHECK_DELAY_MS
from aiva_desk.gui.composer.problems import ComposerProblems
from aiva_desk.gui.composer.state import ATTACHMENT_ID_ROLE, ComposerState
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.mail.accounts import Account
from aiva_desk.mail.addresses import parse_list
from aiva_desk.mail.errors import MailError
from aiva_desk.store.models import Attachment, Ticket


class ComposerAddresses(QObject):
    """Fills and reads the From, To, Cc and attachment fields of one composer.

    Signals:
        sender_changed(): the agent chose another account to send from.
    """

    sender_changed = Signal()

    def __init__(self, state: ComposerState, problems: ComposerProblems, root: QWidget) -> None:
        """``root``: the composer form (its From label and "Add file…" button)."""
        super().__init__(root)
        self._state = state
        self._problems = problems
        self._root = root
        self._fields = fields = state.fields
        self._from_value = child(root, QLabel, "fromValue")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)
        for edit in (fields.to, fields.cc):
            edit.textEdited.connect(lambda _text, e=edit: self._on_address_edited(e))
            edit.editingFinished.connect(self.check)
        fields.from_combo.currentIndexChanged.connect(self._on_from_combo_changed)
        add_file_button = child(root, QPushButton, "addFileButton")
        add_file_button.clicked.connect(self._on_add_file_button_clicked)

    # -- From ----------------------------------------------------------------------

    def fill_accounts(self, accounts: list[Account], account_id: int) -> None:
        """Offer ``accounts`` to send from (a choice only when there are several)."""
        self._state.accounts = accounts
        combo = self._fields.from_combo
        combo.clear()
        for account in accounts:
            combo.addItem(f"{account.sender}  ({account.name})", account.id)
        combo.setCurrentIndex(max(combo.findData(account_id), 0))
        several = len(accounts) > 1
        combo.setVisible(several)
        self._from_value.setVisible(not several)
        self._show_sender()
        self._from_value.setToolTip("Set up mail accounts in Settings → Mail.")

    def account(self) -> Account | None:
        return self._state.account()

    def _show_sender(self) -> None:
        account = self.account()
        self._from_value.setText(f"{account.sender}  ({account.name})" if account else "")

    def _on_from_combo_changed(self, _index: int) -> None:
        if not self._state.ready:
            return
        self._show_sender()
        self.sender_changed.emit()

    # -- To and Cc -----------------------------------------------------------------

    def check(self) -> dict[str, str]:
        """Check To and Cc now; show and return the problems (field -> message)."""
        self._timer.stop()
        problems: dict[str, str] = {}
        fields = self._fields
        for key, label, edit in (("to", "To", fields.to), ("cc", "Cc", fields.cc)):
            try:
                parse_list(label, edit.text())
            except MailError as exc:
                problems[key] = exc.message
            self._problems.show(key, problems.get(key, ""))
        return problems

    def _on_address_edited(self, edit: QLineEdit) -> None:
        self._timer.start()  # checked a moment after the last key
        clear_problem(edit)

    # -- attachments ---------------------------------------------------------------

    def fill_attachments(self, attachments: Sequence[Attachment], checked: set[int]) -> None:
        """Offer the ticket's ``attachments``, those in ``checked`` included."""
        files = self._fields.attachments
        files.clear()
        for attachment in attachments:
            item = QListWidgetItem(
                f"{attachment.filename}  ·  {human_size(attachment.size)}", files
            )
            item.setData(ATTACHMENT_ID_ROLE, attachment.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            state = Qt.CheckState.Checked if attachment.id in checked else Qt.CheckState.Unchecked
            item.setCheckState(state)
            item.setToolTip(f"{attachment.filename}\n{attachment.mime_type}")
        if not attachments:
            QListWidgetItem("This ticket has no files yet.", files).setFlags(
                Qt.ItemFlag.NoItemFlags
            )

    def checked_attachment_ids(self) -> tuple[int, ...]:
        return self._fields.checked_attachment_ids()

    def set_attachment_checked(self, attachment_id: int, checked: bool = True) -> None:
        files = self._fields.attachments
        for row in range(files.count()):
            item = files.item(row)
            if item.data(ATTACHMENT_ID_ROLE) == attachment_id:
                state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
                item.setCheckState(state)
                return
        raise KeyError(f"attachment {attachment_id} is not offered")

    def add_files(self, paths: Sequence[Path]) -> None:
        """Attach files to the ticket, then include them in this message."""
        state = self._state
        if not paths or state.busy:
            return
        service, ticket_id = state.context.tickets, state.ticket_id
        known = {a.id for a in state.attachments}

        def attach() -> Ticket:
            for path in paths:
                service.attach(ticket_id, Path(path))
            return service.get(ticket_id)

        state.set_busy(True, "Attaching…")
        BackgroundTask(attach, parent=self._root, label="attach to e-mail").success(
            lambda ticket: self._on_files_attached(ticket, known)
        ).failure(self._on_attach_failed).run_in_background()

    def _on_add_file_button_clicked(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(
            self._root, "Attach files to the ticket and this message"
        )
        self.add_files([Path(name) for name in names])

    def _on_files_attached(self, ticket: Ticket, known: set[int]) -> None:
        state = self._state
        state.set_busy(False)
        state.ticket = ticket  # the ticket with its new files: what the composer offers now
        checked = set(self.checked_attachment_ids()) | {
            a.id for a in ticket.attachments if a.id not in known
        }
        self.fill_attachments(ticket.attachments, checked)
        state.ticket_changed.emit(state.ticket_id)

    def _on_attach_failed(self, exc: Exception) -> None:
        self._state.set_busy(False)
        show_error(self._root, exc)
