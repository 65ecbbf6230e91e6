"""The e-mail composer: a templated message for one ticket, checked as it is written.

The template the next SOP step calls for is preselected and rendered into editable
From, To, Cc, Subject and Body fields (``ui/composer_dialog.ui``). While the agent
writes, the addresses are checked (a moment after the last key), the ``[[ … ]]``
gaps are highlighted and counted, and the SOP's Language Guidelines are checked in
the background: each ❌ phrase found is listed with its ✅ wording and a button
that puts it in. Files of the ticket can be included; "Add file…" attaches a file
to the ticket first.

Send (Ctrl+Enter) only *queues* the message in the outbox (a background write); a
sender elsewhere delivers it. Whatever the outbox refuses is shown at the field it
concerns and the dialog stays open with everything typed. "Save Draft" keeps the
message in the outbox unsent. The composer can also take back an outbox message
(``outbox_id``) or a draft from the communication log (``draft_communication_id``),
which the queued message then replaces.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from aiva_desk.app_context import AppContext
from aiva_desk.errors import AivaError, ValidationError
from aiva_desk.gui.attachments_panel import human_size
from aiva_desk.gui.composer_parts import (
    GAP_PATTERN,
    ComposerHighlighter,
    ToneFindingRow,
    UnsavedMessage,
    ask_replace_text,
    ask_unsaved,
    utf16_offset,
)
from aiva_desk.gui.editor_banners import clear_problem, mark_problem
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.formatting import ticket_number
from aiva_desk.gui.forms import child, load_form
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.mail.accounts import Account
from aiva_desk.mail.addresses import parse_list
from aiva_desk.mail.composer_start import (
    CUSTOMER_TEMPLATES,
    ComposerStart,
    render_for,
    start_message,
)
from aiva_desk.mail.errors import MailError
from aiva_desk.mail.outbox import OutgoingMessage
from aiva_desk.mail.templates import CATALOG, gaps_in, info
from aiva_desk.mail.tone import ToneFinding, apply_suggestion, check_tone
from aiva_desk.store.models import Attachment, Ticket

CHECK_DELAY_MS = 350  # the tone check and the address check wait for a pause in typing
ATTACHMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
# Fields the outbox can refuse -> (widget, label under it).
PROBLEM_FIELDS = {
    "to": ("toEdit", "toProblem"),
    "cc": ("ccEdit", "ccProblem"),
    "subject": ("subjectEdit", "subjectProblem"),
    "body": ("bodyEdit", "bodyProblem"),
    "attachments": ("attachmentsList", "attachmentsProblem"),
}


class ComposerDialog(QDialog):
    """Write, check and queue one e-mail for a ticket.

    ``prompt_unsaved`` and ``prompt_replace`` ask the agent (closing with edits,
    switching the template over edited text); tests replace them.

    Signals:
        loaded(): the fields are filled in (or the reason they can't be is shown).
        message_queued(int): the message with this outbox id was queued; the dialog closes.
        draft_saved(int): the message was kept as the outbox draft with this id.
        ticket_changed(int): the ticket with this id changed (a message queued or saved,
            a file attached, a draft of its log taken over).
    """

    loaded = Signal()
    message_queued = Signal(int)
    draft_saved = Signal(int)
    ticket_changed = Signal(int)

    def __init__(
        self,
        context: AppContext,
        ticket_id: int,
        parent: QWidget | None = None,
        *,
        template: str | None = None,
        outbox_id: int | None = None,
        draft_communication_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        load_form("composer_dialog.ui", into=self)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.context = context
        self.mail = context.mail
        self.ticket_id = ticket_id
        self.outbox_id = outbox_id
        self.prompt_unsaved: Callable[[QWidget], UnsavedMessage] = ask_unsaved
        self.prompt_replace: Callable[[QWidget, str], bool] = ask_replace_text

        self.template_combo = child(self, QComboBox, "templateCombo")
        self.template_purpose = child(self, QLabel, "templatePurpose")
        self.from_combo = child(self, QComboBox, "fromCombo")
        self.from_value = child(self, QLabel, "fromValue")
        self.to = child(self, QLineEdit, "toEdit")
        self.cc = child(self, QLineEdit, "ccEdit")
        self.subject = child(self, QLineEdit, "subjectEdit")
        self.body = child(self, QPlainTextEdit, "bodyEdit")
        self.gaps_label = child(self, QLabel, "gapsLabel")
        self.next_gap_button = child(self, QPushButton, "nextGapButton")
        self.tone_summary = child(self, QLabel, "toneSummary")
        self.tone_layout = child(self, QVBoxLayout, "toneFindingsLayout")
        self.attachments = child(self, QListWidget, "attachmentsList")
        self.add_file_button = child(self, QPushButton, "addFileButton")
        self.load_banner = child(self, QLabel, "loadBanner")
        self.problem_summary = child(self, QLabel, "problemSummary")
        self.status_label = child(self, QLabel, "statusLabel")
        self.save_draft_button = child(self, QPushButton, "saveDraftButton")
        self.cancel_button = child(self, QPushButton, "cancelButton")
        self.send_button = child(self, QPushButton, "sendButton")
        self.tone_rows: list[ToneFindingRow] = []
        self.highlighter = ComposerHighlighter(self.body.document())
        splitter = child(self, QSplitter, "bodySplitter")
        splitter.setStretchFactor(0, 1)
        splitter.setSizes([590, 290])
        self.from_combo.hide()
        self.next_gap_button.hide()  # shown while there are gaps
        self.tone_layout.addStretch()  # keeps the findings at the top

        self._accounts: list[Account] = []
        self._ticket: Ticket | None = None
        self._message: OutgoingMessage | None = None  # what the fields were filled from
        self._rendered = ("", "")  # subject and body as the template last gave them
        self._clean: tuple[object, ...] | None = None  # the fields when last stored/loaded
        self._requeue: OutgoingMessage | None = None
        self._replaces_draft_id: int | None = None
        self._template = ""
        self._kind = "Update"
        self._ready = False
        self._busy = False
        self._filling = False
        self._check_token = 0
        self._render_token = 0
        self._address_problems: dict[str, str] = {}

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self._on_check_timer_timeout)
        self._address_timer = QTimer(self)
        self._address_timer.setSingleShot(True)
        self._address_timer.setInterval(CHECK_DELAY_MS)
        self._address_timer.timeout.connect(self.check_addresses)

        for name in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(name), self, self.send)
        QShortcut(QKeySequence("F8"), self, self.select_next_gap)
        self.send_button.clicked.connect(lambda _checked=False: self.send())
        self.save_draft_button.clicked.connect(lambda _checked=False: self.save_draft())
        self.cancel_button.clicked.connect(lambda _checked=False: self.reject())
        self.next_gap_button.clicked.connect(lambda _checked=False: self.select_next_gap())
        self.add_file_button.clicked.connect(self._on_add_file_button_clicked)
        self.template_combo.currentIndexChanged.connect(self._on_template_combo_changed)
        self.from_combo.currentIndexChanged.connect(self._on_from_combo_changed)
        for edit in (self.to, self.cc):
            edit.textEdited.connect(lambda _text, e=edit: self._on_address_edited(e))
            edit.editingFinished.connect(self.check_addresses)
        self.subject.textChanged.connect(self._on_text_changed)
        self.body.textChanged.connect(self._on_text_changed)
        self.subject.textEdited.connect(lambda _text: self._clear_field_problem("subject"))
        self.attachments.itemChanged.connect(lambda _item: self._clear_field_problem("attachments"))

        self.setWindowTitle("Compose e-mail")
        self._set_ready(False)
        self.status_label.setText("Loading…")
        BackgroundTask(
            lambda: start_message(
                context.tickets,
                context.mail,
                ticket_id,
                template=template,
                outbox_id=outbox_id,
                draft_communication_id=draft_communication_id,
            ),
            parent=self,
            writes=outbox_id is not None,  # taking a message back from the outbox is a write
            label="open composer",
        ).success(self._on_load_succeeded).failure(self._on_load_failed).run_in_background()

    # -- public --------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """The fields are filled in and the message can be sent."""
        return self._ready

    def template(self) -> str:
        """The key of the template chosen ("" when the message follows none)."""
        return self.template_combo.currentData() or ""

    def set_template(self, key: str) -> None:
        """Choose the template ``key`` as the agent would (asks over edited text)."""
        index = self.template_combo.findData(key)
        if index < 0:
            raise KeyError(f"no customer template {key!r}")
        self.template_combo.setCurrentIndex(index)

    def account(self) -> Account | None:
        account_id = self.from_combo.currentData()
        return next((a for a in self._accounts if a.id == account_id), None)

    def checked_attachment_ids(self) -> tuple[int, ...]:
        return tuple(
            self.attachments.item(row).data(ATTACHMENT_ID_ROLE)
            for row in range(self.attachments.count())
            if self.attachments.item(row).checkState() == Qt.CheckState.Checked
            and self.attachments.item(row).data(ATTACHMENT_ID_ROLE) is not None
        )

    def set_attachment_checked(self, attachment_id: int, checked: bool = True) -> None:
        for row in range(self.attachments.count()):
            item = self.attachments.item(row)
            if item.data(ATTACHMENT_ID_ROLE) == attachment_id:
                state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
                item.setCheckState(state)
                return
        raise KeyError(f"attachment {attachment_id} is not offered")

    def message(self) -> OutgoingMessage:
        """The message as the fields hold it now."""
        account = self.account()
        base = self._message
        assert base is not None and account is not None, "the composer has not loaded yet"
        return OutgoingMessage(
            ticket_id=self.ticket_id,
            account_id=account.id,
            to=self.to.text(),
            cc=self.cc.text(),
            subject=self.subject.text(),
            body=self.body.toPlainText(),
            template=self._template,
            kind=self._kind,
            attachment_ids=self.checked_attachment_ids(),
            replaces_draft_id=self._replaces_draft_id,
        )

    def is_dirty(self) -> bool:
        """Edits not stored anywhere yet."""
        return self._ready and self._clean is not None and self._snapshot() != self._clean

    def tone_findings(self) -> list[ToneFinding]:
        """The findings the tone check panel lists now."""
        return [row.finding for row in self.tone_rows]

    def problem_text(self, field: str) -> str:
        """The problem shown under ``field`` ("to", "cc", "subject", "body", "attachments")."""
        label = child(self, QLabel, PROBLEM_FIELDS[field][1])
        return "" if label.isHidden() else label.text()

    @property
    def summary_text(self) -> str:
        return "" if self.problem_summary.isHidden() else self.problem_summary.text()

    @property
    def banner_text(self) -> str:
        return "" if self.load_banner.isHidden() else self.load_banner.text()

    def send(self) -> None:
        """Queue the message for sending (Ctrl+Enter); the dialog closes once it is queued."""
        if self._busy or not self._ready:
            return
        message, outbox = self.message(), self.mail.outbox
        outbox_id = self.outbox_id
        self._set_busy(True, "Queuing…")
        BackgroundTask(
            lambda: outbox.queue(message, outbox_id), parent=self, label="queue e-mail"
        ).success(self._on_queued).failure(self._on_store_failed).run_in_background()

    def save_draft(self) -> None:
        """Keep the message in the outbox as a draft (unsent) and close."""
        if self._busy or not self._ready:
            return
        message, outbox = self.message(), self.mail.outbox
        outbox_id = self.outbox_id
        self._set_busy(True, "Saving the draft…")
        BackgroundTask(
            lambda: outbox.save_draft(message, outbox_id), parent=self, label="save e-mail draft"
        ).success(self._on_draft_saved).failure(self._on_store_failed).run_in_background()

    def add_files(self, paths: Sequence[Path]) -> None:
        """Attach files to the ticket, then include them in this message."""
        if not paths or self._busy:
            return
        service, ticket_id = self.context.tickets, self.ticket_id
        known = {a.id for a in self._ticket.attachments} if self._ticket is not None else set()

        def attach() -> Ticket:
            for path in paths:
                service.attach(ticket_id, Path(path))
            return service.get(ticket_id)

        self._set_busy(True, "Attaching…")
        BackgroundTask(attach, parent=self, label="attach to e-mail").success(
            lambda ticket: self._on_files_attached(ticket, known)
        ).failure(self._on_attach_failed).run_in_background()

    def select_next_gap(self, *, from_start: bool = False) -> bool:
        """Select the next ``[[ … ]]`` gap after the cursor (from the top at the end)."""
        document = self.body.document()
        found = document.find(GAP_PATTERN, 0 if from_start else self.body.textCursor())
        if found.isNull():
            found = document.find(GAP_PATTERN, 0)
        if found.isNull():
            return False
        self.body.setTextCursor(found)
        self.body.setFocus()
        return True

    def apply_tone_finding(self, finding: ToneFinding) -> None:
        """Put the SOP's wording in place of a phrase found (undoable with Ctrl+Z)."""
        text = self.body.toPlainText()
        candidates = [f for f in check_tone(text) if f.phrase == finding.phrase]
        if not candidates:
            self._schedule_checks(now=True)  # the text changed meanwhile: check again
            return
        match = min(candidates, key=lambda f: abs(f.start - finding.start))
        new_text = apply_suggestion(text, match)
        inserted = new_text[match.start : len(new_text) - (len(text) - match.end)]
        cursor = QTextCursor(self.body.document())
        cursor.setPosition(utf16_offset(text, match.start))
        cursor.setPosition(utf16_offset(text, match.end), QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(inserted)
        self.body.setTextCursor(cursor)
        self._schedule_checks(now=True)

    def check_addresses(self) -> dict[str, str]:
        """Check To and Cc now; show and return the problems (field -> message)."""
        self._address_timer.stop()
        problems: dict[str, str] = {}
        for key, label, edit in (("to", "To", self.to), ("cc", "Cc", self.cc)):
            try:
                parse_list(label, edit.text())
            except MailError as exc:
                problems[key] = exc.message
            self._show_field_problem(key, problems.get(key, ""))
        self._address_problems = problems
        return problems

    # -- loading -------------------------------------------------------------------

    def _on_load_succeeded(self, start: ComposerStart) -> None:
        self.status_label.clear()
        self._ticket = start.ticket
        self._accounts = start.accounts
        self._requeue = start.requeue
        message = start.message
        self._message = message
        self._replaces_draft_id = message.replaces_draft_id
        self._template, self._kind = message.template, message.kind
        ticket = start.ticket
        self.setWindowTitle(f"E-mail for {ticket_number(ticket.number)} {ticket.subject}")
        self._filling = True
        try:
            self._fill_templates(start.suggested, message.template)
            self._fill_accounts(message.account_id)
            self._fill_attachments(ticket.attachments, set(message.attachment_ids))
            self.to.setText(message.to)
            self.cc.setText(message.cc)
            self.subject.setText(message.subject)
            self.body.setPlainText(message.body)
        finally:
            self._filling = False
        self._rendered = (message.subject, message.body)
        self._clean = self._snapshot()
        self._set_ready(True)
        self.check_addresses()
        self._schedule_checks(now=True)
        self.body.setFocus()
        if not self.select_next_gap(from_start=True):
            self.body.moveCursor(QTextCursor.MoveOperation.Start)
        if self.outbox_id is not None:
            self.ticket_changed.emit(self.ticket_id)  # taken back from the outbox: a draft now
        self.loaded.emit()

    def _on_load_failed(self, exc: Exception) -> None:
        self.status_label.clear()
        if isinstance(exc, ValidationError):  # e.g. the message is being sent right now
            self.load_banner.setText(" ".join(exc.problems.values()))
        elif isinstance(exc, AivaError):
            self.load_banner.setText(exc.message)
        else:
            show_error(self, exc)
            self.load_banner.setText("The message could not be prepared; see the error shown.")
        self.load_banner.show()
        self.cancel_button.setText("Close")
        self.cancel_button.setFocus()
        self.loaded.emit()

    def _fill_templates(self, suggested: str, current: str) -> None:
        combo = self.template_combo
        combo.clear()
        if current and current not in {t.key for t in CUSTOMER_TEMPLATES}:
            combo.addItem(f"{info(current).title} (as written)", current)
        elif not current:
            combo.addItem("No template (as written)", "")
        for template in CUSTOMER_TEMPLATES:
            title = template.title + ("  — next SOP step" if template.key == suggested else "")
            combo.addItem(title, template.key)
            combo.setItemData(combo.count() - 1, template.purpose, Qt.ItemDataRole.ToolTipRole)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        self._show_purpose()

    def _show_purpose(self) -> None:
        key = self.template()
        known = {t.key: t for t in CATALOG}
        self.template_purpose.setText(known[key].purpose if key in known else "")

    def _fill_accounts(self, account_id: int) -> None:
        combo = self.from_combo
        combo.clear()
        for account in self._accounts:
            combo.addItem(f"{account.sender}  ({account.name})", account.id)
        combo.setCurrentIndex(max(combo.findData(account_id), 0))
        several = len(self._accounts) > 1
        combo.setVisible(several)
        self.from_value.setVisible(not several)
        account = self.account()
        self.from_value.setText(f"{account.sender}  ({account.name})" if account else "")
        self.from_value.setToolTip("Set up mail accounts in Settings → Mail.")

    def _fill_attachments(self, attachments: Sequence[Attachment], checked: set[int]) -> None:
        self.attachments.clear()
        for attachment in attachments:
            item = QListWidgetItem(
                f"{attachment.filename}  ·  {human_size(attachment.size)}", self.attachments
            )
            item.setData(ATTACHMENT_ID_ROLE, attachment.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            state = Qt.CheckState.Checked if attachment.id in checked else Qt.CheckState.Unchecked
            item.setCheckState(state)
            item.setToolTip(f"{attachment.filename}\n{attachment.mime_type}")
        if not attachments:
            QListWidgetItem("This ticket has no files yet.", self.attachments).setFlags(
                Qt.ItemFlag.NoItemFlags
            )

    # -- template and account ------------------------------------------------------

    def _on_template_combo_changed(self, _index: int) -> None:
        if self._filling or not self._ready:
            return
        key = self.template()
        self._show_purpose()
        if not key:
            return
        edited = (self.subject.text(), self.body.toPlainText()) != self._rendered
        if edited and not self.prompt_replace(self, info(key).title):
            self._filling = True
            try:
                self.template_combo.setCurrentIndex(
                    max(self.template_combo.findData(self._template), 0)
                )
            finally:
                self._filling = False
            self._show_purpose()
            return
        self._render(key)

    def _on_from_combo_changed(self, _index: int) -> None:
        if self._filling or not self._ready:
            return
        account = self.account()
        self.from_value.setText(f"{account.sender}  ({account.name})" if account else "")
        unedited = (self.subject.text(), self.body.toPlainText()) == self._rendered
        if unedited and self.template():
            self._render(self.template())  # the signature follows the account

    def _render(self, key: str) -> None:
        account = self.account()
        if account is None:
            return
        self._render_token += 1
        token, mail, ticket_id = self._render_token, self.mail, self.ticket_id
        self.status_label.setText("Filling in the template…")
        BackgroundTask(
            lambda: render_for(mail, ticket_id, key, account),
            parent=self,
            writes=False,
            label=f"render {key}",
        ).success(lambda message: self._on_rendered(token, message)).failure(
            lambda exc: self._on_render_failed(token, exc)
        ).run_in_background()

    def _on_rendered(self, token: int, message: OutgoingMessage) -> None:
        if token != self._render_token:
            return
        self.status_label.clear()
        self._template, self._kind = message.template, message.kind
        self.subject.setText(message.subject)
        cursor = QTextCursor(self.body.document())  # one undoable edit: Ctrl+Z brings it back
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(message.body)
        self._rendered = (message.subject, message.body)
        self.select_next_gap(from_start=True)
        self._schedule_checks(now=True)

    def _on_render_failed(self, token: int, exc: Exception) -> None:
        if token == self._render_token:
            self.status_label.clear()
            show_error(self, exc)

    # -- checks while typing -------------------------------------------------------

    def _on_address_edited(self, edit: QLineEdit) -> None:
        self._address_timer.start()  # checked a moment after the last key
        clear_problem(edit)

    def _on_text_changed(self) -> None:
        if self._filling:
            return
        self._clear_field_problem("body")
        self._schedule_checks()

    def _schedule_checks(self, *, now: bool = False) -> None:
        self._check_timer.start(0 if now else CHECK_DELAY_MS)

    def _on_check_timer_timeout(self) -> None:
        self._check_token += 1
        token = self._check_token
        subject, body = self.subject.text(), self.body.toPlainText()

        def check() -> tuple[list[ToneFinding], list[str]]:
            return check_tone(body), gaps_in(subject + "\n" + body)

        BackgroundTask(check, parent=self, writes=False, label="check message").success(
            lambda result: self._on_checked(token, body, *result)
        ).run_in_background()

    def _on_checked(
        self, token: int, body: str, findings: list[ToneFinding], gaps: list[str]
    ) -> None:
        if token != self._check_token:
            return  # the agent typed on: a newer check is coming
        self._show_gaps(gaps)
        self._show_tone(body, findings)

    def _show_gaps(self, gaps: list[str]) -> None:
        if gaps:
            count = len(gaps)
            listed = "; ".join(f"“{gap}”" for gap in gaps[:3]) + ("; …" if count > 3 else "")
            noun = "gap" if count == 1 else "gaps"
            self.gaps_label.setText(f"{count} {noun} to fill in before sending: {listed}")
        self.gaps_label.setVisible(bool(gaps))
        self.next_gap_button.setVisible(bool(gaps))

    def _show_tone(self, body: str, findings: list[ToneFinding]) -> None:
        layout = self.tone_layout
        for index in reversed(range(layout.count())):  # the old rows and the stretch
            item = layout.itemAt(index)
            if item.spacerItem() is not None or isinstance(item.widget(), ToneFindingRow):
                layout.takeAt(index)
        for row in self.tone_rows:
            row.deleteLater()
        self.tone_rows = []
        for finding in findings:
            row = ToneFindingRow(finding, body[finding.start : finding.end], self)
            row.apply_requested.connect(self.apply_tone_finding)
            layout.addWidget(row)
            self.tone_rows.append(row)
        layout.addStretch()  # keeps the rows at the top
        count = len(findings)
        self.tone_summary.setText(
            f"{count} phrase{'s' if count > 1 else ''} the SOP suggests rewording:"
            if findings
            else "No phrases to avoid found."
        )

    # -- storing -------------------------------------------------------------------

    def _on_queued(self, outbox_id: int) -> None:
        self._set_busy(False)
        self.outbox_id = outbox_id
        self._clean = self._snapshot()
        self._requeue = None
        self.message_queued.emit(outbox_id)
        self.ticket_changed.emit(self.ticket_id)
        self.done(QDialog.DialogCode.Accepted)

    def _on_draft_saved(self, outbox_id: int) -> None:
        self._set_busy(False)
        self.outbox_id = outbox_id
        self._replaces_draft_id = None  # the log's draft became this outbox draft
        self._clean = self._snapshot()
        self._requeue = None
        self.draft_saved.emit(outbox_id)
        self.ticket_changed.emit(self.ticket_id)
        self.done(QDialog.DialogCode.Accepted)

    def _on_store_failed(self, exc: Exception) -> None:
        self._set_busy(False)
        if isinstance(exc, ValidationError):
            self.show_problems(exc.problems)
        else:
            show_error(self, exc)

    def show_problems(self, problems: dict[str, str]) -> None:
        """Show each problem at its field and all of them above the buttons."""
        first: QWidget | None = None
        for key in PROBLEM_FIELDS:
            self._show_field_problem(key, problems.get(key, ""))
            if key in problems and first is None:
                first = child(self, QWidget, PROBLEM_FIELDS[key][0])
        lines = [f"• {text}" for text in problems.values()]
        self.problem_summary.setText("Not sent yet — please check:\n" + "\n".join(lines))
        self.problem_summary.setVisible(bool(problems))
        if first is not None:
            first.setFocus()
            if first is self.body and "[[" in self.body.toPlainText():
                self.select_next_gap(from_start=True)

    def _show_field_problem(self, key: str, text: str) -> None:
        widget_name, label_name = PROBLEM_FIELDS[key]
        label, widget = child(self, QLabel, label_name), child(self, QWidget, widget_name)
        label.setText(text)
        label.setVisible(bool(text))
        widget.setAccessibleDescription(text)
        if text:
            mark_problem(widget, text)
        else:
            clear_problem(widget)
        if not text and not any(
            not child(self, QLabel, name).isHidden() for _w, name in PROBLEM_FIELDS.values()
        ):
            self.problem_summary.hide()

    def _clear_field_problem(self, key: str) -> None:
        if self._ready and not self._filling and self.problem_text(key):
            self._show_field_problem(key, "")

    # -- attachments ---------------------------------------------------------------

    def _on_add_file_button_clicked(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(
            self, "Attach files to the ticket and this message"
        )
        self.add_files([Path(name) for name in names])

    def _on_files_attached(self, ticket: Ticket, known: set[int]) -> None:
        self._set_busy(False)
        self._ticket = ticket
        checked = set(self.checked_attachment_ids()) | {
            a.id for a in ticket.attachments if a.id not in known
        }
        self._fill_attachments(ticket.attachments, checked)
        self.ticket_changed.emit(self.ticket_id)

    def _on_attach_failed(self, exc: Exception) -> None:
        self._set_busy(False)
        show_error(self, exc)

    # -- closing -------------------------------------------------------------------

    def reject(self) -> None:
        """Esc, Cancel or the window's close button: ask first when there are edits."""
        if self._busy:
            return  # a write is running: let it finish first
        if self.is_dirty():
            choice = self.prompt_unsaved(self)
            if choice is UnsavedMessage.KEEP_EDITING:
                return
            if choice is UnsavedMessage.SAVE_DRAFT:
                self.save_draft()
                return
        if self._requeue is not None and self.outbox_id is not None:
            self._queue_again(self._requeue, self.outbox_id)
            return
        super().reject()

    def _queue_again(self, message: OutgoingMessage, outbox_id: int) -> None:
        """Cancelled after taking back a queued message: it goes back in the queue as it was."""
        outbox = self.mail.outbox
        self._set_busy(True, "Putting the message back in the queue…")

        def done(_outbox_id: int) -> None:
            self._set_busy(False)
            self._requeue = None
            self.ticket_changed.emit(self.ticket_id)
            QDialog.reject(self)

        def failed(exc: Exception) -> None:
            self._set_busy(False)
            self._requeue = None  # it stays a draft: say so, then let the agent close
            show_error(self, exc)

        BackgroundTask(
            lambda: outbox.queue(message, outbox_id), parent=self, label="queue e-mail again"
        ).success(done).failure(failed).run_in_background()

    # -- helpers -------------------------------------------------------------------

    def _snapshot(self) -> tuple[object, ...]:
        return (
            self.from_combo.currentData(),
            self.to.text(),
            self.cc.text(),
            self.subject.text(),
            self.body.toPlainText(),
            self.checked_attachment_ids(),
            self._template,
        )

    def _set_ready(self, ready: bool) -> None:
        self._ready = ready
        for widget in (
            self.template_combo,
            self.from_combo,
            self.to,
            self.cc,
            self.subject,
            self.body,
            self.attachments,
            self.add_file_button,
            self.send_button,
            self.save_draft_button,
            self.next_gap_button,
        ):
            widget.setEnabled(ready and not self._busy)

    def _set_busy(self, busy: bool, status: str = "") -> None:
        self._busy = busy
        self.status_label.setText(status if busy else "")
        for widget in (self.send_button, self.save_draft_button, self.add_file_button):
            widget.setEnabled(self._ready and not busy)
        self.cancel_button.setEnabled(not busy)


def open_composer(
    context: AppContext,
    ticket_id: int,
    parent: QWidget | None = None,
    *,
    template: str | None = None,
    outbox_id: int | None = None,
    draft_communication_id: int | None = None,
) -> ComposerDialog:
    """Open a composer for the ticket as a window of its own (freed when closed)."""
    dialog = ComposerDialog(
        context,
        ticket_id,
        parent,
        template=template,
        outbox_id=outbox_id,
        draft_communication_id=draft_communication_id,
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
