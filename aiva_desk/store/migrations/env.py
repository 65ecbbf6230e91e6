"""Alembic environment: runs on the connection that :mod:`aiva_desk.store.database` hands in."""

from __future__ import annotations

from alembic import context

from aiva_desk.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only used by `alembic revision --autogenerate`
    from sqlalchemy import create_engine

    connection = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://").connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
