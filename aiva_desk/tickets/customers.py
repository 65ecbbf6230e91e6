"""The customer and organization directory: find, edit, merge duplicates, autocomplete."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from aiva_desk import clock
from aiva_desk.domain import CustomerRole
from aiva_desk.errors import AivaError, NotFoundError, ValidationError
from aiva_desk.queue.query import OPEN_STATUSES
from aiva_desk.store.database import Database
from aiva_desk.store.models import AuditEntry, Customer, Organization, Ticket
from aiva_desk.validation import check_line, email_problem, normalize_email, require


@dataclass(frozen=True)
class CustomerSummary:
    id: int
    name: str
    email: str
    organization: str | None
    organization_id: int | None
    role: CustomerRole | None
    tenant_id: str | None
    open_tickets: int
    all_tickets: int


@dataclass(frozen=True)
class OrganizationSummary:
    id: int
    name: str
    tenant_id: str | None
    customers: int


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def find_customers(db: Database, text: str = "", *, limit: int = 200) -> list[CustomerSummary]:
    """Customers whose name, e-mail, organization or tenant id contains ``text``."""
    open_count = func.count(Ticket.id).filter(Ticket.status.in_(sorted(OPEN_STATUSES)))
    query = (
        select(
            Customer.id,
            Customer.name,
            Customer.email,
            Organization.name,
            Customer.organization_id,
            Customer.role,
            func.coalesce(Customer.tenant_id, Organization.tenant_id),
            open_count,
            func.count(Ticket.id),
        )
        .outerjoin(Organization, Organization.id == Customer.organization_id)
        .outerjoin(Ticket, Ticket.customer_id == Customer.id)
        .group_by(Customer.id, Organization.id)
        .order_by(Customer.name, Customer.id)
        .limit(limit)
    )
    if text.strip():
        pattern = _like(text.strip())
        query = query.where(
            or_(
                Customer.name.ilike(pattern, escape="\\"),
                Customer.email.ilike(pattern, escape="\\"),
                Organization.name.ilike(pattern, escape="\\"),
                Customer.tenant_id.ilike(pattern, escape="\\"),
            )
        )
    with db.read_session() as session:
        return [CustomerSummary(*row) for row in session.execute(query)]


def suggest_customers(db: Database, prefix: str, *, limit: int = 10) -> list[CustomerSummary]:
    """Autocomplete for the New Ticket dialog: matches on name or e-mail."""
    if len(prefix.strip()) < 2:
        return []
    return find_customers(db, prefix, limit=limit)


def find_organizations(
    db: Database, text: str = "", *, limit: int = 200
) -> list[OrganizationSummary]:
    query = (
        select(Organization.id, Organization.name, Organization.tenant_id, func.count(Customer.id))
        .outerjoin(Customer, Customer.organization_id == Organization.id)
        .group_by(Organization.id)
        .order_by(Organization.name)
        .limit(limit)
    )
    if text.strip():
        query = query.where(Organization.name.ilike(_like(text.strip()), escape="\\"))
    with db.read_session() as session:
        return [OrganizationSummary(*row) for row in session.execute(query)]


def _organization(session: Session, name: str) -> Organization | None:
    name = name.strip()
    if not name:
        return None
    org = session.scalars(select(Organization).where(Organization.name == name)).first()
    if org is None:
        org = Organization(name=name)
        session.add(org)
    return org


def update_customer(
    db: Database,
    customer_id: int,
    *,
    name: str,
    email: str,
    organization: str,
    role: CustomerRole | None,
    tenant_id: str,
    actor: str,
) -> None:
    """Save a customer's details; the e-mail must stay valid and unique."""
    problems: dict[str, str] = {}
    require(problems, "name", name, "The customer's name")
    check_line(problems, "name", name, "The customer's name", 200)
    check_line(problems, "email", email, "The customer's e-mail")
    if "email" not in problems and (problem := email_problem(email)):
        problems["email"] = problem
    check_line(problems, "organization", organization, "The organization", 200)
    check_line(problems, "tenant_id", tenant_id, "The tenant", 100)
    if problems:
        raise ValidationError(problems)
    normalized = normalize_email(email)
    with db.session(actor) as session:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFoundError("That customer no longer exists.")
        clash = session.scalar(
            select(Customer.id).where(Customer.email == normalized, Customer.id != customer_id)
        )
        if clash is not None:
            raise ValidationError(
                {"email": f"{normalized} belongs to another customer; merge the two instead."}
            )
        customer.name = name.strip()
        customer.email = normalized
        customer.organization = _organization(session, organization)
        customer.role = CustomerRole(role) if role else None
        customer.tenant_id = tenant_id.strip() or None


def merge_customers(db: Database, keep_id: int, duplicate_ids: list[int], *, actor: str) -> int:
    """Move every ticket of the duplicates to ``keep_id`` and delete them; return tickets moved.

    Details the kept customer lacks (organization, role, tenant id) are taken over.
    Each moved ticket gets an audit entry naming the customer it came from.
    """
    others = sorted(set(duplicate_ids) - {keep_id})
    if not others:
        raise AivaError("Choose at least one other customer to merge into this one.")
    with db.session(actor) as session:
        keep = session.get(Customer, keep_id)
        duplicates = [session.get(Customer, other) for other in others]
        if keep is None or any(d is None for d in duplicates):
            raise NotFoundError("One of the customers to merge no longer exists.")
        moved = 0
        now = clock.now()
        for duplicate in duplicates:
            assert duplicate is not None
            keep.organization_id = keep.organization_id or duplicate.organization_id
            keep.role = keep.role or duplicate.role
            keep.tenant_id = keep.tenant_id or duplicate.tenant_id
            ticket_ids = session.scalars(
                select(Ticket.id).where(Ticket.customer_id == duplicate.id)
            ).all()
            for ticket_id in ticket_ids:
                session.add(
                    AuditEntry(
                        ticket_id=ticket_id,
                        at=now,
                        actor=actor,
                        action="customer merged",
                        field="customer_id",
                        old_value=f"{duplicate.name} <{duplicate.email}>",
                        new_value=f"{keep.name} <{keep.email}>",
                    )
                )
            session.execute(
                update(Ticket)
                .where(Ticket.customer_id == duplicate.id)
                .values(customer_id=keep.id, version=Ticket.version + 1, updated_at=now)
            )
            moved += len(ticket_ids)
            session.delete(duplicate)
        return moved
