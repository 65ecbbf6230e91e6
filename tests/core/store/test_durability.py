"""A saved ticket survives the app being killed right after the save."""

import subprocess
import sys
import textwrap

from aiva_desk.app_context import open_desk_database
from aiva_desk.tickets.service import TicketService

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from aiva_desk.app_context import open_desk_database
    from aiva_desk.tickets.service import NewTicket, TicketService
    db = open_desk_database(sys.argv[1])
    service = TicketService(db, actor="agent")
    category = service.categories()[0]
    ref = service.create(NewTicket("Outage", "Ann", "ann@example.com", category.id, "down"))
    service.add_note(ref.id, "typed just before the crash")
    print(ref.id, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_saved_work_survives_a_kill(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "-c", CHILD, url], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == -9, result.stderr
    ticket_id = int(result.stdout.strip())
    db = open_desk_database(url)
    ticket = TicketService(db, actor="agent").get(ticket_id)
    assert ticket.subject == "Outage"
    assert [n.body for n in ticket.notes] == ["typed just before the crash"]
    db.dispose()
