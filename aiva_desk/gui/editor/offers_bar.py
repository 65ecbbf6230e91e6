"""The customer's reply seems to confirm the fix or give a score: say so above the ticket,
where the agent sees it whatever they scroll to, with one click to record it.

The offers (:mod:`aiva_desk.inbound.offers`) are read in the background each time the
editor has loaded its ticket. "Record …" writes in the background and announces the
change like any other write of the editor's parts; the agent's unsaved edits stay (the
editor shows the recorded value beside them). "Dismiss" takes the offer off the reply
and records nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from aiva_desk.gui.common.formatting import local_time
from aiva_desk.gui.common.forms import child
from aiva_desk.gui.editor.state import EditorState
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.inbound.offers import (
    CONFIRMED,
    SCORE,
    Offer,
    accept_offer,
    dismiss_offer,
    pending_offers,
)

MAX_SHOWN = 3  # the newest replies' offers; older ones wait until these are settled


def offer_text(offer: Offer) -> str:
    """What the reply seems to say, and in the customer's own words."""
    says = []
    if offer.confirmed:
        says.append("confirm the resolution")
    if offer.score is not None:
        says.append(f"give a satisfaction score of {offer.score}")
    text = f"The customer's reply of {local_time(offer.at)} seems to {' and '.join(says)}"
    return text + (f": “{offer.excerpt}”" if offer.excerpt else ".")


class OfferBar(QObject):
    """The pending offers of the editor's ticket, each a banner with its buttons.

    Signals:
        shown(int): the offers were read and shown (how many).
        recorded(int): an offer was recorded or dismissed on the ticket with this id.
    """

    shown = Signal(int)
    recorded = Signal(int)

    def __init__(self, state: EditorState, root: QWidget) -> None:
        """``root``: the editor; the offers go under its banners."""
        super().__init__(root)
        self._state = state
        self._root = root
        self._token = 0
        self.offers: list[Offer] = []
        self._banners: list[QFrame] = []
        self.area = QWidget(root)
        self.area.setObjectName("offerArea")
        self.area.setAccessibleName("What the customer's reply offers")
        self._layout = QVBoxLayout(self.area)
        self._layout.setContentsMargins(8, 0, 8, 4)
        self._layout.setSpacing(4)
        self.area.hide()
        editor_layout = child(root, QVBoxLayout, "editorLayout")
        below = editor_layout.indexOf(child(root, QWidget, "bannerArea")) + 1
        editor_layout.insertWidget(below, self.area)
        state.loaded.connect(self.reload)

    def reload(self, ticket_id: int) -> None:
        """Read the ticket's pending offers in the background and show them."""
        self._token += 1
        token, db = self._token, self._state.context.db
        if any(offer.ticket_id != ticket_id for offer in self.offers):
            self._show(token, [])  # another ticket in this editor now
        BackgroundTask(
            lambda: pending_offers(db, ticket_id), parent=self, writes=False, label="offers"
        ).success(lambda offers: self._show(token, offers)).run_in_background()

    def banners(self) -> list[QFrame]:
        """The banners shown, newest reply first."""
        return list(self._banners)

    def accept(self, offer: Offer, what: str) -> None:
        """Record the offer's ``what`` ("confirmed", "score" or "all")."""
        service = self._state.service
        self._write(offer, lambda: accept_offer(service, offer.communication_id, what=what))

    def dismiss(self, offer: Offer) -> None:
        service = self._state.service
        self._write(offer, lambda: dismiss_offer(service, offer.communication_id))

    # -- showing -------------------------------------------------------------------

    def _show(self, token: int, offers: list[Offer]) -> None:
        if token != self._token:
            return
        for banner in self._banners:
            banner.hide()
            banner.deleteLater()
        self.offers = offers[:MAX_SHOWN]
        self._banners = [self._banner(offer) for offer in self.offers]
        for banner in self._banners:
            self._layout.addWidget(banner)
        self.area.setVisible(bool(self.offers))
        self.shown.emit(len(self.offers))

    def _banner(self, offer: Offer) -> QFrame:
        frame = QFrame(self.area)
        frame.setObjectName(f"offer{offer.communication_id}Banner")
        frame.setProperty("banner", "info")
        text = offer_text(offer)
        frame.setAccessibleName(text)
        layout = QHBoxLayout(frame)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        label = QLabel(text, frame)
        label.setObjectName("offerText")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)  # the customer's words, never markup
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(label, 1)
        if offer.confirmed:
            confirm = self._button(frame, "recordConfirmationButton", "Record confirmation",
                                   lambda: self.accept(offer, CONFIRMED))  # fmt: skip
            confirm.setToolTip(
                "Record that the customer confirmed the fix works (SOP step 6), citing this "
                "reply, as “Customer confirmed…” does"
            )
        if offer.score is not None:
            score = self._button(frame, "recordScoreButton", f"Record score {offer.score}",
                                 lambda: self.accept(offer, SCORE))  # fmt: skip
            score.setToolTip("Set the ticket's satisfaction score (1–5) from this reply")
        dismiss = self._button(frame, "dismissOfferButton", "Dismiss", lambda: self.dismiss(offer))
        dismiss.setToolTip("Record nothing and stop offering it for this reply")
        return frame

    @staticmethod
    def _button(frame: QFrame, name: str, text: str, act: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, frame)
        button.setObjectName(name)
        button.setAccessibleName(text)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: act())
        frame.layout().addWidget(button)
        return button

    # -- writing -------------------------------------------------------------------

    def _write(self, offer: Offer, work: Callable[[], object]) -> None:
        for button in self.area.findChildren(QPushButton):
            button.setEnabled(False)  # one write at a time; the banners are shown anew
        ticket_id = offer.ticket_id

        def done(_result: object) -> None:
            self.recorded.emit(ticket_id)
            self._state.announce_recorded(ticket_id)

        def failed(exc: Exception) -> None:
            show_error(self._root, exc)
            self.reload(ticket_id)  # what is stored now

        BackgroundTask(work, parent=self, label="record offer").success(done).failure(
            failed
        ).run_in_background()
