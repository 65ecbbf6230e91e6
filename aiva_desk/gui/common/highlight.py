"""Search matches highlighted in the editor's text, the way the queue search finds them.

The queue search matches every word of the query as a *prefix* of a word in the
ticket, case-insensitively (:func:`aiva_desk.store.search.highlight_terms`); the
highlighter marks the same: each word starting with one of the terms, to its end.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from aiva_desk.store.search import highlight_terms

# A marker colour pair readable in light and dark palettes alike.
MATCH_BACKGROUND = "#ffe066"
MATCH_FOREGROUND = "#1a1a1a"


def term_pattern(terms: Sequence[str]) -> QRegularExpression | None:
    """A pattern matching words that start with any of ``terms``, or ``None``."""
    words = [term for term in terms if term]
    if not words:
        return None
    alternatives = "|".join(QRegularExpression.escape(word) for word in words)
    options = (
        QRegularExpression.PatternOption.CaseInsensitiveOption
        | QRegularExpression.PatternOption.UseUnicodePropertiesOption
    )
    return QRegularExpression(rf"\b(?:{alternatives})\w*", options)


def match_format() -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setBackground(QColor(MATCH_BACKGROUND))
    fmt.setForeground(QColor(MATCH_FOREGROUND))
    return fmt


class TermHighlighter(QSyntaxHighlighter):
    """Marks every word of a document that starts with one of the search terms."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._pattern: QRegularExpression | None = None
        self._format = match_format()

    def set_search(self, text: str) -> None:
        """Highlight the words of the search ``text`` ("" clears the highlight)."""
        pattern = term_pattern(highlight_terms(text))
        old = self._pattern.pattern() if self._pattern is not None else None
        new = pattern.pattern() if pattern is not None else None
        if old == new:
            return
        self._pattern = pattern
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        if self._pattern is None:
            return
        matches = self._pattern.globalMatch(text)
        while matches.hasNext():
            match = matches.next()
            self.setFormat(match.capturedStart(), match.capturedLength(), self._format)
