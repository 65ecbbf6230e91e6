"""Pieces of the e-mail composer: the body's highlighter, a tone finding's row, the
pause its checks wait for, and the two questions it asks (closing with edits,
replacing edited text)."""

from __future__ import annotations

import enum
import html

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QFrame, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from aiva_desk.gui.common.forms import message_box
from aiva_desk.gui.common.highlight import MATCH_BACKGROUND, MATCH_FOREGROUND
from aiva_desk.mail.jargon import check_jargon
from aiva_desk.mail.tone import ToneFinding, check_tone

CHECK_DELAY_MS = 350  # the tone check and the address check wait for a pause in typing
GAP_PATTERN = QRegularExpression(r"\[\[.*?\]\]")
TONE_UNDERLINE = "#d93025"
AVOID_COLOR, SUGGEST_COLOR = "#b3261e", "#1b7a3a"


class UnsavedMessage(enum.Enum):
    """The agent's answer when closing a composer with edits."""

    SAVE_DRAFT = "save draft"
    DISCARD = "discard"
    KEEP_EDITING = "keep editing"


def utf16_offset(text: str, index: int) -> int:
    """A Python string index as a position in a Qt document (UTF-16 code units)."""
    return len(text[:index].encode("utf-16-le")) // 2


class ComposerHighlighter(QSyntaxHighlighter):
    """Marks the ``[[ … ]]`` gaps to fill, and underlines the phrases the SOP avoids and
    what looks internal (``own_ids``: the customer's own ids, which do not)."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.own_ids: list[str] = []
        self.gap_format = QTextCharFormat()
        self.gap_format.setBackground(QColor(MATCH_BACKGROUND))
        self.gap_format.setForeground(QColor(MATCH_FOREGROUND))
        self.tone_format = QTextCharFormat()
        self.tone_format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self.tone_format.setUnderlineColor(QColor(TONE_UNDERLINE))

    def highlightBlock(self, text: str) -> None:
        for finding in [*check_tone(text), *check_jargon(text, self.own_ids)]:
            start = utf16_offset(text, finding.start)
            self.setFormat(start, utf16_offset(text, finding.end) - start, self.tone_format)
        matches = GAP_PATTERN.globalMatch(text)
        while matches.hasNext():
            match = matches.next()
            self.setFormat(match.capturedStart(), match.capturedLength(), self.gap_format)


class ToneFindingRow(QFrame):
    """One phrase the SOP marks ❌, the ✅ wording it suggests, and a button to use it.

    Signals:
        apply_requested(object): the agent wants this finding (a ToneFinding) reworded.
    """

    apply_requested = Signal(object)

    def __init__(self, finding: ToneFinding, found: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.finding = finding
        self.setObjectName("toneFindingRow")
        self.setProperty("toneFinding", True)
        # ✗ and ✓ rather than the SOP's ❌ and ✅: plain fonts have them, emoji fonts vary.
        self.label = QLabel(
            f'<span style="color:{AVOID_COLOR}">✗</span> Avoid '
            f"“{html.escape(found, quote=False)}”<br>"
            f'<span style="color:{SUGGEST_COLOR}">✓</span> Try '
            f"“{html.escape(finding.suggestion, quote=False)}”",
            self,
        )
        self.label.setObjectName("toneFindingText")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setAccessibleName(f"Avoid “{found}”; the SOP suggests “{finding.suggestion}”")
        self.button = QPushButton("Use this wording", self)
        self.button.setObjectName("toneApplyButton")
        self.button.setAutoDefault(False)
        self.button.setAccessibleName(f"Replace “{found}” with the suggested wording")
        self.button.clicked.connect(lambda _checked=False: self.apply_requested.emit(self.finding))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        layout.addWidget(self.label)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)


def ask_unsaved(parent: QWidget) -> UnsavedMessage:
    """Save Draft / Discard / Keep editing, as a message box."""
    box = message_box(
        parent,
        "unsavedMessageBox",
        QMessageBox.Icon.Warning,
        "Unsent message",
        "Keep this message as a draft?",
        "If you discard it, what you wrote will be lost.",
    )
    buttons = QMessageBox.StandardButton
    box.setStandardButtons(buttons.Save | buttons.Discard | buttons.Cancel)
    box.button(buttons.Save).setText("Save Draft")
    box.button(buttons.Cancel).setText("Keep Editing")
    box.setDefaultButton(buttons.Save)
    answer = box.exec()
    if answer == buttons.Save:
        return UnsavedMessage.SAVE_DRAFT
    if answer == buttons.Discard:
        return UnsavedMessage.DISCARD
    return UnsavedMessage.KEEP_EDITING


def ask_replace_text(parent: QWidget, template_title: str) -> bool:
    """Whether to replace the edited subject and message with another template's text."""
    box = message_box(
        parent,
        "replaceTextBox",
        QMessageBox.Icon.Question,
        "Replace the message?",
        f"Replace your edited subject and message with the “{template_title}” template?",
        "You can undo it in the message with Ctrl+Z.",
    )
    buttons = QMessageBox.StandardButton
    box.setStandardButtons(buttons.Yes | buttons.No)
    box.button(buttons.Yes).setText("Replace")
    box.button(buttons.No).setText("Keep My Text")
    box.setDefaultButton(buttons.No)
    return box.exec() == buttons.Yes
