"""Persistence: models, engine, migrations, search and the ticket service."""

# Every table must be on Base.metadata wherever the models are used (Alembic compares).
from aiva_desk.store import inbound_models as _inbound_models  # noqa: F401
from aiva_desk.store import mail_models as _mail_models  # noqa: F401
from aiva_desk.store import review_models as _review_models  # noqa: F401
from aiva_desk.store import sla_models as _sla_models  # noqa: F401
