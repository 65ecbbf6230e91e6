"""One thing in a customer mail that looks internal (an error code, a table name, a
query, a trace, another tenant's id): shown under the tone check with the SOP's "be
clear" advice and a button that selects it in the message for rewording."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from aiva_desk.gui.composer.parts import AVOID_COLOR, SUGGEST_COLOR
from aiva_desk.mail.jargon import JargonFinding

SHOWN_CHARS = 60  # a long query or trace is shortened in the row


class JargonFindingRow(QFrame):
    """What to rephrase, why, and a button that selects it in the message.

    Signals:
        select_requested(object): the agent wants this finding (a JargonFinding) selected.
    """

    select_requested = Signal(object)

    def __init__(self, finding: JargonFinding, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.finding = finding
        self.setObjectName("jargonFindingRow")
        self.setProperty("toneFinding", True)  # styled like the tone findings
        shown = finding.text
        if len(shown) > SHOWN_CHARS:
            shown = shown[:SHOWN_CHARS] + "…"
        self.label = QLabel(
            f'<span style="color:{AVOID_COLOR}">✗</span> Looks internal ({finding.kind}): '
            f"“{html.escape(shown, quote=False)}”<br>"
            f'<span style="color:{SUGGEST_COLOR}">✓</span> '
            f"{html.escape(finding.advice, quote=False)}",
            self,
        )
        self.label.setObjectName("jargonFindingText")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setAccessibleName(f"“{shown}” looks internal ({finding.kind}). {finding.advice}")
        self.button = QPushButton("Select to rephrase", self)
        self.button.setObjectName("jargonSelectButton")
        self.button.setAutoDefault(False)
        self.button.setAccessibleName(f"Select “{shown}” in the message to rephrase it")
        self.button.clicked.connect(lambda _checked=False: self.select_requested.emit(self.finding))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        layout.addWidget(self.label)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
