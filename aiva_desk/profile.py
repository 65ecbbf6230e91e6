"""The agent's own profile: the staff member this person works as ("I am", "My open").

On a fresh data folder there is nobody yet: :func:`needs_first_run` says so, and
:func:`save_profile` creates the agent's staff record (or takes over the one with
the same e-mail address) and remembers it in the settings. :func:`create_demo_data_dir`
fills a separate data folder with demo tickets for someone who wants to look around
first, so their real folder stays empty.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from aiva_desk import clock
from aiva_desk.domain import StaffRole
from aiva_desk.errors import DataDirError, ValidationError
from aiva_desk.runtime.paths import DataPaths
from aiva_desk.runtime.settings import UserSettings
from aiva_desk.store.models import Staff, Ticket
from aiva_desk.validation import email_problem, line_problem, normalize_email

if TYPE_CHECKING:
    from aiva_desk.app_context import AppContext
    from aiva_desk.store.database import Database

log = logging.getLogger(__name__)

NAME_MAX = 200
DEMO_SUFFIX = "-demo"
DEMO_TICKETS = 300


@dataclass(frozen=True)
class ProfileInput:
    name: str
    email: str
    role: StaffRole = StaffRole.AGENT


def profile_problems(data: ProfileInput, *, colleague: bool = False) -> dict[str, str]:
    """Each field that is wrong, with what to do about it (empty: all fine). With
    ``colleague`` the messages speak of someone else (the Staff settings page)."""
    problems: dict[str, str] = {}
    your, your_cap = ("their", "Their") if colleague else ("your", "Your")
    name = data.name.strip()
    if not name:
        problems["name"] = (
            "Enter the colleague's name."
            if colleague
            else "Enter your name as customers and colleagues should see it."
        )
    elif len(name) > NAME_MAX:
        problems["name"] = (
            f"{your_cap} name is too long ({len(name)} characters, at most {NAME_MAX})."
        )
    elif problem := line_problem(f"{your_cap} name", name):
        problems["name"] = problem
    if not data.email.strip():
        problems["email"] = f"Enter {your} work e-mail address."
    elif problem := email_problem(data.email):
        problems["email"] = problem.replace("the customer's", your)
    if not isinstance(data.role, StaffRole):
        problems["role"] = f"Choose {your} role."
    return problems


def staff_count(db: Database) -> int:
    with db.read_session() as session:
        return session.scalar(select(func.count()).select_from(Staff)) or 0


def needs_first_run(context: AppContext) -> bool:
    """A fresh data folder: no profile chosen and nobody on the staff list yet."""
    return context.settings.me_staff_id is None and staff_count(context.db) == 0


def save_profile(db: Database, settings: UserSettings, data_dir: Path, data: ProfileInput) -> int:
    """Create the agent's staff record (or update the one with this e-mail); return its id.

    The settings then name it as "me" and are saved. Raises :class:`ValidationError`
    naming each bad field, before anything is written.
    """
    if problems := profile_problems(data):
        raise ValidationError(problems)
    email = normalize_email(data.email)
    with db.session("profile") as session:
        staff = session.scalars(select(Staff).where(func.lower(Staff.email) == email)).first()
        if staff is None:
            staff = Staff(email=email)
            session.add(staff)
        staff.name = data.name.strip()
        staff.role = data.role
        staff.active = True
        session.flush()
        staff_id = staff.id
    settings.me_staff_id = staff_id
    settings.save(data_dir)
    log.info("Profile saved: staff member %s", staff_id)
    return staff_id


def demo_data_dir_for(paths: DataPaths) -> Path:
    """Where the demo data goes: a sibling of the real data folder."""
    return paths.root.with_name(paths.root.name + DEMO_SUFFIX)


def create_demo_data_dir(target: Path, *, tickets: int = DEMO_TICKETS, seed: int = 1) -> Path:
    """A data folder with demo tickets (kept if it already has them); returns its path.

    The first agent of the demo staff becomes "me", so the demo opens without asking.
    """
    from aiva_desk.app_context import open_desk_database
    from aiva_desk.demo.generate import generate_demo

    paths = DataPaths(target).ensure()
    db = open_desk_database(paths.default_db_url(), backups_dir=paths.backups)
    try:
        with db.read_session() as session:
            has_tickets = session.scalar(select(func.count()).select_from(Ticket)) or 0
        if not has_tickets:
            generate_demo(db, tickets=tickets, seed=seed, now=clock.now())
        with db.read_session() as session:
            me = session.scalars(
                select(Staff.id).where(Staff.role == StaffRole.AGENT).order_by(Staff.id)
            ).first()
    finally:
        db.dispose()
    settings = UserSettings.load(paths.root)
    if settings.me_staff_id is None:
        settings.me_staff_id = me
        try:
            settings.save(paths.root)
        except OSError as exc:
            raise DataDirError(f"Cannot write the demo settings in {paths.root}: {exc}") from exc
    return paths.root
