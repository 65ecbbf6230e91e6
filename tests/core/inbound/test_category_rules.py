"""The team's keyword → category rules: whole words in any case, first rule wins, and a
list with a problem is refused whole, each problem naming its rule."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from aiva_desk.errors import ValidationError
from aiva_desk.inbound.category_guess import CategoryGuesser
from aiva_desk.inbound.category_rules import (
    RuleInput,
    first_matching_rule,
    list_rules,
    save_rules,
)
from aiva_desk.store.models import AuditEntry, Category


@pytest.fixture
def ids(context) -> dict[str, int]:
    return {c.name: c.id for c in context.tickets.categories(active_only=False)}


@pytest.mark.parametrize(
    ("keyword", "subject", "text", "matches"),
    [
        ("invoice", "Your INVOICE 42", "", True),
        ("invoice", "", "the invoices are wrong", False),  # whole words only
        ("bill", "Billing question", "", False),
        ("log in", "Cannot log\n in", "", True),  # any spacing between a phrase's words
        ("C++", "", "our C++ widget", True),
        ("shopify", "", "Shopify's sync stopped", True),
    ],
)
def test_a_keyword_matches_whole_words_in_any_case(keyword, subject, text, matches) -> None:
    rule = RuleInput(keyword, 1)
    assert (first_matching_rule([rule], subject, text) is rule) is matches


def test_the_first_matching_rule_wins(context, ids) -> None:
    save_rules(
        context.db,
        [RuleInput("refund", ids["Billing"]), RuleInput("widget", ids["Integration Issues"])],
        actor="ann",
    )
    with context.db.read_session() as session:
        guesser = CategoryGuesser(session)
        assert guesser.category("Refund for the widget", "")[0].id == ids["Billing"]
        assert guesser.category("Widget gone", "")[0].id == ids["Integration Issues"]
        assert guesser.category("Hello", "How do I?")[0].name == "General Question"


def test_rules_are_saved_in_order_and_edited_in_place(context, ids) -> None:
    db = context.db
    sso, widget = ids["User Management"], ids["Integration Issues"]
    save_rules(db, [RuleInput("refund", ids["Billing"]), RuleInput("sso", sso)], actor="ann")
    save_rules(db, [RuleInput("  SSO ", sso), RuleInput("widget", widget)], actor="bob")
    rules = list_rules(db)
    assert [(r.keyword, r.category_name, r.sort_order) for r in rules] == [
        ("SSO", "User Management", 0),
        ("widget", "Integration Issues", 1),
    ]
    with db.read_session() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("category rule added") == 3
    assert "category rule removed" in actions


def test_problems_name_their_rule_and_nothing_is_saved(context, ids) -> None:
    with context.db.session("test") as session:
        session.execute(update(Category).where(Category.name == "Billing").values(active=False))
    rules = [
        RuleInput("refund", ids["Feature Request"]),
        RuleInput(" ", ids["General Question"]),
        RuleInput("Refund", ids["General Question"]),
        RuleInput("invoice", ids["Billing"]),
        RuleInput("ghost", 9999),
        RuleInput("nothing", None),
    ]
    with pytest.raises(ValidationError) as refused:
        save_rules(context.db, rules, actor="ann")
    assert refused.value.problems == {
        "1.keyword": "Rule 2 has no keyword.",
        "2.keyword": "Rule 3 (“Refund”): rule 1 has the same keyword.",
        "3.category": "Rule 4 (“invoice”): the category Billing is switched off.",
        "4.category": "Rule 5 (“ghost”): its category no longer exists.",
        "5.category": "Rule 6 (“nothing”): choose a category.",
    }
    assert list_rules(context.db) == []


def test_a_rule_of_a_switched_off_category_guesses_nothing(context, ids) -> None:
    save_rules(context.db, [RuleInput("refund", ids["Billing"])], actor="ann")
    with context.db.session("test") as session:
        session.execute(update(Category).where(Category.name == "Billing").values(active=False))
        assert CategoryGuesser(session).category("Refund please", "")[0].name != "Billing"
    assert not list_rules(context.db)[0].category_active
