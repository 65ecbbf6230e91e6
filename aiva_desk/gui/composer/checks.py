"""Checking the composer's message as it is written: the ``[[ … ]]`` gaps highlighted,
counted and selected one after another, and the SOP's Language Guidelines checked in
the background — each phrase found listed with its suggested wording and a button
that puts it in — with its "be clear, avoid jargon": what looks internal (an error
code, a table name, a query, a trace, another tenant's id) listed with a button that
selects it for rewording."""

from __future__ import annotations

from collections.abc import Callable, Collection

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from aiva_desk.gui.common.forms import child
from aiva_desk.gui.composer.jargon_row import JargonFindingRow
from aiva_desk.gui.composer.parts import (
    CHECK_DELAY_MS,
    GAP_PATTERN,
    ComposerHighlighter,
    ToneFindingRow,
    utf16_offset,
)
from aiva_desk.gui.composer.state import MessageFields
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.mail.jargon import JargonFinding, check_jargon
from aiva_desk.mail.message_templates import gaps_in
from aiva_desk.mail.tone import ToneFinding, apply_suggestion, check_tone


class ComposerChecks(QObject):
    """The gaps line and the tone panel of one composer, kept up with its text."""

    def __init__(
        self,
        fields: MessageFields,
        root: QWidget,
        own_ids: Callable[[], Collection[str]] = tuple,
    ) -> None:
        """``fields``: the message checked; ``root``: the form with the gaps line and
        the tone panel; ``own_ids``: the ids the customer may read (their tenant's, the
        ticket number), asked at each check."""
        super().__init__(root)
        self._own_ids = own_ids
        self._root = root
        self._subject, self._body = fields.subject, fields.body
        self._gaps_label = child(root, QLabel, "gapsLabel")
        self._next_gap_button = child(root, QPushButton, "nextGapButton")
        self._tone_summary = child(root, QLabel, "toneSummary")
        self._tone_layout = child(root, QVBoxLayout, "toneFindingsLayout")
        self.rows: list[ToneFindingRow] = []
        self.jargon_rows: list[JargonFindingRow] = []
        self.highlighter = ComposerHighlighter(self._body.document())
        self._token = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._next_gap_button.hide()  # shown while there are gaps
        self._tone_layout.addStretch()  # keeps the findings at the top

    def schedule(self, *, now: bool = False) -> None:
        """Check the message again, ``now`` or after a pause in typing."""
        self._timer.start(0 if now else CHECK_DELAY_MS)

    def findings(self) -> list[ToneFinding]:
        """The findings the tone panel lists now."""
        return [row.finding for row in self.rows]

    def jargon_findings(self) -> list[JargonFinding]:
        """What looks internal, as the panel lists it now."""
        return [row.finding for row in self.jargon_rows]

    def select(self, finding: JargonFinding) -> None:
        """Select what looks internal in the message, for the agent to rephrase."""
        body = self._body
        text = body.toPlainText()
        candidates = [f for f in check_jargon(text, self._own_ids()) if f.text == finding.text]
        if not candidates:
            self.schedule(now=True)  # the text changed meanwhile: check again
            return
        match = min(candidates, key=lambda f: abs(f.start - finding.start))
        cursor = QTextCursor(body.document())
        cursor.setPosition(utf16_offset(text, match.start))
        cursor.setPosition(utf16_offset(text, match.end), QTextCursor.MoveMode.KeepAnchor)
        body.setTextCursor(cursor)
        body.setFocus()

    def select_next_gap(self, *, from_start: bool = False) -> bool:
        """Select the next ``[[ … ]]`` gap after the cursor (from the top at the end)."""
        body = self._body
        document = body.document()
        found = document.find(GAP_PATTERN, 0 if from_start else body.textCursor())
        if found.isNull():
            found = document.find(GAP_PATTERN, 0)
        if found.isNull():
            return False
        body.setTextCursor(found)
        body.setFocus()
        return True

    def apply(self, finding: ToneFinding) -> None:
        """Put the SOP's wording in place of a phrase found (undoable with Ctrl+Z)."""
        body = self._body
        text = body.toPlainText()
        candidates = [f for f in check_tone(text) if f.phrase == finding.phrase]
        if not candidates:
            self.schedule(now=True)  # the text changed meanwhile: check again
            return
        match = min(candidates, key=lambda f: abs(f.start - finding.start))
        new_text = apply_suggestion(text, match)
        inserted = new_text[match.start : len(new_text) - (len(text) - match.end)]
        cursor = QTextCursor(body.document())
        cursor.setPosition(utf16_offset(text, match.start))
        cursor.setPosition(utf16_offset(text, match.end), QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(inserted)
        body.setTextCursor(cursor)
        self.schedule(now=True)

    def _on_timer_timeout(self) -> None:
        self._token += 1
        token = self._token
        subject, body = self._subject.text(), self._body.toPlainText()
        own = list(self._own_ids())
        self.highlighter.own_ids = own

        def check() -> tuple[list[ToneFinding], list[str], list[JargonFinding]]:
            return check_tone(body), gaps_in(subject + "\n" + body), check_jargon(body, own)

        BackgroundTask(check, parent=self._root, writes=False, label="check message").success(
            lambda result: self._on_checked(token, body, *result)
        ).run_in_background()

    def _on_checked(
        self,
        token: int,
        body: str,
        findings: list[ToneFinding],
        gaps: list[str],
        jargon: list[JargonFinding],
    ) -> None:
        if token != self._token:
            return  # the agent typed on: a newer check is coming
        self._show_gaps(gaps)
        self._show_tone(body, findings, jargon)

    def _show_gaps(self, gaps: list[str]) -> None:
        if gaps:
            count = len(gaps)
            listed = "; ".join(f"“{gap}”" for gap in gaps[:3]) + ("; …" if count > 3 else "")
            noun = "gap" if count == 1 else "gaps"
            self._gaps_label.setText(f"{count} {noun} to fill in before sending: {listed}")
        self._gaps_label.setVisible(bool(gaps))
        self._next_gap_button.setVisible(bool(gaps))

    def _show_tone(
        self, body: str, findings: list[ToneFinding], jargon: list[JargonFinding]
    ) -> None:
        layout = self._tone_layout
        for index in reversed(range(layout.count())):  # the old rows and the stretch
            item = layout.itemAt(index)
            if item.spacerItem() is not None or isinstance(
                item.widget(), ToneFindingRow | JargonFindingRow
            ):
                layout.takeAt(index)
        for old in (*self.rows, *self.jargon_rows):
            old.deleteLater()
        self.rows, self.jargon_rows = [], []
        for finding in findings:
            row = ToneFindingRow(finding, body[finding.start : finding.end], self._root)
            row.apply_requested.connect(self.apply)
            layout.addWidget(row)
            self.rows.append(row)
        for finding in jargon:
            jargon_row = JargonFindingRow(finding, self._root)
            jargon_row.select_requested.connect(self.select)
            layout.addWidget(jargon_row)
            self.jargon_rows.append(jargon_row)
        layout.addStretch()  # keeps the rows at the top
        self._tone_summary.setText(_summary(len(findings), len(jargon)))


def _summary(phrases: int, internal: int) -> str:
    parts = []
    if phrases:
        parts.append(f"{phrases} phrase{'s' if phrases > 1 else ''} the SOP suggests rewording")
    if internal:
        noun = "thing" if internal == 1 else "things"
        parts.append(f"{internal} {noun} that look{'s' if internal == 1 else ''} internal")
    return " and ".join(parts) + ":" if parts else "No phrases to avoid found."
