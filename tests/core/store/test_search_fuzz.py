"""Whatever a user types into search is searched for literally: FTS syntax (quotes,
NEAR, *, AND/OR/NOT, parentheses, column filters), unicode and very long text never
raise, and the results are always some of the tickets."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from aiva_desk.queue import query as queue
from aiva_desk.queue.query import QueueFilter
from aiva_desk.store.models import Ticket
from aiva_desk.store.search import LikeSearchIndex
from aiva_desk.tickets.service import NewTicket

SUBJECTS = (
    'Printer NOT working near "desk" (floor 2)',
    "subject:legacy export_job fails * sometimes",
    "Ünïcödé straße 日本語 login",
    "OR AND NEAR(a b) ^start -minus +plus",
)
SYNTAX = [
    '"', "'", "NEAR", "NEAR(", "NEAR/2", "*", "AND", "OR", "NOT", "(", ")", "subject:",
    "description:", "{subject notes}:", "^", "-", "+", ":", "%", "_", "\\", "\x00", ",",
    "ß", "É", "日本", "\u0301", "\U0001f600", "\ud800", "printer", "desk", "a_b",
]  # fmt: skip
queries = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(SYNTAX), max_size=12).map(" ".join),
    st.lists(st.sampled_from(SYNTAX) | st.text(max_size=5), max_size=12).map("".join),
    st.builds(lambda word, n: (word + " ") * n, st.sampled_from(SYNTAX), st.integers(500, 3000)),
    st.lists(st.text("abcdefgh_", min_size=1, max_size=6), min_size=30, max_size=300).map(" ".join),
)
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def tickets(context) -> set[int]:
    service = context.tickets
    category = service.categories()[0].id
    return {
        service.create(NewTicket(subject, "Ann", "ann@example.com", category, "details")).id
        for subject in SUBJECTS
    }


@FUZZ
@given(text=queries)
def test_any_search_text_finds_some_of_the_tickets(context, tickets, text):
    db = context.db
    assert set(context.tickets.search(text)) <= tickets
    with db.read_session() as session:
        rows = queue.fetch(session, QueueFilter(text=text), db.search, offset=0, limit=50)
        assert {row.id for row in rows} <= tickets
        assert queue.count(session, QueueFilter(text=text), db.search) == len(rows)
        portable = set(session.scalars(LikeSearchIndex().matching_ids(text)))
        assert portable <= tickets


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("NOT", SUBJECTS[0]),
        ('"desk', SUBJECTS[0]),
        ("near desk)", SUBJECTS[0]),
        ("subject:legacy", SUBJECTS[1]),
        ("export_job", SUBJECTS[1]),
        ("*", None),
        ("NEAR(b ^start -minus", SUBJECTS[3]),
        ("straße", SUBJECTS[2]),
        ("日本語", SUBJECTS[2]),
    ],
)
def test_search_syntax_is_taken_literally(context, tickets, text, subject):
    """Operators and quotes are words like any other; both indexes agree."""
    with context.db.read_session() as session:
        expected = set(
            session.scalars(select(Ticket.id).where(Ticket.subject == subject)) if subject else []
        )
        assert set(context.tickets.search(text)) == expected
        assert set(session.scalars(LikeSearchIndex().matching_ids(text))) == expected


def test_an_underscore_is_not_a_wildcard(context, tickets):
    """The portable index (PostgreSQL) once matched "t_" against any "t" and a letter."""
    with context.db.read_session() as session:
        only = set(session.scalars(select(Ticket.id).where(Ticket.subject == SUBJECTS[1])))
        assert set(session.scalars(LikeSearchIndex().matching_ids("t_"))) == only


def test_a_pasted_page_is_searched_without_error(context, tickets):
    """Thousands of different words once built a query deeper than SQLite allows."""
    page = " ".join(f"w{n}" for n in range(3000)) + " printer"
    assert context.tickets.search(page) == []
    with context.db.read_session() as session:
        assert list(session.scalars(LikeSearchIndex().matching_ids(page))) == []
        assert queue.count(session, QueueFilter(text=page), context.db.search) == 0
