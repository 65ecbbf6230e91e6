"""The Qt user interface of AIVA Desk; the only package that imports PySide6.

Start with :func:`aiva_desk.gui.app.run`. Layouts live in ``ui/*.ui`` (loaded by
:mod:`aiva_desk.gui.common.forms`); errors reach the user through
:func:`aiva_desk.gui.errors.show_error`; slow work runs through
:mod:`aiva_desk.gui.tasks`. A folder per screen (``main``, ``queue``, ``editor``,
``composer``, ``outbox``, ``settings``, ``reports``) and ``common`` for what they share;
the README's "How it is built" is the map.
"""
