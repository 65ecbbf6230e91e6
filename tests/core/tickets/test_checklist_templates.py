"""Checklist templates are editable data: reworded, extended, reordered, attached to
categories; nothing a ticket recorded is lost, and the close gate keeps working."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from aiva_desk.errors import NotFoundError, TransitionRefused, ValidationError
from aiva_desk.store.models import AuditEntry, TicketChecklistItem
from aiva_desk.tickets import checklist_definitions as ct
from aiva_desk.tickets.checklist_definitions import ItemEdit, TemplateEdit
from aiva_desk.tickets.checklists import set_item, ticket_checklists
from aiva_desk.tickets.service import NewTicket
from aiva_desk.tickets.workflow import Action
from tests.helpers.checklist_edits import (
    add_item,
    attach_category,
    create_template,
    detach_category,
    edit_item,
    move_item,
    remove_item,
    rename_template,
    reorder_items,
    save_template,
    set_template_active,
)
from tests.helpers.close_gates import satisfy_close_gates, send_solution


def _category(context, name):
    return next(c.id for c in context.tickets.categories() if c.name == name)


def _ticket(context, category="Agent Issues"):
    service = context.tickets
    return service.create(
        NewTicket("Agent silent", "Ann Lee", "ann@example.com", _category(context, category), "x")
    )


def _template(context, name):
    return next(t for t in ct.list_templates(context.db) if t.name == name)


def _state(context, ticket_id, name):
    return next((s for s in ticket_checklists(context.db, ticket_id) if s.name == name), None)


def _audit(context):
    with context.db.read_session() as session:
        return [
            (e.action, e.field, e.old_value, e.new_value)
            for e in session.scalars(
                select(AuditEntry).where(AuditEntry.ticket_id.is_(None)).order_by(AuditEntry.id)
            )
        ]


def test_templates_list_with_items_categories_and_kinds(context):
    templates = ct.list_templates(context.db)
    assert len(templates) == 12
    assert [t.kind for t in templates][:5] == ["information"] * 4 + ["questions"]
    agent = _template(context, "Agent Not Responding")
    assert agent.attachable and agent.category_ids == (_category(context, "Agent Issues"),)
    assert agent.items[0].field == "agent_ref" and agent.items[2].field is None
    gate = _template(context, "Pre-Resolution Checklist")
    assert gate.gate and not gate.attachable and gate.category_ids == ()
    assert set(ct.CREATABLE_KINDS) == {"information", "questions", "post_review", "documentation"}
    assert set(ct.ATTACHABLE_KINDS) == {"questions"}


def test_rewording_keeps_the_field_and_open_tickets_see_new_items(context):
    ref = _ticket(context)
    technical = _template(context, "Technical Information")
    browser = technical.items[2]
    edit_item(context.db, browser.id, "  Browser   and version (exact) ", actor="lead")
    new_id = add_item(context.db, technical.id, "Screen size", actor="lead", position=0)
    items = _state(context, ref.id, "Technical Information").items
    assert [i.text for i in items[:4]] == [
        "Screen size",
        "Agent ID (if applicable)",
        "Knowledge Base ID (if applicable)",
        "Browser and version (exact)",
    ]
    assert items[0].item_id == new_id and not items[0].automatic
    assert items[3].field == "browser" and not items[3].checked
    context.tickets.update(ref.id, context.tickets.get(ref.id).version, {"browser": "Firefox"})
    assert _state(context, ref.id, "Technical Information").items[3].checked  # still follows it

    move_item(context.db, new_id, 99, actor="lead")
    assert _state(context, ref.id, "Technical Information").items[-1].text == "Screen size"
    order = [i.id for i in _template(context, "Technical Information").items]
    reorder_items(context.db, technical.id, list(reversed(order)), actor="lead")
    assert _template(context, "Technical Information").items[0].text == "Screen size"
    with pytest.raises(ValidationError, match="exactly once"):
        reorder_items(context.db, technical.id, order[:2], actor="lead")
    actions = [a for a, field, _old, _new in _audit(context) if field == "Technical Information"]
    assert actions == [
        "checklist item edited",
        "checklist item added",
        "checklist items reordered",
        "checklist items reordered",
    ]
    edited = next(e for e in _audit(context) if e[0] == "checklist item edited")
    assert edited[2:] == ("Browser and version", "Browser and version (exact)")


def test_an_item_a_ticket_checked_or_answered_cannot_be_removed(context):
    ref = _ticket(context)
    agent = _template(context, "Agent Not Responding")
    status, credit, test_chat = agent.items[2], agent.items[4], agent.items[5]
    set_item(context.db, ref.id, status.id, actor="sara", answer="Active")
    set_item(context.db, ref.id, credit.id, actor="sara", checked=True)
    set_item(context.db, ref.id, test_chat.id, actor="sara", checked=True)
    set_item(context.db, ref.id, test_chat.id, actor="sara", checked=False)  # nothing left
    assert _template(context, "Agent Not Responding").items[2].recorded == 1
    for item in (status, credit):
        with pytest.raises(ValidationError) as refused:
            remove_item(context.db, item.id, actor="lead")
        assert "checked or answered on 1 ticket" in refused.value.problems["items"]
        assert "Reword it instead" in str(refused.value)
    assert len(_state(context, ref.id, "Agent Not Responding").items) == 6
    status_state = _state(context, ref.id, "Agent Not Responding").items[2]
    assert status_state.answer == "Active"

    remove_item(context.db, test_chat.id, actor="lead")  # unticked again: nothing to lose
    assert len(_state(context, ref.id, "Agent Not Responding").items) == 5
    with context.db.read_session() as session:
        left = session.scalars(
            select(TicketChecklistItem.item_id).where(TicketChecklistItem.ticket_id == ref.id)
        ).all()
    assert sorted(left) == sorted([status.id, credit.id])
    assert ("checklist item removed", "Agent Not Responding", test_chat.text, None) in _audit(
        context
    )


def test_the_close_gate_stays_intact_and_works_after_edits(context):
    gate = _template(context, "Pre-Resolution Checklist")
    verified = gate.items[1]
    assert verified.field == "verification"
    for key, change in (("name", {"name": "Before closing"}), ("active", {"active": False})):
        with pytest.raises(ValidationError) as refused:
            save_template(context.db, replace(ct.edit_of(gate), **change), actor="lead")
        assert "close gate" in refused.value.problems[key]
    with pytest.raises(ValidationError, match="part of the close gate"):
        remove_item(context.db, verified.id, actor="lead")
    with pytest.raises(ValidationError, match="one of"):
        create_template(context.db, "Second gate", "pre_resolution", actor="lead", items=["x"])

    edit_item(context.db, verified.id, "Fix tested and verified", actor="lead")
    extra = add_item(context.db, gate.id, "Billing adjusted if needed", actor="lead")
    similar = gate.items[6]
    remove_item(context.db, similar.id, actor="lead")  # a manual item nobody ticked yet

    service = context.tickets
    ref = _ticket(context)
    send_solution(service, ref.id)
    with pytest.raises(TransitionRefused, match="Billing adjusted if needed"):
        service.perform(ref.id, Action.CLOSE)
    satisfy_close_gates(context, ref.id)
    state = _state(context, ref.id, "Pre-Resolution Checklist")
    assert state.complete and extra in [i.item_id for i in state.items]
    assert state.items[1].text == "Fix tested and verified" and state.items[1].automatic
    service.perform(ref.id, Action.CLOSE)


def test_bad_input_is_refused_naming_the_problem(context):
    agent = _template(context, "Agent Not Responding")
    info = _template(context, "User Information")
    base = ct.edit_of(agent)
    cases = [
        (replace(base, name="  "), "name", "needs a name"),
        (replace(base, name="knowledge base issues"), "name", "already a checklist called"),
        (replace(base, name="x" * 121), "name", "longer than 120"),
        (replace(base, items=(*base.items, ItemEdit(" "))), "items", "Item 7 of"),
        (
            replace(base, items=(*base.items, ItemEdit("when did this START?"))),
            "items",
            "twice",
        ),
        (replace(base, items=()), "items", "at least one item"),
        (replace(base, category_ids=(9999,)), "categories", "no category with id 9999"),
        (replace(base, kind="information"), "kind", "cannot be changed"),
        (
            replace(ct.edit_of(info), category_ids=(agent.category_ids[0],)),
            "categories",
            "shows on every ticket",
        ),
        (TemplateEdit("New one", (ItemEdit("Q?"),), kind="wishes"), "kind", "one of"),
        (TemplateEdit("New one", (ItemEdit("Q?"),)), "kind", "one of"),
    ]
    for edit, key, message in cases:
        with pytest.raises(ValidationError) as refused:
            save_template(context.db, edit, actor="lead")
        assert message in refused.value.problems[key], (key, message)
    with pytest.raises(NotFoundError):
        rename_template(context.db, 9999, "Gone", actor="lead")
    with pytest.raises(NotFoundError):
        edit_item(context.db, 9999, "Gone", actor="lead")
    assert _template(context, "Agent Not Responding") == agent
    assert _audit(context) == []


def test_a_question_set_attached_to_another_category_shows_on_its_tickets(context):
    billing = _category(context, "Billing")
    set_id = create_template(
        context.db,
        "Billing questions",
        "questions",
        actor="lead",
        items=["Which invoice?", "Which payment method?"],
        category_ids=[billing],
    )
    created = _template(context, "Billing questions")
    assert created.id == set_id and created.key == "questions_billing_questions"
    names = [s.name for s in ticket_checklists(context.db, _ticket(context, "Billing").id)]
    assert names[4] == "Billing questions"  # after the information lists, before the gate
    assert _state(context, _ticket(context, "Agent Issues").id, "Billing questions") is None

    kb = _template(context, "Knowledge Base Issues")
    agent_ticket = _ticket(context, "Agent Issues")
    attach_category(context.db, kb.id, _category(context, "Agent Issues"), actor="lead")
    shown = [s.name for s in ticket_checklists(context.db, agent_ticket.id)]
    assert "Knowledge Base Issues" in shown and "Agent Not Responding" in shown
    question = _state(context, agent_ticket.id, "Knowledge Base Issues").items[1]
    set_item(context.db, agent_ticket.id, question.item_id, actor="sara", answer="guide.pdf")

    detach_category(context.db, kb.id, _category(context, "Agent Issues"), actor="lead")
    assert _state(context, agent_ticket.id, "Knowledge Base Issues") is None
    attach_category(context.db, kb.id, _category(context, "Agent Issues"), actor="lead")
    kept = _state(context, agent_ticket.id, "Knowledge Base Issues").items[1]
    assert kept.answer == "guide.pdf"  # hidden while detached, never lost
    assert ("checklist attached", "Knowledge Base Issues", None, "Agent Issues") in _audit(context)
    assert ("checklist detached", "Knowledge Base Issues", "Agent Issues", None) in _audit(context)


def test_a_template_switched_off_hides_and_keeps_its_answers(context):
    ref = _ticket(context)
    post = _template(context, "Post-Resolution Review")
    set_item(context.db, ref.id, post.items[1].id, actor="sara", answer="No")
    set_template_active(context.db, post.id, False, actor="lead")
    assert _state(context, ref.id, "Post-Resolution Review") is None
    assert not _template(context, "Post-Resolution Review").active
    set_template_active(context.db, post.id, True, actor="lead")
    assert _state(context, ref.id, "Post-Resolution Review").items[1].answer == "No"
    rename_template(context.db, post.id, "After-closing review", actor="lead")
    assert _state(context, ref.id, "After-closing review") is not None
    assert [a for a, *_ in _audit(context)] == [
        "checklist switched off",
        "checklist switched on",
        "checklist renamed",
    ]


def test_several_edits_are_saved_together_or_not_at_all(context):
    info = ct.edit_of(_template(context, "User Information"))
    doc = ct.edit_of(_template(context, "Documentation: In Internal Notes"))
    renamed = replace(info, name="Customer")
    with pytest.raises(ValidationError) as refused:
        ct.save_templates(context.db, [renamed, replace(doc, name="")], actor="lead")
    assert set(refused.value.problems) == {"1.name"}
    assert _template(context, "User Information").name == "User Information"
    new = TemplateEdit("Security questions", (ItemEdit("Was MFA on?"),), kind="questions")
    swapped = [renamed, replace(doc, name="User Information"), new]
    ids = ct.save_templates(context.db, swapped, actor="lead")
    assert ids[:2] == [info.template_id, doc.template_id]
    assert _template(context, "Customer").id == info.template_id
    assert _template(context, "User Information").kind == "documentation"
    assert _template(context, "Security questions").category_ids == ()
