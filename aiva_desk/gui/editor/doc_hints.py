"""The SOP's Documentation Standards as hints under what the agent writes, never blocking.

:func:`show_hints` fills a label with the hints
:func:`aiva_desk.tickets.doc_quality.documentation_hints` gives for one or more texts, with
the SOP's good example, and hides it when there are none.
"""

from __future__ import annotations

import html

from PySide6.QtWidgets import QLabel

from aiva_desk.tickets.doc_quality import documentation_hints

# A rule at the left in the palette's highlight colour: readable on light and dark.
HINT_STYLE = (
    "QLabel { border: none; border-left: 3px solid palette(highlight); padding: 2px 0px 2px 8px; }"
)


def hints_html(texts: dict[str, str]) -> str:
    """The hints for the named texts as rich text ("" when every text is specific).

    Texts that get the same hint share one line: "Root cause, Solution: Be specific…".
    """
    names: dict[tuple[str, str | None], list[str]] = {}
    for name, text in texts.items():
        for hint in documentation_hints(text):
            names.setdefault((hint.text, hint.good_example), []).append(name)
    parts = []
    for (text, good_example), where in names.items():
        named = ", ".join(html.escape(name) for name in where if name)
        line = (f"<b>{named}:</b> " if named else "") + html.escape(text)
        if good_example:
            line += f"<br>SOP example: <i>“{html.escape(good_example)}”</i>"
        parts.append(line)
    return "<br>".join(parts)


def show_hints(label: QLabel, texts: dict[str, str]) -> str:
    """Show the hints for ``texts`` in ``label`` (hidden when there are none); return them."""
    rich = hints_html(texts)
    if not label.property("hintStyled"):
        label.setProperty("hintStyled", True)
        label.setStyleSheet(HINT_STYLE)
        label.setWordWrap(True)
    label.setText(rich)
    label.setAccessibleDescription(label.text())
    label.setVisible(bool(rich))
    return rich
