from aiva_desk.tickets import NewTicket


def test_create_ticket_in_fresh_context(context):
    cats = context.tickets.categories()
    ref = context.tickets.create(
        NewTicket(
            subject="Agent silent",
            customer_name="Ann",
            customer_email="ann@example.com",
            category_id=cats[1].id,
            description="Agent does not answer",
        )
    )
    assert ref.number == 1001
    assert context.tickets.search("silent") == [ref.id]
