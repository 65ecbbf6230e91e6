"""Outgoing e-mail: templates, addresses, SMTP accounts, credentials and the outbox.

Qt-free. The GUI composes through :mod:`aiva_desk.mail.composer` and drives
delivery through :mod:`aiva_desk.mail.delivery` on a background thread.
"""
