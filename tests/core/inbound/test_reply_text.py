"""A reply's own words apart from quoted history and signature, on real replies: one per
mail client (talon's fixtures, with the reply text they expect) and the plain-text cases
of zapier's email-reply-parser."""

from __future__ import annotations

import datetime as dt

import pytest

from aiva_desk.inbound.html_text import html_to_text
from aiva_desk.inbound.message import read_mail
from aiva_desk.inbound.reply_text import split_reply
from tests.helpers.paths import real_world_mail

NOW = dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC)


def _lines(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _plain(name: str) -> str:
    return real_world_mail("zapier-reply-parser", name).read_text(encoding="utf-8")


@pytest.mark.parametrize("client", ["iphone", "sparrow"])
def test_the_reply_text_is_what_talon_expects(client: str) -> None:
    folder = real_world_mail("talon", "standard_replies")
    mail = read_mail((folder / f"{client}.eml").read_bytes(), NOW)
    expected = (folder / f"{client}_reply_text").read_text(encoding="utf-8")
    parts = split_reply(mail.text)
    assert _lines(parts.reply) == _lines(expected)
    assert parts.text == "Hello" and parts.signature and parts.quoted


def test_every_mail_clients_reply_is_its_first_line() -> None:
    folder = real_world_mail("talon", "standard_replies")
    for path in sorted(folder.glob("*.eml")):
        parts = split_reply(read_mail(path.read_bytes(), NOW).text)
        assert parts.text == "Hello", path.name
        assert parts.quoted, path.name


def test_html_replies_keep_only_the_answer() -> None:
    folder = real_world_mail("talon", "html_replies")
    for path in sorted(folder.glob("*.html")):
        text, quoted = html_to_text(path.read_text(encoding="utf-8", errors="replace"))
        parts = split_reply(text)
        assert " ".join(parts.text.split()) == "Hi. I am fine. Thanks, Alex", path.name
        assert quoted or parts.quoted, path.name


@pytest.mark.parametrize(
    ("name", "starts", "absent"),
    [
        ("email_1_2.txt", "Hi,\nYou can list the keys", "What is the best way"),  # below
        ("email_1_8.txt", "I will reply under this one", "okay?"),  # between the quotes
        ("email_headers_no_delimiter.txt", "And another reply!", "A reply"),
        ("greedy_on.txt", "On your remote host you can run:", "odd issue"),
        ("email_partial_quote_header.txt", "On your remote host you can run:", "odd issue"),
        ("email_one_is_not_on.txt", "Thank, this is really helpful.", "The good news"),
        ("email_2_1.txt", "Outlook with a reply", "Dear Google Apps Sync user"),
        ("email_2_2.txt", "Outlook with a reply directly above line", "John Greene"),
        ("email_2_3.txt", "Outlook with a reply above headers", "noreply@site.com"),
        ("pathological.txt", "I think you're onto something.", "organism.sequence"),
    ],
)
def test_quoted_history_is_folded_away(name: str, starts: str, absent: str) -> None:
    parts = split_reply(_plain(name))
    assert parts.text.startswith(starts)
    assert absent not in parts.text and absent in parts.quoted


def test_an_answer_between_quotes_keeps_every_own_line() -> None:
    parts = split_reply(_plain("email_1_8.txt"))
    assert "I will reply under this one" in parts.text and "and under this." in parts.text


@pytest.mark.parametrize(
    ("name", "signature"),
    [
        ("email_iPhone.txt", "Sent from my iPhone"),
        ("email_BlackBerry.txt", "Sent from my BlackBerry"),
        ("email_multi_word_sent_from_my_mobile_device.txt", "Sent from my Verizon Wireless"),
        ("correct_sig.txt", "--\nrick"),
        ("email_sent_from_my_not_signature.txt", ""),  # "Sent from my desk, is much easier…"
        ("email_sig_delimiter_in_middle_of_line.txt", ""),  # "a fix -- this is not a …"
    ],
)
def test_a_signature_is_folded_only_where_it_is_one(name: str, signature: str) -> None:
    parts = split_reply(_plain(name))
    assert parts.signature.startswith(signature) and bool(parts.signature) == bool(signature)
    assert parts.text and parts.text not in parts.signature


def test_text_without_history_or_signature_stays_whole() -> None:
    body = "Hello,\n\nthe export fails with error 42 since Monday.\n\nAnn"
    assert split_reply(body).text == body
    assert split_reply(body).quoted == split_reply(body).signature == ""
