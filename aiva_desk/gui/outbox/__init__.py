"""Outgoing mail: the Outbox window and the background sender."""
