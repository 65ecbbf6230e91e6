"""Backups of a whole data folder (database and attachments) and restoring them."""
