"""The data folder's backups in the window: File menu actions, the daily backup, Settings."""
