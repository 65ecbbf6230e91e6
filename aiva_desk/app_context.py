"""Open everything a session of AIVA Desk needs: data dir, log, database, services.

Both the CLI and the GUI start here, so they share one way of choosing the data
dir and database and one set of refusals when something is wrong.
"""

from __future__ import annotations

import getpass
import logging
from dataclasses import dataclass
from pathlib import Path

from aiva_desk import __version__, template_engine
from aiva_desk.inbound.acknowledgments import auto_acknowledger
from aiva_desk.inbound.intake import MailIntake
from aiva_desk.mail.service import MailService
from aiva_desk.runtime.logs import setup_logging
from aiva_desk.runtime.output_paths import check_output_path
from aiva_desk.runtime.paths import DataPaths, resolve_data_dir, resolve_db_url
from aiva_desk.runtime.private_files import private_database
from aiva_desk.runtime.settings import UserSettings
from aiva_desk.sla.indexer import sla_session_hooks
from aiva_desk.store.database import BUSY_TIMEOUT_MS, Database, open_database
from aiva_desk.store.models import Staff
from aiva_desk.tickets.attachments import AttachmentStore
from aiva_desk.tickets.drafts import DraftStore
from aiva_desk.tickets.service import TicketService

log = logging.getLogger(__name__)


@dataclass
class AppContext:
    paths: DataPaths
    db: Database
    tickets: TicketService
    drafts: DraftStore
    settings: UserSettings
    mail: MailService
    # Whose saved views these are: the computer login, as it always was, so a data folder's
    # saved views survive choosing (or changing) "I am". Never written into the history.
    view_owner: str = ""

    @property
    def actor(self) -> str:
        """Who the history names: the staff member chosen under "I am"."""
        return self.tickets.actor

    def refresh_actor(self) -> str:
        """Take the actor from the profile again (after "I am" or the profile changed)."""
        self.tickets.actor = actor_for(self.db, self.settings.me_staff_id)
        return self.tickets.actor

    def set_me(self, staff_id: int | None) -> str:
        """Work as ``staff_id`` from now on: remembered, and named in the history."""
        self.settings.me_staff_id = staff_id
        return self.refresh_actor()

    def mail_intake(self, *, live: bool = False) -> MailIntake:
        """The mail intake as the agent set it up. ``live`` mail (read from a mailbox)
        is acknowledged automatically if they asked for that; imported files, often old
        mail, never are."""
        acknowledge = auto_acknowledger(self.mail) if live else None
        return MailIntake(
            self.tickets, reopen_days=self.settings.reopen_days, acknowledge=acknowledge
        )

    def save_settings(self) -> None:
        self.settings.save(self.paths.root)

    def output_path(self, path: str | Path) -> Path:
        """``path`` if an export may write it; refuses the database, its journal files, the
        managed folders and folders (:class:`~aiva_desk.runtime.output_paths.OutputPathError`)."""
        url = self.db.engine.url.render_as_string(hide_password=False)
        return check_output_path(path, self.paths, url)

    def close(self) -> None:
        self.db.dispose()


NO_PROFILE = "Agent (no profile chosen)"


def current_login() -> str:
    """The computer login: only the key of the saved views, never a name in the history."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "agent"


def actor_for(db: Database, staff_id: int | None) -> str:
    """The name the history records for ``staff_id``; an honest placeholder for nobody."""
    if staff_id is None:
        return NO_PROFILE
    with db.read_session() as session:
        staff = session.get(Staff, staff_id)
        return staff.name if staff is not None and staff.name.strip() else NO_PROFILE


def open_desk_database(
    url: str, *, backups_dir: Path | None = None, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> Database:
    """Open (and migrate) ``url`` with every feature's session hooks: the SLA clocks."""
    return open_database(
        url, backups_dir=backups_dir, busy_timeout_ms=busy_timeout_ms, hooks=sla_session_hooks()
    )


def open_context(data_dir: str | None = None, db_url: str | None = None) -> AppContext:
    """Prepare the data dir, start the log and open (and migrate) the database."""
    paths = resolve_data_dir(data_dir).ensure()
    setup_logging(paths.logs)
    url = resolve_db_url(paths, db_url)
    log.info("AIVA Desk %s starting; data dir %s", __version__, paths.root)
    db = open_desk_database(url, backups_dir=paths.backups)
    private_database(paths.database)  # SQLite made it with the umask's mode
    settings = UserSettings.load(paths.root)
    actor = actor_for(db, settings.me_staff_id)
    attachments = AttachmentStore(paths.attachments)
    service = TicketService(db, actor=actor, attachments=attachments)
    template_engine.use_overrides(paths.templates)
    mail = MailService(service, attachments, paths.templates, settings)
    mail.outbox.recover()
    return AppContext(
        paths=paths,
        db=db,
        tickets=service,
        drafts=DraftStore(paths.drafts),
        settings=settings,
        mail=mail,
        view_owner=current_login(),
    )
