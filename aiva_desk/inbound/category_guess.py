"""A new mail's category and priority, guessed for triage (shown as a guess until then).

The category: the team's keyword rules first (in their order; a keyword counts as a
whole word, any case, in the subject before the text, so a subject's word beats a rule
that only the text matches), then a category whose name the mail uses (subject, then
text), else General Question. The priority: the category's default, as the SOP's table
gives it (System Outage P1 … Feature Request P4), one level higher when the customer
wrote "URGENT" — the SOP's acknowledgment tells them that is how to ask for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from aiva_desk.domain import Priority
from aiva_desk.inbound.category_rules import first_matching_rule
from aiva_desk.store.inbound_models import CategoryRule
from aiva_desk.store.models import Category

FALLBACK_CATEGORY = "General Question"
URGENT = re.compile(r"\burgent\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Keyword:
    """A rule's keyword, or a category's name, and the category it guesses."""

    keyword: str
    category: Category


@dataclass(frozen=True)
class Guess:
    category: Category
    priority: Priority
    urgent: bool
    why: str  # for the ticket's history: which rule or name matched


class CategoryGuesser:
    """The rules and categories read once (a batch of mail shares them)."""

    def __init__(self, session: Session) -> None:
        self.categories = list(
            session.scalars(
                select(Category).where(Category.active.is_(True)).order_by(Category.sort_order)
            )
        )
        active = {category.id: category for category in self.categories}
        rules = session.execute(
            select(CategoryRule.keyword, CategoryRule.category_id).order_by(
                CategoryRule.sort_order, CategoryRule.id
            )
        ).all()
        self.rules = [
            _Keyword(keyword, active[category_id])
            for keyword, category_id in rules
            if keyword.strip() and category_id in active
        ]
        self.names = [
            _Keyword(category.name, category)
            for category in self.categories
            if category.name.casefold() != FALLBACK_CATEGORY.casefold()
        ]
        fallback = [c for c in self.categories if c.name == FALLBACK_CATEGORY]
        self.fallback = (fallback or self.categories or [None])[0]

    def category(self, subject: str, text: str) -> tuple[Category, str]:
        """The guessed category and why."""
        for candidates, what in ((self.rules, "the rule"), (self.names, "the category name")):
            for where, words in (("subject", subject), ("text", text)):
                found = first_matching_rule(candidates, words, "")
                if found is not None:
                    return found.category, f"{what} “{found.keyword}” in the {where}"
        if self.fallback is None:
            raise LookupError("There is no active category to file a new mail under.")
        return self.fallback, "no rule or category name matched"

    def guess(self, subject: str, text: str) -> Guess:
        """Category and priority of a new mail whose own words are ``text``."""
        category, why = self.category(subject, text)
        priority = Priority(category.default_priority)
        urgent = bool(URGENT.search(f"{subject}\n{text}"))
        if urgent and priority > Priority.P1:
            priority = Priority(priority - 1)
        return Guess(category, priority, urgent, why)
