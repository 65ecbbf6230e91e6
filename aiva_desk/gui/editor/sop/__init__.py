"""The SOP panels beside a ticket: checklists, resolution, escalation, close gates."""
