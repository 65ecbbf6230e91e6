"""What Settings > Mail says about passwords, for the SMTP accounts and the IMAP mailboxes
alike: one wording for "kept in the password store", "for this session only" and the
question asked when the password store cannot keep one; and one way to find out, off the
GUI thread, which of them have a password."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QWidget

from aiva_desk.gui.common.forms import ask, message_box
from aiva_desk.gui.errors import show_error
from aiva_desk.gui.tasks import BackgroundTask


def password_state(typed: bool, stored: bool, *, backend_problem: bool, checking: bool) -> str:
    """The line under a password field: what happens to the password shown (or not)."""
    if typed:
        if backend_problem:  # no password store: Apply asks to keep it for this session
            return "No password store here: the new password can be kept for this session only."
        return "The new password is saved with the account."
    if stored:
        if backend_problem:
            return "Kept for this session only; leave empty to keep it."
        return "Saved in the password store; leave empty to keep it."
    if checking:
        return "Checking the password store…"
    return "No password saved."


def keyring_notice(problem: str) -> str:
    """The notice at the top of the page when no password store is usable."""
    return (
        f"⚠ {problem} Passwords can't be saved on this computer: you "
        "can keep one for this session only, and enter it again after a restart."
    )


def box_reason(reason: str) -> str:
    """The password store's reason without what the question around it says already
    ("… could not be saved", "Keep the password for this session only?")."""
    reason = reason.replace(
        " The password was not saved; you can use it for this session only.", ""
    )
    return reason.replace("; you can use it for this session only.", ".")


def ask_keep_for_session(parent: QWidget, name: str, reason: str, until_then: str) -> bool:
    """Whether to keep the password of ``name`` for this session only, the password store
    having refused it for ``reason``; ``until_then`` says what does not work without it."""
    box = message_box(
        parent,
        "sessionPasswordBox",
        QMessageBox.Icon.Warning,
        "Password not saved",
        f"The password of “{name}” could not be saved.",
        f"{box_reason(reason)}\n\nKeep the password for this session only? You will enter it again "
        f"after AIVA Desk restarts; until then, {until_then}",
    )
    buttons = QMessageBox.StandardButton
    box.setStandardButtons(buttons.Yes | buttons.No)
    box.button(buttons.Yes).setText("Keep for This Session")
    box.button(buttons.No).setText("Don't Keep")
    box.setDefaultButton(buttons.Yes)
    return ask(box, automated=buttons.No) == buttons.Yes


class PasswordChecks(QObject):
    """Which saved accounts (or mailboxes) have a password, and whether the password store
    works: read off the GUI thread, the newest read winning.

    Signals:
        read(): a check finished; :attr:`stored` and :attr:`backend_problem` are current.
    """

    read = Signal()

    def __init__(self, parent: QWidget, label: str) -> None:
        super().__init__(parent)
        self._label = label
        self._token = 0
        self.checking = False
        self.backend_problem: str | None = None
        self.stored: dict[int, bool] = {}  # id -> a password is kept

    def check(self, read: Callable[[], tuple[str | None, dict[int, bool]]]) -> None:
        """Run ``read`` (the store's problem, and id -> has a password) in the background."""
        self._token += 1
        token = self._token
        self.checking = True
        BackgroundTask(read, parent=self, writes=False, label=self._label).success(
            lambda result: self._on_read(token, result)
        ).failure(lambda exc: self._on_failed(token, exc)).run_in_background()

    def has_password(self, account_id: int | None) -> bool:
        return account_id is not None and self.stored.get(account_id, False)

    def show(self, edit: QLineEdit, state: QLabel, account_id: int | None, *, shown: bool) -> None:
        """The line under the password field ``edit`` for the account shown (if ``shown``)."""
        stored = self.has_password(account_id)
        state.setText(
            password_state(
                bool(edit.text()),
                stored,
                backend_problem=bool(self.backend_problem),
                checking=self.checking and account_id is not None,
            )
            if shown
            else ""
        )
        edit.setPlaceholderText("Leave empty to keep the saved one" if stored else "")

    def _on_read(self, token: int, result: tuple[str | None, dict[int, bool]]) -> None:
        if token != self._token:
            return
        self.checking = False
        self.backend_problem, self.stored = result
        self.read.emit()

    def _on_failed(self, token: int, exc: Exception) -> None:
        if token == self._token:
            self.checking = False
            parent = self.parent()
            show_error(parent if isinstance(parent, QWidget) else None, exc)
