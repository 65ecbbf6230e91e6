"""Any message is read without failing, with its raw source kept; the date the customer
wrote, clamped to now; HTML mail as clean text; safe attachment names; machine mail named."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage

import pytest

from aiva_desk.inbound.message import read_mail, safe_filename
from tests.helpers.paths import real_world_mail

NOW = dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC)
NOT_MAIL = {"INDEX.md", "SOURCE.txt", "LICENSE.MIT", "LICENSE.Apache-2.0"}


def _message(**headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.pop("From", "Ann Lee <Ann@Example.com>")
    message["To"] = "support@desk.example"
    message["Subject"] = headers.pop("Subject", "Export fails")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("The export fails since Monday.")
    return message


def test_every_real_world_message_is_read_and_kept_whole() -> None:
    folder = real_world_mail("mikel-mail")
    paths = [p for p in sorted(folder.rglob("*")) if p.is_file() and p.name not in NOT_MAIL]
    assert len(paths) > 90
    with_text = 0
    for path in paths:
        raw = path.read_bytes()
        mail = read_mail(raw, NOW)
        assert mail.raw == raw, path.name
        assert mail.written_at <= NOW and mail.written_at.tzinfo is not None, path.name
        assert all(isinstance(problem, str) and problem for problem in mail.problems)
        for attachment in mail.attachments:
            assert attachment.filename == safe_filename(attachment.filename, "x"), path.name
        with_text += bool(mail.text)
    assert with_text >= len(paths) - 15  # the rest are attachments only, or empty


def test_bounces_are_machine_mail() -> None:
    folder = real_world_mail("mikel-mail", "multipart_report_emails")
    for path in sorted(folder.glob("*.eml")):
        assert read_mail(path.read_bytes(), NOW).machine == "a delivery report (bounce)"


def test_a_persons_mail_is_read_with_its_threading_headers() -> None:
    message = _message(
        Message_ID="<new@client.example>",
        In_Reply_To="<answer-2@desk.example>",
        References="<first@desk.example> <answer-2@desk.example>",
        Date="Mon, 07 Dec 2026 10:15:00 +0100",
    )
    mail = read_mail(message.as_bytes(), NOW)
    assert mail.machine is None and mail.problems == ()
    assert (mail.from_name, mail.from_address) == ("Ann Lee", "ann@example.com")
    assert mail.message_id == "<new@client.example>"
    assert mail.refers_to == ("<answer-2@desk.example>", "<first@desk.example>")
    assert mail.written_at == dt.datetime(2026, 12, 7, 9, 15, tzinfo=dt.UTC)
    assert mail.text == "The export fails since Monday."


@pytest.mark.parametrize(
    ("date", "written_at"),
    [
        ("Tue, 08 Dec 2026 10:00:00 +0000", NOW),  # a clock in the future buys no time
        ("someday soon", NOW),
        ("Mon, 07 Dec 2026 11:00:00", dt.datetime(2026, 12, 7, 11, tzinfo=dt.UTC)),
    ],
)
def test_the_date_written_is_clamped_to_now(date: str, written_at: dt.datetime) -> None:
    raw = _message().as_bytes().replace(b"Subject:", f"Date: {date}\nSubject:".encode())
    mail = read_mail(raw, NOW)
    assert mail.written_at == written_at
    assert bool(mail.problems) == (date == "someday soon")


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Auto_Submitted": "auto-replied"}, "sent automatically (Auto-Submitted: auto-replied)"),
        ({"X_Auto_Response_Suppress": "All"}, "an automatic reply"),
        ({"Precedence": "bulk"}, "bulk mail (Precedence: bulk)"),
        ({"List_Id": "<news.example.com>"}, "a mailing list message"),
        ({"X_Loop": "support@desk.example"}, "a message that has looped (X-Loop)"),
        ({"Return_Path": "<>"}, "a message with no return address (null sender)"),
        ({"From": "MAILER-DAEMON@mx.example.com"}, "a message from a mail system"),
        ({"Auto_Submitted": "no"}, None),
    ],
)
def test_machine_mail_says_why(headers: dict[str, str], reason: str | None) -> None:
    assert read_mail(_message(**headers).as_bytes(), NOW).machine == reason


def test_html_only_mail_is_clean_text_with_its_links() -> None:
    message = _message()
    message.set_content(
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
        "<p>Hello,</p><p>the <b>export</b> fails, see "
        '<a href="https://status.example.com/42">our status page</a>.</p>'
        "<ul><li>Chrome</li><li>Firefox</li></ul>"
        "<blockquote>On Monday you wrote: try again</blockquote></body></html>",
        subtype="html",
    )
    mail = read_mail(message.as_bytes(), NOW)
    assert mail.text == (
        "Hello,\n\nthe export fails, see our status page <https://status.example.com/42>."
        "\n\n- Chrome\n\n- Firefox"
    )
    assert mail.quoted_html == "On Monday you wrote: try again"


def test_attachment_names_are_made_safe() -> None:
    message = _message()
    message.add_attachment(b"%PDF", maintype="application", subtype="pdf",
                           filename="../../etc/pass:wd?.pdf")  # fmt: skip
    message.add_attachment(b"x", maintype="application", subtype="octet-stream", filename="...")
    mail = read_mail(message.as_bytes(), NOW)
    assert [a.filename for a in mail.attachments] == ["pass_wd_.pdf", "attachment-4"]
    assert mail.attachments[0].data == b"%PDF"
