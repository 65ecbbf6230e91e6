"""Names, addresses and header values are checked where they enter; text no encoding
holds is refused naming the field; the subject limit holds on every edit (issue 17)."""

from __future__ import annotations

import datetime as dt
from email.headerregistry import Address

import pytest
from sqlalchemy import update

from aiva_desk.domain import Direction
from aiva_desk.errors import ValidationError
from aiva_desk.mail import mime
from aiva_desk.mail.composer import compose
from aiva_desk.mail.errors import AddressProblem
from aiva_desk.mail.outbox import _threadable
from aiva_desk.profile import ProfileInput, profile_problems
from aiva_desk.store.models import Customer
from aiva_desk.tickets.customers import update_customer
from aiva_desk.tickets.service import NewTicket
from tests.helpers.mail_fixtures import make_ticket

pytest_plugins = ("tests.helpers.mail_fixtures",)

NOW = dt.datetime(2026, 12, 7, 11, 10, tzinfo=dt.UTC)


def _new(context, **fields) -> NewTicket:
    category_id = next(c.id for c in context.tickets.categories() if c.name == "Billing")
    values = {
        "subject": "Invoice missing",
        "customer_name": "Jane Doe",
        "customer_email": "jane@example.com",
        "category_id": category_id,
        "description": "The invoice for November is missing.",
    }
    values.update(fields)
    return NewTicket(**values)


def _refused(call, field: str) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.problems, caught.value.problems
    message = caught.value.problems[field]
    assert "\n" not in message  # one line, for the form's label
    return message


def test_a_pasted_line_break_in_the_customers_name_is_refused_naming_the_field(context):
    message = _refused(
        lambda: context.tickets.create(_new(context, customer_name="Jane Doe\nHead of IT")),
        "customer_name",
    )
    assert "customer's name" in message and "one line" in message
    for field, value in (
        ("subject", "Invoice\r\nBcc: all@example.com"),
        ("organization", "Acme\x0bLtd"),
        ("customer_email", "jane@exa\nmple.com"),
    ):
        _refused(lambda f=field, v=value: context.tickets.create(_new(context, **{f: v})), field)
    assert context.tickets.search("Invoice") == []  # nothing was stored


def test_unpaired_surrogates_and_nul_are_refused_at_every_core_entry(context):
    tickets = context.tickets
    message = _refused(
        lambda: tickets.create(_new(context, description="ok \ud800")), "description"
    )
    assert "unpaired surrogate" in message
    ref = tickets.create(_new(context))
    _refused(lambda: tickets.update(ref.id, ref.version, {"description": "x\udcff"}), "description")
    _refused(lambda: tickets.update(ref.id, ref.version, {"root_cause": "a\x00b"}), "root_cause")
    _refused(lambda: tickets.add_note(ref.id, "note \ud83d"), "body")
    _refused(
        lambda: tickets.add_troubleshooting(ref.id, checked="logs \ud800", found="", action=""),
        "checked",
    )
    _refused(
        lambda: tickets.add_communication(
            ref.id, direction=Direction.INBOUND, subject="Hi", body="body \udfff"
        ),
        "body",
    )
    _refused(
        lambda: tickets.add_communication(
            ref.id,
            direction=Direction.INBOUND,
            subject="Hi",
            body="b",
            message_id="<a@x>\r\nBcc: x@y",
        ),
        "message_id",
    )
    assert tickets.get(ref.id).version == ref.version  # none of it was stored


def test_the_subject_limit_holds_on_update_as_on_create(context):
    tickets = context.tickets
    _refused(lambda: tickets.create(_new(context, subject="s" * 301)), "subject")
    ref = tickets.create(_new(context))
    message = _refused(
        lambda: tickets.update(ref.id, ref.version, {"subject": "s" * 301}), "subject"
    )
    assert "300 characters" in message
    _refused(lambda: tickets.update(ref.id, ref.version, {"subject": "a\nb"}), "subject")
    version = tickets.update(ref.id, ref.version, {"subject": "s" * 300})
    assert tickets.get(ref.id).subject == "s" * 300 and version > ref.version


def test_the_customer_directory_and_profiles_refuse_names_on_two_lines(context):
    ref = context.tickets.create(_new(context))
    customer_id = context.tickets.get(ref.id).customer_id
    edit = dict(email="jane@example.com", organization="", role=None, tenant_id="", actor="t")
    message = _refused(
        lambda: update_customer(context.db, customer_id, name="Jane\nHead of IT", **edit), "name"
    )
    assert "customer's name" in message
    _refused(
        lambda: update_customer(
            context.db, customer_id, name="Jane", **{**edit, "organization": "A\u2028B"}
        ),
        "organization",
    )
    assert context.tickets.get(ref.id).customer.name == "Jane Doe"
    problems = profile_problems(ProfileInput("Sam\x0bSmith", "sam@example.com"))
    assert "one line" in problems["name"]


def test_a_bad_name_stored_before_the_checks_gives_a_one_line_error_naming_it(mail_context):
    context = mail_context
    ref = make_ticket(context)
    with context.db.session() as session:  # as a database from an older version holds it
        session.execute(update(Customer).values(name="Jane Doe\nHead of IT"))
    account = context.mail.accounts()[0]
    with pytest.raises(AddressProblem) as caught:
        compose(
            context.db, ref.id, template="acknowledgment", signer=context.mail.signer(account),
            account_id=account.id,
        )  # fmt: skip
    assert "customer's name" in caught.value.message and "\n" not in caught.value.message


def test_mail_building_names_the_header_a_stored_value_would_break():
    sender = Address("Support", "support", "desk.example")
    to = [Address("Ann", "ann", "example.com")]
    common = dict(sender=sender, to=to, cc=[], reply_to=None, subject="Hi", body="b", now=NOW)
    with pytest.raises(AddressProblem, match="In-Reply-To"):
        mime.build(**common, message_id="<m@x>", in_reply_to="<a@x>\r\nBcc: all@x")
    with pytest.raises(AddressProblem, match="message text"):
        mime.build(**{**common, "body": "b\ud800"}, message_id="<m@x>")
    with pytest.raises(AddressProblem, match="recipient's name"):
        mime.build(**{**common, "to": [Address("Ann\x01", "ann", "example.com")]},
                   message_id="<m@x>")  # fmt: skip
    assert b"Message-ID: <m@x>" in mime.build(**common, message_id="<m@x>")
    assert not _threadable("<a@x>\r\n") and not _threadable("<a\x01@x>") and _threadable("<a@x>")
