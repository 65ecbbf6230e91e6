"""A new mail's category: the team's keyword rules first (their order; whole words, any
case; subject before text), then category names, else General Question. Its priority:
the category's default, one level higher for "URGENT"."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from aiva_desk.domain import Priority
from aiva_desk.inbound.category_guess import CategoryGuesser
from aiva_desk.inbound.intake import MailIntake
from aiva_desk.store.inbound_models import CategoryRule
from aiva_desk.store.models import Category
from tests.helpers.inbound_mail import NOW, mail, take


def _rules(context, *rules: tuple[str, str, int]) -> None:
    with context.db.session("test") as session:
        ids = {name: id_ for name, id_ in session.execute(select(Category.name, Category.id))}
        for keyword, category, order in rules:
            session.add(CategoryRule(keyword=keyword, category_id=ids[category], sort_order=order))


def _guess(context, subject: str, text: str = ""):
    with context.db.read_session() as session:
        guess = CategoryGuesser(session).guess(subject, text)
        return guess.category.name, guess.priority, guess.why


def test_rules_come_first_in_their_order(context):
    _rules(context, ("invoice", "Billing", 2), ("shopify", "Integration Issues", 1))
    assert _guess(context, "Shopify invoice missing")[0] == "Integration Issues"
    assert _guess(context, "Question", "Where is my INVOICE?")[0] == "Billing"
    assert _guess(context, "Invoices page", "")[0] == "General Question"  # a whole word only


def test_a_subject_word_beats_a_rule_only_the_text_matches(context):
    _rules(context, ("shopify", "Integration Issues", 1), ("refund", "Billing", 2))
    name, _priority, why = _guess(context, "Refund please", "Bought it through Shopify")
    assert name == "Billing" and why == "the rule “refund” in the subject"


def test_then_category_names_else_general_question(context):
    assert _guess(context, "Billing: charged twice")[0] == "Billing"
    assert _guess(context, "Hello", "Our agent issues started today")[0] == "Agent Issues"
    assert _guess(context, "Hello", "A quick how-to")[0] == "General Question"


def test_a_rule_for_an_inactive_category_is_skipped(context):
    _rules(context, ("widget", "Integration Issues", 1))
    with context.db.session("test") as session:
        category = session.scalars(select(Category).where(Category.name == "Integration Issues"))
        category.one().active = False
    assert _guess(context, "Widget blank")[0] == "General Question"


def test_the_priority_is_the_categorys_and_urgent_raises_it(context):
    assert _guess(context, "System Outage: nothing loads")[1] is Priority.P1
    assert _guess(context, "Billing question")[1] is Priority.P2
    assert _guess(context, "URGENT: billing question")[1] is Priority.P1
    assert _guess(context, "How do I export?", "urgent please")[1] is Priority.P3


@pytest.fixture
def intake(context, clock) -> MailIntake:
    clock.now = NOW
    return MailIntake(context.tickets)


def test_a_new_ticket_takes_the_guess(context, intake):
    _rules(context, ("credits", "Billing", 1))
    taken = take(intake, mail(subject="URGENT: out of credits", body="Please help"))
    ticket = context.tickets.get(taken.ticket_id)
    assert (ticket.category.name, ticket.priority) == ("Billing", Priority.P1)
    assert ticket.category_guessed and "urgent" in {tag.name for tag in ticket.tags}
    assert "URGENT: priority raised to P1" in taken.note
