"""``export all`` / ``import all``: the whole data set moves and comes back identical.

Driven through the real ``aiva-desk`` main() with argv, on real SQLite files (and a
real PostgreSQL server when one can be started), with demo data plus attachments,
mail, outbox, audit, SLA segments, a draft and an edited template.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from aiva_desk.app_context import AppContext, open_desk_database
from aiva_desk.archive.format import MANIFEST, tables_in_order
from aiva_desk.cli.commands import main
from aiva_desk.demo.generate import generate_demo
from aiva_desk.runtime.paths import DATABASE_FILENAME
from aiva_desk.store.mail_models import MailAccount, OutboxMessage, OutboxState
from aiva_desk.store.models import AuditEntry, Staff, Tag, Ticket
from aiva_desk.store.sla_models import SlaSegment

MIME = b"From: desk@example.com\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n\r\n\xff\x00body\r\n"


def _fill(context: AppContext, tmp_path: Path, tickets: int = 300) -> None:
    """Demo tickets plus what the demo does not make: files, an account, an outbox row."""
    generate_demo(context.db, tickets=tickets, seed=3)
    with context.db.read_session() as session:
        first, second = session.execute(select(Ticket.id).order_by(Ticket.id).limit(2)).scalars()
    for name, data in (("log.txt", b"line 1\nline 2\n"), ("shot.png", bytes(range(256)) * 40)):
        source = tmp_path / name
        source.write_bytes(data)
        context.tickets.attach(first, source)
    context.tickets.attach(second, tmp_path / "log.txt")  # the same bytes: stored once
    with context.db.engine.begin() as conn:
        account = conn.execute(
            insert(MailAccount).values(
                name="Support", host="smtp.example.com", port=587, from_address="s@example.com",
                is_default=True, signature="Grüße\n— Desk",
            ).returning(MailAccount.id)
        ).scalar_one()  # fmt: skip
        conn.execute(
            insert(OutboxMessage).values(
                ticket_id=first, account_id=account, state=OutboxState.FAILED,
                message_id="<a1@example.com>", mime=MIME, attempts=3, last_error="refused",
                next_attempt_at=dt.datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=dt.UTC),
                created_at=dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC),
            )
        )  # fmt: skip
    (context.paths.drafts / f"ticket-{first}.json").write_text('{"note": "half written…"}')
    context.paths.templates.mkdir(exist_ok=True)
    (context.paths.templates / "acknowledgment.txt").write_text("Hello {{ name }}")


def _members(archive: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as zf:
        return {name: zf.read(name) for name in zf.namelist() if name != MANIFEST}


def _manifest(archive: Path) -> dict:
    with zipfile.ZipFile(archive) as zf:
        return json.loads(zf.read(MANIFEST))


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _sqlite_target(folder: Path) -> list[str]:
    return ["--data-dir", str(folder), "--db-url", f"sqlite:///{folder / DATABASE_FILENAME}"]


def test_export_import_export_gives_the_same_tables_and_files(context, tmp_path, capsys):
    _fill(context, tmp_path)
    first = tmp_path / "first.zip"
    code, out, _ = _run(capsys, "export", "all", "-o", str(first))
    assert code == 0 and "Exported 300 tickets" in out
    counts = _manifest(first)["counts"]
    assert counts["tickets"] == 300 and counts["attachments"] == 3
    assert counts["outbox_messages"] == 1 and counts["audit_log"] > 300
    assert counts["sla_segments"] > 0 and counts["communications"] > 0

    moved = tmp_path / "moved"
    code, out, err = _run(capsys, *_sqlite_target(moved), "import", "all", str(first))
    assert (code, err) == (0, "") and "Imported 300 tickets" in out
    second = tmp_path / "second.zip"
    assert _run(capsys, *_sqlite_target(moved), "export", "all", "-o", str(second))[0] == 0

    before, after = _members(first), _members(second)
    assert sorted(before) == sorted(after)
    for name in before:
        assert before[name] == after[name], name
    assert len([n for n in before if n.startswith("attachments/")]) == 2  # by SHA-256
    assert len(list((moved / "drafts").glob("ticket-*.json"))) == 1
    assert (moved / "templates" / "acknowledgment.txt").read_text() == "Hello {{ name }}"

    database = open_desk_database(f"sqlite:///{moved / DATABASE_FILENAME}")
    try:
        with database.read_session() as session:
            outbox = session.execute(select(OutboxMessage)).scalar_one()
            assert outbox.mime == MIME and outbox.state is OutboxState.FAILED
            assert outbox.next_attempt_at == dt.datetime(
                2026, 12, 1, 9, 30, 15, 123456, tzinfo=dt.UTC
            )
            number, subject = session.execute(
                select(Ticket.id, Ticket.subject).order_by(Ticket.id.desc()).limit(1)
            ).one()
            hits = session.execute(database.search.matching_ids(subject)).scalars().all()
            assert number in hits  # the search index was rebuilt for the imported tickets
    finally:
        database.dispose()


def test_import_refuses_a_database_that_holds_tickets(context, tmp_path, capsys):
    _fill(context, tmp_path, tickets=20)
    archive = tmp_path / "all.zip"
    assert _run(capsys, "export", "all", "-o", str(archive))[0] == 0
    code, out, err = _run(capsys, "import", "all", str(archive))
    assert code == 2 and out == ""
    assert err.startswith("aiva-desk: import all needs an empty database: ")
    assert err.count("\n") == 1 and "Traceback" not in err
    with context.db.read_session() as session:
        assert session.execute(select(func.count()).select_from(Ticket)).scalar_one() == 20


def _rewrite(source: Path, target: Path, change) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            new.writestr(item.filename, change(item.filename, old.read(item.filename)))


def test_a_damaged_archive_is_refused_before_anything_is_written(context, tmp_path, capsys):
    _fill(context, tmp_path, tickets=20)
    archive = tmp_path / "all.zip"
    assert _run(capsys, "export", "all", "-o", str(archive))[0] == 0
    damaged = tmp_path / "damaged.zip"

    def flip(name: str, data: bytes) -> bytes:
        return data.replace(b'"status":"', b'"status":"X', 1) if name.endswith("s.jsonl") else data

    _rewrite(archive, damaged, flip)
    moved = tmp_path / "moved"
    code, _, err = _run(capsys, *_sqlite_target(moved), "import", "all", str(damaged))
    assert code == 2 and "is damaged" in err and "checksum" in err and err.count("\n") == 1
    assert not moved.exists()  # not even the target's data folder was created

    moved.mkdir()  # an empty database there already: it is still not written to
    assert (
        _run(capsys, *_sqlite_target(moved), "export", "all", "-o", str(tmp_path / "e.zip"))[0] == 0
    )
    database_file = moved / DATABASE_FILENAME
    before = database_file.stat().st_mtime_ns, database_file.stat().st_size
    code, _, err = _run(capsys, *_sqlite_target(moved), "import", "all", str(damaged))
    assert code == 2 and "is damaged" in err
    assert (database_file.stat().st_mtime_ns, database_file.stat().st_size) == before
    assert not list((moved / "attachments").rglob("*"))
    assert not (moved / "templates").exists()
    database = open_desk_database(f"sqlite:///{database_file}")
    try:
        with database.read_session() as session:
            assert session.execute(select(func.count()).select_from(Tag)).scalar_one() == 0
    finally:
        database.dispose()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("format_version", 99, "newer AIVA Desk"),
        ("schema_revision", "0009", "imports schema"),
        ("format", "zip", "not an AIVA Desk archive"),
    ],
)
def test_a_newer_or_other_archive_is_refused_in_one_line(
    context, tmp_path, capsys, field, value, message
):
    _fill(context, tmp_path, tickets=5)
    archive = tmp_path / "all.zip"
    assert _run(capsys, "export", "all", "-o", str(archive))[0] == 0
    changed = tmp_path / "changed.zip"

    def edit(name: str, data: bytes) -> bytes:
        if name != MANIFEST:
            return data
        manifest = json.loads(data)
        manifest[field] = value
        return json.dumps(manifest).encode()

    _rewrite(archive, changed, edit)
    code, _, err = _run(capsys, *_sqlite_target(tmp_path / "m"), "import", "all", str(changed))
    assert code == 2 and message in err and err.count("\n") == 1


def test_not_an_archive_gets_one_line(tmp_path, capsys):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip at all")
    code, _, err = _run(capsys, *_sqlite_target(tmp_path / "m"), "import", "all", str(junk))
    assert code == 2 and "not an AIVA Desk archive" in err and err.count("\n") == 1


@pytest.mark.sqlite_only("the database file is what the output must not replace")
def test_export_never_writes_onto_the_database_or_a_folder(context, tmp_path, capsys):
    _fill(context, tmp_path, tickets=5)
    database = context.paths.database
    before = database.read_bytes()[:100]
    for target in (database, database.with_name(database.name + "-wal"), tmp_path):
        code, out, err = _run(capsys, "export", "all", "-o", str(target))
        assert code == 2 and out == "" and err.count("\n") == 1, err
    assert database.read_bytes()[:100] == before
    with context.db.read_session() as session:
        assert session.execute(select(func.count()).select_from(Ticket)).scalar_one() == 5
    assert not list(tmp_path.glob(".*.tmp"))


def test_sqlite_to_postgresql_round_trip(postgres_server, tmp_path, capsys):
    source = tmp_path / "source"
    code, _, _ = _run(capsys, *_sqlite_target(source), "demo", "--tickets", "120", "--seed", "4")
    assert code == 0
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    assert _run(capsys, *_sqlite_target(source), "export", "all", "-o", str(first))[0] == 0
    url = postgres_server.fresh_database()
    try:
        target = ["--data-dir", str(tmp_path / "pg"), "--db-url", url]
        code, out, err = _run(capsys, *target, "import", "all", str(first))
        assert (code, err) == (0, "") and "Imported 120 tickets" in out
        assert _run(capsys, *target, "export", "all", "-o", str(second))[0] == 0
        assert _members(first) == _members(second)
        database = open_desk_database(url)
        try:  # the id sequences moved past the imported ids: a new row gets a new id
            with database.session() as session:
                session.add(Tag(name="after-import"))
            with database.read_session() as session:
                assert session.execute(select(func.count()).select_from(Tag)).scalar_one() > 1
                audit = session.execute(select(func.count()).select_from(AuditEntry))
                assert audit.scalar_one() > 120
                assert session.execute(select(func.count()).select_from(SlaSegment)).scalar_one()
        finally:
            database.dispose()
    finally:
        postgres_server.drop_database(url)


def test_import_refuses_a_database_with_staff_but_no_tickets(context, tmp_path, capsys):
    archive = tmp_path / "all.zip"
    assert _run(capsys, "export", "all", "-o", str(archive))[0] == 0
    moved = tmp_path / "moved"
    code, _, _ = _run(capsys, *_sqlite_target(moved), "import", "all", str(archive))
    assert code == 0  # a new database (only its seed rows) is empty enough
    with context.db.engine.begin() as conn:
        conn.execute(insert(Staff).values(name="Dana Lee", email="dana@example.com"))
    code, _, err = _run(capsys, "import", "all", str(archive))
    assert code == 2 and "already holds rows in staff" in err and err.count("\n") == 1
    with context.db.read_session() as session:
        assert session.execute(select(Staff.name)).scalars().all() == ["Dana Lee"]


def test_an_output_that_cannot_be_written_gets_one_line(context, tmp_path, capsys):
    too_long = tmp_path / ("a" * 300 + ".zip")  # longer than a file name may be
    code, out, err = _run(capsys, "export", "all", "-o", str(too_long))
    assert code == 2 and out == "" and err.startswith("aiva-desk: Cannot write ")
    assert err.count("\n") == 1 and not list(tmp_path.glob(".a*"))


def test_no_password_or_secret_can_be_in_an_archive(context, tmp_path, capsys):
    archive = tmp_path / "all.zip"
    assert _run(capsys, "export", "all", "-o", str(archive))[0] == 0
    tables = {t.name: {c.name for c in t.columns} for t in tables_in_order()}
    assert "mail_accounts" in tables and "username" in tables["mail_accounts"]
    secret_columns = [
        f"{table}.{column}"
        for table, columns in tables.items()
        for column in columns
        if any(word in column for word in ("password", "secret", "passwd"))
    ]
    assert secret_columns == []  # passwords live in the keyring, never in a table
    assert len(_manifest(archive)["tables"]) == len(tables)  # every table is exported
