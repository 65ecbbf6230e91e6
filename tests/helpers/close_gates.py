"""Test helper: do what the SOP's close gates ask, the way an agent would."""

from aiva_desk.tickets.checklists import PRE_RESOLUTION, set_item, ticket_checklists
from aiva_desk.tickets.workflow import Action


def satisfy_close_gates(context, ticket_id: int) -> None:
    service = context.tickets
    ticket = service.get(ticket_id)
    service.update(
        ticket_id,
        ticket.version,
        {
            "root_cause": ticket.root_cause or "API credits balance was $0.00",
            "solution": ticket.solution or "Added $100 credits to tenant account",
            "verification": "Agent now responding normally in test",
            "prevention": "Low-balance alert enabled for the tenant",
            "customer_prevention": "Turn on the low-balance e-mail alert under Billing.",
        },
    )
    service.record_customer_confirmation(ticket_id, "Customer replied: works now")
    for state in ticket_checklists(context.db, ticket_id):
        if state.kind == PRE_RESOLUTION:
            for item in state.open_items:
                set_item(context.db, ticket_id, item.item_id, actor="tester", checked=True)


def send_solution(service, ticket_id: int) -> None:
    """Walk a new ticket through the SOP's steps up to a solution sent to the customer."""
    service.perform(ticket_id, Action.ACKNOWLEDGE)
    service.triage(ticket_id, category_id=service.get(ticket_id).category_id, priority=2)
    for action in (Action.START_INVESTIGATION, Action.START_RESOLUTION):
        service.perform(ticket_id, action)
    ticket = service.get(ticket_id)
    service.update(ticket_id, ticket.version, {"solution": "Added credits", "root_cause": "$0"})
    service.perform(ticket_id, Action.SEND_SOLUTION)
