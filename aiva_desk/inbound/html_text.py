"""HTML-only mail as clean text: no script, no style, no markup; links kept as text.

A customer's HTML is never rendered: what the agent reads is the text a mail client would
show, with paragraphs, line breaks and list items where they were, and each link's address
after its words so nothing the customer pointed at is lost. Quoted history (a
``blockquote``, Gmail's and Outlook's reply containers) is returned apart, so the reply
and the history it answers can be shown separately.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIPPED = {"script", "style", "head", "title", "template", "noscript"}
_BLOCKS = {
    "p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "pre", "blockquote", "hr", "section", "article", "header", "footer", "address",
}  # fmt: skip
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "wbr", "source"}
_QUOTE_CLASSES = ("gmail_quote", "moz-cite-prefix", "yahoo_quoted", "OutlookMessageHeader")
_QUOTE_IDS = ("divRplyFwdMsg", "appendonsend", "mail-editor-reference-message-container")


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: tuple[list[str], list[str]] = ([], [])
        self._skip = 0
        self._stack: list[tuple[str, bool]] = []  # open tags, and whether each opened a quote
        self._quote_depth = 0
        self._quoted_from_here = False  # an Outlook header div: the rest is history
        self._links: list[str | None] = []

    def _out(self) -> list[str]:
        return self.parts[1 if self._quote_depth or self._quoted_from_here else 0]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in _SKIPPED:
            self._skip += 1
        if tag in _BLOCKS:
            self._out().append("\n")
        if tag == "li":
            self._out().append("- ")
        classes = (values.get("class") or "").split()
        element_id = values.get("id") or ""
        quote = tag == "blockquote" or any(c in _QUOTE_CLASSES for c in classes)
        if element_id in _QUOTE_IDS:
            self._quoted_from_here = True
        if tag == "a":
            self._links.append(values.get("href"))
        if tag not in _VOID:
            self._stack.append((tag, quote))
            self._quote_depth += quote

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED and self._skip:
            self._skip -= 1
        if tag == "a" and self._links:
            href = self._links.pop()
            if href and href.startswith(("http:", "https:", "mailto:")):
                shown = href.removeprefix("mailto:")
                text = "".join(self._out()[-8:])
                if shown not in text:
                    self._out().append(f" <{shown}>")
        if tag not in _VOID and any(open_tag == tag for open_tag, _quote in self._stack):
            while True:  # close up to the matching tag (HTML in mail is often unbalanced)
                open_tag, quote = self._stack.pop()
                self._quote_depth -= quote
                if open_tag == tag:
                    break
        if tag in _BLOCKS and tag not in _VOID:
            self._out().append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._out().append(data)


def _tidy(text: str) -> str:
    lines = [" ".join(line.replace("\xa0", " ").split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> tuple[str, str]:
    """(the text, the quoted history's text) of an HTML body."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    new, quoted = parser.parts
    return _tidy("".join(new)), _tidy("".join(quoted))
