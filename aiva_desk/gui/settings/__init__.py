"""The Settings dialog and its pages: general, mail, SLA, templates, checklists."""
