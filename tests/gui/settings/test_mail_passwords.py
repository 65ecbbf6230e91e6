"""The question asked when the password store cannot keep a password says each thing once."""

from __future__ import annotations

from aiva_desk.gui.settings.mail_passwords import box_reason


def test_the_reason_in_the_question_does_not_repeat_the_question():
    no_store = (
        "No password store (keyring) is available on this computer. The password was not "
        "saved; you can use it for this session only."
    )
    assert box_reason(no_store) == "No password store (keyring) is available on this computer."
    refused = (
        "The password store refused to save the password (PasswordSetError); you can use it "
        "for this session only."
    )
    assert box_reason(refused) == (
        "The password store refused to save the password (PasswordSetError)."
    )
    assert box_reason("Something else.") == "Something else."
