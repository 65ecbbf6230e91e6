"""Test helper: a Settings page shown on its own, as the Settings dialog shows it."""

from __future__ import annotations


def shown_settings_page(qtbot, page, width: int = 900, height: int = 600):
    """A Settings page on its own, loaded as the dialog loads it, and on screen."""
    qtbot.addWidget(page)
    page.resize(width, height)
    page.load()
    page.show()
    qtbot.waitExposed(page)
    return page
