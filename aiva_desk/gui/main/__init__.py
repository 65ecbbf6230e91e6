"""The main window and what hangs off it: menus, tray, SLA alerts, first run, customers."""
