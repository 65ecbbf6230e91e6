"""Fuzz pass (issue 17): any text at all — control characters, unpaired surrogates, huge
strings — through ticket fields, subjects and addresses is either stored and read back
identical or refused with a typed error whose messages are one line; never anything else."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiva_desk.errors import ValidationError
from aiva_desk.mail.addresses import parse_list
from aiva_desk.mail.errors import AddressProblem
from aiva_desk.mail.subjects import original_subject, reply_subject
from aiva_desk.tickets.service import NewTicket
from aiva_desk.validation import email_problem, normalize_email

ANY_CHARACTER = st.characters(blacklist_categories=())  # surrogates and controls included
TRICKY = st.sampled_from(["\n", "\r\n", "\x00", "\ud800", "\udfff", "\u2028", "\x0b", " ", "é"])
TEXT = st.one_of(
    st.text(ANY_CHARACTER, max_size=60),
    st.lists(st.one_of(TRICKY, st.text(max_size=5)), max_size=12).map("".join),
    st.integers(250, 310).map(lambda n: "s" * n),  # around the subject limit
    st.integers(100_000, 2_000_000).map(lambda n: "x" * n),  # huge
)
SHORTER = st.one_of(  # huge strings cost seconds here, each: a few suffice
    st.text(ANY_CHARACTER, max_size=60),
    st.lists(st.one_of(TRICKY, st.text(max_size=5)), max_size=12).map("".join),
    st.integers(300, 400).map(lambda n: "a" * n + "@example.com"),  # around the limit
)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TEXT_FIELDS = ["subject", "description", "root_cause", "solution", "browser", "agent_ref"]


def _one_line_problems(error: ValidationError) -> None:
    assert error.problems
    for message in error.problems.values():
        assert "\n" not in message and "\r" not in message, message


@pytest.fixture
def category_id(context) -> int:
    return next(c.id for c in context.tickets.categories() if c.name == "Billing")


@FUZZ
@given(subject=TEXT, name=TEXT, description=TEXT)
def test_create_stores_exactly_or_refuses_in_one_line(context, category_id, subject, name,
                                                      description) -> None:  # fmt: skip
    new = NewTicket(subject, name, "ann@example.com", category_id, description)
    try:
        ref = context.tickets.create(new)
    except ValidationError as refused:
        _one_line_problems(refused)
        return
    ticket = context.tickets.get(ref.id)
    assert (ticket.subject, ticket.description) == (subject.strip(), description.strip())


@FUZZ
@given(field=st.sampled_from(TEXT_FIELDS), value=TEXT)
def test_update_stores_exactly_or_refuses_in_one_line(context, category_id, field, value) -> None:
    ref = context.tickets.create(NewTicket("Fuzz", "Ann", "ann@example.com", category_id, "d"))
    try:
        context.tickets.update(ref.id, ref.version, {field: value})
    except ValidationError as refused:
        _one_line_problems(refused)
        assert context.tickets.get(ref.id).version == ref.version  # nothing stored
        return
    assert getattr(context.tickets.get(ref.id), field) == value


@settings(max_examples=150, deadline=None)
@given(
    subject=st.one_of(SHORTER, st.just("Re: " + "x" * 100_000)),
    number=st.integers(1, 10**9),
    suffix=st.text(ANY_CHARACTER, max_size=20),
)
def test_subjects_never_raise(subject, number, suffix) -> None:
    original = original_subject(subject, number)
    assert isinstance(original, str)
    reply = reply_subject(subject, number, suffix=suffix)
    assert f"Ticket #{number}" in reply


@settings(max_examples=150, deadline=None)
@given(
    address=st.one_of(
        SHORTER, st.just("x" * 1_000_000), st.emails(), st.emails().map(lambda a: f"Ann <{a}>, {a}")
    )
)
def test_addresses_never_raise_anything_but_the_typed_error(address) -> None:
    problem = email_problem(address)
    if problem is None:
        assert "@" in normalize_email(address)
    else:
        assert "\n" not in problem
    try:
        parsed = parse_list("To", address)
    except AddressProblem as refused:
        assert "\n" not in refused.message
    else:
        assert all("@" in item.addr_spec for item in parsed)
