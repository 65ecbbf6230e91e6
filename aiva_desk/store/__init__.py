"""Persistence: models, engine, migrations, search and the ticket service."""
