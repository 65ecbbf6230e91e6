"""``aiva-desk fetch-mail``: each active mailbox read once, one line each, errors as one
line without a traceback."""

from __future__ import annotations

import pytest

from aiva_desk.cli import main
from tests.helpers.imap_fixtures import add_mailbox, customer_mail
from tests.helpers.ports import free_port

pytest_plugins = ("tests.helpers.mail_fixtures", "tests.helpers.imap_fixtures")


@pytest.fixture
def trusted_ca(imap_server, tmp_path, monkeypatch) -> None:
    """The command's own connections trust the test server's CA (as a system CA would)."""
    pem = tmp_path / "ca.pem"
    imap_server.ca.cert_pem.write_to_path(str(pem))
    monkeypatch.setenv("SSL_CERT_FILE", str(pem))


def test_fetch_mail_reads_each_mailbox_once(
    context, imap_server, memory_keyring, trusted_ca, capsys
) -> None:
    mailbox = add_mailbox(context, imap_server)
    imap_server.append(customer_mail(1), customer_mail(2, sender="bo@x.example"))
    args = ["--data-dir", str(context.paths.root), "fetch-mail"]
    assert main(args) == 0
    assert capsys.readouterr().out == (
        "Support inbox: read 2 messages: 2 new tickets, 0 replies attached.\n"
    )
    assert main([*args, "--mailbox", mailbox.name]) == 0
    assert capsys.readouterr().out == "Support inbox: no new mail.\n"


def test_fetch_mail_errors_are_one_line_each(
    context, imap_server, memory_keyring, trusted_ca, capsys
) -> None:
    add_mailbox(context, imap_server)
    broken = add_mailbox(context, imap_server, name="Old server", port=free_port())
    args = ["--data-dir", str(context.paths.root), "fetch-mail"]
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == "Support inbox: no new mail.\n"
    assert err.startswith(f"aiva-desk: Old server: Could not reach 127.0.0.1:{broken.port} (")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert main([*args, "--mailbox", "Nope"]) == 2
    assert capsys.readouterr().err == "aiva-desk: There is no mailbox called “Nope”.\n"


def test_fetch_mail_without_mailboxes_says_what_to_do(context, capsys) -> None:
    assert main(["--data-dir", str(context.paths.root), "fetch-mail"]) == 2
    assert "No mailbox is set up yet" in capsys.readouterr().err
