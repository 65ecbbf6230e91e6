"""Checklists | Resolution | Escalation: the SOP's working panels beside the ticket editor.

The panels sit in a tab widget to the right of the editor's form (a splitter, so
the agent can make them wider or fold them away). When the editor is narrow (the
ticket pane beside the queue) the panels give up width first, down to their minimum,
so the form keeps at least ``MIN_FORM_WIDTH`` whenever both fit. Whenever the editor has loaded
its ticket — opened, saved, a step taken — every panel shows it again; whatever a
panel writes is announced through the editor's state, which has the ticket reloaded.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget

from aiva_desk.gui.editor.saving import EditorSaver
from aiva_desk.gui.editor.sop.checklists import ChecklistPanel
from aiva_desk.gui.editor.sop.closing_buttons import ClosingButtons
from aiva_desk.gui.editor.sop.escalation import EscalationPanel, mark_seen_if_named
from aiva_desk.gui.editor.sop.resolution import ResolutionPanel
from aiva_desk.gui.editor.state import EditorState
from aiva_desk.gui.tasks import BackgroundTask
from aiva_desk.store.models import Staff

SIDE_WIDTH = 430
MIN_SIDE_WIDTH = 340
MIN_FORM_WIDTH = 384  # the form's labels and fields stay readable beside the panels


class SupportPanels(QTabWidget):
    """The three SOP panels of one editor, and the close gates in its workflow bar."""

    side_width = SIDE_WIDTH  # shared by every editor: a new tab opens as wide as the last

    def __init__(
        self,
        state: EditorState,
        saver: EditorSaver,
        closing_buttons: ClosingButtons,
        parent: QWidget,
    ) -> None:
        """``parent``: the editor form, beside which :meth:`install` puts the panels."""
        super().__init__(parent)
        self.setObjectName("supportPanels")
        self.setAccessibleName("Checklists, resolution process and escalation")
        self.setDocumentMode(True)
        self.setMinimumWidth(MIN_SIDE_WIDTH)
        self._state = state
        self._saver = saver
        self._root = parent
        self._form: QScrollArea | None = None  # the editor's scrolling form (install)
        self.me: Staff | None = None
        self.checklists = ChecklistPanel(state.context, self)
        self._resolution: ResolutionPanel | None = None
        self._escalation: EscalationPanel | None = None
        self.addTab(self.checklists, "Checklists")
        # The other two are made when first shown: most tickets are only looked at.
        self.addTab(QWidget(self), "Resolution")
        self.addTab(QWidget(self), "Escalation")
        self.closing_buttons = closing_buttons
        for panel in (self.checklists, self.closing_buttons):
            panel.changed.connect(state.announce_change)
        state.loaded.connect(self._on_editor_loaded)
        self.currentChanged.connect(self._on_current_changed)
        self.splitter: QSplitter | None = None
        self._stale: set[QWidget] = set()
        self._me_id: int | None = None

    @property
    def resolution(self) -> ResolutionPanel:
        if self._resolution is None:
            panel = self._resolution = ResolutionPanel(self._state, self._saver, self._form, self)
            panel.changed.connect(self._state.announce_change)
            panel.request_details_clicked.connect(self._on_resolution_request_details)
            panel.escalation_chosen.connect(lambda: self.setCurrentWidget(self.escalation))
            self._replace_tab(1, panel)
        return self._resolution

    @property
    def escalation(self) -> EscalationPanel:
        if self._escalation is None:
            panel = self._escalation = EscalationPanel(self._state, self)
            panel.me = self.me
            panel.changed.connect(self._state.announce_change)
            self._replace_tab(2, panel)
        return self._escalation

    def _replace_tab(self, index: int, panel: QWidget) -> None:
        current = self.currentIndex()
        placeholder, text = self.widget(index), self.tabText(index)
        blocked = self.blockSignals(True)
        try:
            self.removeTab(index)
            self.insertTab(index, panel, text)
            self.setCurrentIndex(current)
        finally:
            self.blockSignals(blocked)
        placeholder.deleteLater()
        if self._state.ticket is not None:
            self._stale.add(panel)
        self._show_current()

    def install(self, layout: QVBoxLayout, form: QScrollArea) -> QSplitter:
        """Put the panels beside ``form`` (the editor's scrolling form) in a splitter."""
        self._form = form
        index = layout.indexOf(form)
        layout.removeWidget(form)
        splitter = QSplitter(Qt.Orientation.Horizontal, self._root)
        splitter.setObjectName("editorSplitter")
        splitter.setChildrenCollapsible(True)
        splitter.addWidget(form)
        splitter.addWidget(self)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setCollapsible(0, False)
        splitter.setSizes([max(self._root.width() - self.side_width, 400), self.side_width])
        splitter.splitterMoved.connect(self._on_splitter_moved)
        splitter.installEventFilter(self)
        layout.insertWidget(index, splitter, 1)
        self.splitter = splitter
        return splitter

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.splitter and event.type() == QEvent.Type.Resize:
            self._share_width()
        return super().eventFilter(watched, event)

    def _share_width(self) -> None:
        """The panels as wide as last chosen, narrower (to their minimum) while the form
        would get less than ``MIN_FORM_WIDTH``; folded panels stay folded."""
        splitter = self.splitter
        assert splitter is not None
        form, side = splitter.sizes()
        if side == 0:
            return
        total = form + side
        target = max(MIN_SIDE_WIDTH, min(self.side_width, total - MIN_FORM_WIDTH))
        if target != side and total > target:
            splitter.setSizes([total - target, target])

    def _on_splitter_moved(self, _pos: int, _index: int) -> None:
        if self.width() >= MIN_SIDE_WIDTH:
            SupportPanels.side_width = self.width()

    def _on_resolution_request_details(self) -> None:
        self.request_information()

    def request_information(self) -> None:
        """Draft the Request for Information and show it, beside its checklists."""
        self.setCurrentWidget(self.checklists)
        self.checklists.request_information()

    def _on_editor_loaded(self, ticket_id: int) -> None:
        self._stale = {self.checklists, self._resolution, self._escalation} - {None}
        self._show_current()
        ticket = self._state.ticket
        if ticket is not None:
            self.closing_buttons.show_ticket(ticket, self.me)
            if self._state.context.settings.me_staff_id == self._me_id:  # else once read
                mark_seen_if_named(self, self._state.context.db, ticket, self.me)
        self.follow_me()

    def follow_me(self) -> None:
        """Read who "I am" is when it changed: the role-dependent controls (Close
        anyway…, escalation) follow at once, without reopening the ticket."""
        me_id = self._state.context.settings.me_staff_id
        if me_id != self._me_id:  # read once, and again when it changes
            self._me_id = me_id
            service = self._state.service
            BackgroundTask(
                lambda: next((s for s in service.staff() if s.id == me_id), None),
                parent=self,
                writes=False,
                label="me",
            ).success(lambda me: self._on_me_read(me_id, me)).run_in_background()

    def _on_me_read(self, me_id: int | None, me: Staff | None) -> None:
        if me_id != self._me_id:
            return
        self.me = me
        if self._escalation is not None:
            self._escalation.me = me
            self._stale.add(self._escalation)
        if self._state.ticket is not None:
            self.closing_buttons.show_ticket(self._state.ticket, me)
            self._show_current()
            mark_seen_if_named(self, self._state.context.db, self._state.ticket, me)

    def _on_current_changed(self, index: int) -> None:
        if index == 1:
            self.resolution  # noqa: B018 - made when first shown
        elif index == 2:
            self.escalation  # noqa: B018
        self._show_current()

    def _show_current(self) -> None:
        """Show the ticket in the panel in view; the others catch up when they are shown."""
        panel, ticket = self.currentWidget(), self._state.ticket
        if ticket is None or panel not in self._stale:
            return
        self._stale.discard(panel)
        if panel is self.checklists:
            self.checklists.show_ticket(ticket.id)
        elif panel is self._resolution:
            self._resolution.show_ticket(ticket)
        elif panel is self._escalation:
            self._escalation.show_ticket(ticket, self.me)
