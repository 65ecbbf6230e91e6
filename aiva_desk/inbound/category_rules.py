"""The team's keyword → category rules for new mail, edited as one ordered list.

A rule's keyword is found in a mail's subject or text case-insensitively, as whole
words (``bill`` does not match "billing"; ``C++`` and ``log in`` work as written, any
spacing between the words of a phrase). Rules are tried in order and the first that
matches wins; :func:`first_matching_rule` is the one matcher, for the intake's guess
(:mod:`aiva_desk.inbound.category_guess`) and the Settings page's "try a subject" alike.
Every saved change is audited.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from aiva_desk import clock
from aiva_desk.errors import ValidationError
from aiva_desk.store.database import Database
from aiva_desk.store.inbound_models import CategoryRule
from aiva_desk.store.models import AuditEntry, Category

MAX_KEYWORD = 200


class HasKeyword(Protocol):
    @property
    def keyword(self) -> str: ...


R = TypeVar("R", bound=HasKeyword)


@dataclass(frozen=True)
class RuleInput:
    """One rule as the Settings page edits it; its place in the list is its order."""

    keyword: str
    category_id: int | None


@dataclass(frozen=True)
class Rule:
    """A stored rule, detached, with its category's name and whether it is in use."""

    id: int
    keyword: str
    category_id: int
    category_name: str
    category_active: bool
    sort_order: int


@lru_cache(maxsize=512)
def keyword_pattern(keyword: str) -> re.Pattern[str]:
    """The keyword as whole words, any case, any spacing between its words."""
    words = [re.escape(word) for word in keyword.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def first_matching_rule(rules: Sequence[R], subject: str, text: str) -> R | None:
    """The first of ``rules`` (in order) whose keyword the subject or text uses."""
    words = f"{subject}\n{text}"
    for rule in rules:
        if rule.keyword.split() and keyword_pattern(rule.keyword).search(words):
            return rule
    return None


def list_rules(db: Database) -> list[Rule]:
    """Every rule in the order they are tried."""
    with db.read_session() as session:
        return _rules(session)


def rule_problems(rules: Sequence[RuleInput], categories: dict[int, Category]) -> dict[str, str]:
    """What is wrong with ``rules``, one line each naming the rule, keyed ``"<index>.keyword"``
    or ``"<index>.category"`` (0-based) so the page can point at it."""
    problems: dict[str, str] = {}
    seen: dict[str, int] = {}
    for index, rule in enumerate(rules):
        number = index + 1
        keyword = " ".join(rule.keyword.split())
        name = f"Rule {number} (“{keyword}”)" if keyword else f"Rule {number}"
        if not keyword:
            problems[f"{index}.keyword"] = f"Rule {number} has no keyword."
        elif len(keyword) > MAX_KEYWORD:
            problems[f"{index}.keyword"] = (
                f"{name}: the keyword is longer than {MAX_KEYWORD} characters."
            )
        elif (first := seen.get(keyword.casefold())) is not None:
            problems[f"{index}.keyword"] = f"{name}: rule {first} has the same keyword."
        else:
            seen[keyword.casefold()] = number
        category = categories.get(rule.category_id) if rule.category_id is not None else None
        if rule.category_id is None:
            problems[f"{index}.category"] = f"{name}: choose a category."
        elif category is None:
            problems[f"{index}.category"] = f"{name}: its category no longer exists."
        elif not category.active:
            problems[f"{index}.category"] = f"{name}: the category {category.name} is switched off."
    return problems


def save_rules(db: Database, rules: Sequence[RuleInput], *, actor: str) -> None:
    """Store ``rules`` as the whole list, in this order, in one transaction; on any
    problem store nothing and raise :class:`ValidationError` naming each rule."""
    with db.session(actor) as session:
        categories = {c.id: c for c in session.scalars(select(Category))}
        problems = rule_problems(rules, categories)
        if problems:
            raise ValidationError(problems)
        rows = list(
            session.scalars(select(CategoryRule).order_by(CategoryRule.sort_order, CategoryRule.id))
        )
        before = [(r.keyword, r.category_id) for r in rows]
        by_keyword = {row.keyword.casefold(): row for row in rows}
        now, wanted = clock.now(), set()

        def audit(action: str, keyword: str, old: str | None, new: str | None) -> None:
            session.add(
                AuditEntry(
                    at=now,
                    actor=actor,
                    action=action,
                    field=keyword[:60],
                    old_value=old,
                    new_value=new,
                )
            )

        for order, rule in enumerate(rules):
            keyword = " ".join(rule.keyword.split())
            assert rule.category_id is not None  # checked above
            wanted.add(keyword.casefold())
            new_name = categories[rule.category_id].name
            row = by_keyword.get(keyword.casefold())
            if row is None:
                row = CategoryRule(keyword=keyword, category_id=rule.category_id)
                session.add(row)
                audit("category rule added", keyword, None, new_name)
            elif row.category_id != rule.category_id:
                old = categories.get(row.category_id)
                audit("category rule changed", keyword, old.name if old else None, new_name)
            row.keyword, row.category_id, row.sort_order = keyword, rule.category_id, order
        for row in rows:
            if row.keyword.casefold() not in wanted:
                old = categories.get(row.category_id)
                audit("category rule removed", row.keyword, old.name if old else None, None)
                session.delete(row)
        old_keys = [keyword.casefold() for keyword, _ in before]
        kept_before = [key for key in old_keys if key in wanted]
        kept_now = [key for key in _keys(rules) if key in set(old_keys)]
        if kept_before != kept_now:
            audit("category rules reordered", "order", ", ".join(kept_before), ", ".join(kept_now))


def _keys(rules: Sequence[RuleInput]) -> list[str]:
    return [" ".join(rule.keyword.split()).casefold() for rule in rules]


def _rules(session: Session) -> list[Rule]:
    query = (
        select(CategoryRule, Category)
        .join(Category, Category.id == CategoryRule.category_id)
        .order_by(CategoryRule.sort_order, CategoryRule.id)
    )
    return [
        Rule(
            rule.id, rule.keyword, rule.category_id, category.name, category.active, rule.sort_order
        )
        for rule, category in session.execute(query)
    ]
