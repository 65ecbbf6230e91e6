"""The ticket queue: its table model, columns, query, selection, views and bulk actions."""
