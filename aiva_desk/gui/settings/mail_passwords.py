"""What Settings > Mail says about passwords, for the SMTP accounts and the IMAP mailboxes
alike: one wording for "kept in the password store", "for this session only" and the
question asked when the password store cannot keep one."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from aiva_desk.gui.common.forms import ask, message_box


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
