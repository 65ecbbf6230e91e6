"""Customers' e-mail coming in: read any message without failing, its text without the
quoted history, and whether a person or a machine sent it (no Qt)."""
