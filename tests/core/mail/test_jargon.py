"""The SOP's "Be clear: use simple language, avoid jargon": what looks internal in a
customer mail is found with the words to rephrase, and ordinary customer prose passes."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest

from aiva_desk.mail.jargon import (
    DATABASE_NAME,
    ERROR_CODE,
    INTERNAL_ID,
    SQL,
    STACK_TRACE,
    check_jargon,
)

SHARED_MAIL = Path("/work/shared/data/mail")


def found(text: str, own_ids: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in check_jargon(text, own_ids)]


def test_what_was_copied_from_the_investigation_is_flagged_with_the_words_to_rephrase():
    text = (
        "Hello Dana,\n\nWhat was wrong:\nThe voice bridge rejects calls with "
        "INSUFFICIENT_CREDITS because tenants.credit_balance = 0.00 for tn-4821.\n"
    )
    findings = check_jargon(text, own_ids=("tn-1001",))
    assert [(f.kind, f.text) for f in findings] == [
        (ERROR_CODE, "INSUFFICIENT_CREDITS"),
        (DATABASE_NAME, "tenants.credit_balance"),
        (INTERNAL_ID, "tn-4821"),
    ]
    first = findings[0]
    assert text[first.start : first.end] == "INSUFFICIENT_CREDITS"
    assert first.advice == "Say what it means for the customer instead of the code."
    assert found("The connection dropped with ERR_CONN_RESET.") == [(ERROR_CODE, "ERR_CONN_RESET")]
    assert found("It failed with ECONNREFUSED.") == [(ERROR_CODE, "ECONNREFUSED")]


def test_queries_and_stack_traces_are_flagged_but_prose_with_the_same_words_is_not():
    assert found("We ran SELECT credit_balance FROM tenants WHERE id = 4821") == [
        (SQL, "SELECT credit_balance FROM tenants WHERE id = 4821")
    ]
    assert found("Then: update tenants set credit_balance = 100") == [
        (SQL, "update tenants set credit_balance = 100")
    ]
    trace = 'Traceback (most recent call last):\n  File "bridge.py", line 88, in call\n'
    assert [kind for kind, _ in found(trace)] == [STACK_TRACE, STACK_TRACE]
    assert found("at com.aiva.voice.Bridge(Bridge.java:42)") == [
        (STACK_TRACE, "at com.aiva.voice.Bridge(Bridge.java:42)")
    ]
    assert found("Please select the agent from the list, then update your settings.") == []
    assert found("Delete from your browser history anything older than a week.") == []


def test_ordinary_customer_prose_acronyms_addresses_and_own_ids_pass():
    prose = (
        "Hi team, since mid-2026 the widget on https://shop.example.com/help_page.html "
        "shows a blank box. I attached report.pdf and my_screenshot.png (app v2.3.1). "
        "SSO login is OK, the API key works and the URL is right. This is P1 for us! "
        "Write to first.last_name@example.com. Our tenant is tn-1001, ticket #4821. "
        "URGENT: PLEASE HELP. ISO-8859-1 and iso-8859-1 both fail, Thanks, Dana"
    )
    assert found(prose, own_ids=("tn-1001",)) == []
    assert found("Your tenant tn-1001 is fine.") == [(INTERNAL_ID, "tn-1001")]  # not own here


def _bodies() -> list[tuple[str, str]]:
    bodies = []
    for path in sorted(SHARED_MAIL.rglob("*")):
        if (
            not path.is_file()
            or path.suffix == ".md"
            or path.name.startswith(("LICENSE", "SOURCE"))
        ):
            continue
        raw = path.read_bytes()
        if path.suffix == ".txt":  # reply bodies without headers
            bodies.append((path.name, raw.decode("utf-8", "replace")))
            continue
        try:
            message = email.message_from_bytes(raw, policy=email.policy.default)
            part = message.get_body(("plain",))
            text = part.get_content() if part is not None else None
        except Exception:  # a broken fixture: not prose to check
            continue
        if isinstance(text, str):
            bodies.append((path.name, text))
    return bodies


@pytest.mark.skipif(not SHARED_MAIL.is_dir(), reason="the shared real-world mail is not here")
def test_no_false_alarm_on_real_world_customer_mail():
    bodies = _bodies()
    assert len(bodies) > 50
    flagged = {name: found(text) for name, text in bodies if found(text)}
    assert flagged == {}
