"""Colours for a message template's source: Jinja tags, the Subject line and the gaps.

* ``{{ … }}`` — a value filled in from the ticket;
* ``{% … %}`` — a statement (``if``, ``for``), bold;
* ``{# … #}`` — a comment, muted and italic (it may span lines);
* ``[[ … ]]`` — a gap the agent fills before sending, marked like a highlighter pen;
* the ``Subject:`` keyword of the first line.

A tag left open at the end of a line carries on into the next (the block state
remembers which one), so a multi-line ``{% if … %}`` or comment is coloured whole.
Colours are picked from the palette in use, light or dark.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from aiva_desk.gui.common import theme

# (opener, closer) by block state; state 0 (or -1) means "outside any tag".
DELIMITERS: dict[int, tuple[str, str]] = {
    1: ("{{", "}}"),
    2: ("{%", "%}"),
    3: ("{#", "#}"),
    4: ("[[", "]]"),
}
SUBJECT = "Subject:"

# (on a light background, on a dark background)
_COLORS = {
    1: ("#1e5fb4", "#7fb2ff"),  # expressions
    2: ("#8a3ab9", "#d59bf6"),  # statements
    "subject": ("#1b7a3a", "#6fd38f"),
}
GAP_BACKGROUND = "#ffe066"
GAP_FOREGROUND = "#1a1a1a"


def _color(key: int | str) -> QColor:
    light, dark = _COLORS[key]
    return QColor(dark if theme.is_dark() else light)


class JinjaHighlighter(QSyntaxHighlighter):
    """Highlights a message template (``Subject:`` line, Jinja tags, ``[[ gaps ]]``)."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.formats = self._make_formats()

    @staticmethod
    def _make_formats() -> dict[int | str, QTextCharFormat]:
        expression = QTextCharFormat()
        expression.setForeground(_color(1))
        statement = QTextCharFormat()
        statement.setForeground(_color(2))
        statement.setFontWeight(QFont.Weight.Bold)
        comment = QTextCharFormat()
        comment.setForeground(theme.muted_color())
        comment.setFontItalic(True)
        gap = QTextCharFormat()
        gap.setBackground(QColor(GAP_BACKGROUND))
        gap.setForeground(QColor(GAP_FOREGROUND))
        subject = QTextCharFormat()
        subject.setForeground(_color("subject"))
        subject.setFontWeight(QFont.Weight.Bold)
        return {1: expression, 2: statement, 3: comment, 4: gap, "subject": subject}

    def refresh_colors(self) -> None:
        """Pick the colours again (after the palette changed between light and dark)."""
        self.formats = self._make_formats()
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        if self.currentBlock().blockNumber() == 0 and text.startswith(SUBJECT):
            self.setFormat(0, len(SUBJECT), self.formats["subject"])
        state = max(self.previousBlockState(), 0)
        carry, position = 0, 0
        while position <= len(text):
            if state == 0:
                found = [(text.find(o, position), s) for s, (o, _c) in DELIMITERS.items()]
                found = [(index, s) for index, s in found if index >= 0]
                if not found:
                    break
                start, state = min(found)
                search_from = start + 2
            else:
                start, search_from = position, position
            end = text.find(DELIMITERS[state][1], search_from)
            if end < 0:  # open at the end of the line: it carries on into the next
                self.setFormat(start, len(text) - start, self.formats[state])
                carry = state
                break
            end += 2
            self.setFormat(start, end - start, self.formats[state])
            position, state = end, 0
        self.setCurrentBlockState(carry)
        self._mark_nested_gaps(text)

    def _mark_nested_gaps(self, text: str) -> None:
        """A gap inside a tag (``{{ x or "[[ fill in ]]" }}``) keeps the tag's colour and
        gets the gap's background, so every gap stands out."""
        background = self.formats[4].background()
        start = text.find("[[")
        while start >= 0:
            end = text.find("]]", start + 2)
            end = len(text) if end < 0 else end + 2
            for index in range(start, end):
                char = self.format(index)
                if char.background() != background:
                    char.setBackground(background)
                    char.setForeground(self.formats[4].foreground())
                    self.setFormat(index, 1, char)
            start = text.find("[[", end)
