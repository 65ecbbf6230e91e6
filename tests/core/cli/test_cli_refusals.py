"""Every bad input on the command line is answered in one line, never a traceback, and
an export never replaces the database or a folder."""

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aiva_desk.cli import main
from aiva_desk.cli.commands import MAX_DEMO_TICKETS
from aiva_desk.runtime.paths import DATABASE_FILENAME

pytestmark = pytest.mark.sqlite_only("the data dir's own database is a SQLite file")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def data_dir(isolated_environment: Path, sqlite_template: Path) -> Path:
    """A data dir whose database holds a few demo tickets."""
    isolated_environment.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sqlite_template, isolated_environment / DATABASE_FILENAME)
    assert main(["demo", "--tickets", "5"]) == 0
    return isolated_environment


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_export_onto_the_database_or_its_journal_is_refused(data_dir, capsys, suffix):
    database = data_dir / DATABASE_FILENAME
    before = digest(database)
    capsys.readouterr()
    target = f"{database}{suffix}"
    assert main(["export", "tickets", "-o", target]) == 2
    assert "is the database" in one_line_error(capsys)
    assert digest(database) == before


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "weekly", "--week", "2026-W01", "--format", "md"],
        ["report", "metrics", "--from", "2026-01-01", "--to", "2026-01-31"],
        ["report", "ticket", "1001"],
    ],
)
def test_reports_refuse_the_database_and_the_managed_folders(data_dir, capsys, argv):
    database = data_dir / DATABASE_FILENAME
    before = digest(database)
    capsys.readouterr()
    assert main([*argv, "-o", str(database)]) == 2
    assert "is the database" in one_line_error(capsys)
    assert main([*argv, "-o", str(data_dir / "backups" / "report.md")]) == 2
    assert "backups folder" in one_line_error(capsys)
    assert digest(database) == before
    assert list((data_dir / "backups").glob("report*")) == []


def test_export_to_an_existing_folder_is_one_line(data_dir, tmp_path, capsys):
    folder = tmp_path / "out"
    folder.mkdir()
    capsys.readouterr()
    assert main(["export", "tickets", "-o", str(folder)]) == 2
    assert "is a folder" in one_line_error(capsys)
    assert folder.is_dir() and list(folder.iterdir()) == []


@pytest.mark.parametrize("url", ["garbage", "mysql://user@host/db", "http://example.com/x"])
def test_only_sqlite_and_postgresql_urls_are_accepted(data_dir, capsys, url, tmp_path):
    capsys.readouterr()
    assert main(["--db-url", url, "export", "tickets", "-o", str(tmp_path / "t.csv")]) == 2
    line = one_line_error(capsys)
    assert "only SQLite and PostgreSQL" in line and url in line
    assert not (tmp_path / "t.csv").exists()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["report", "metrics", "--from", "2026-01-01", "--to", "9999-12-31"], "9999-12-31"),
        (["report", "weekly", "--week", "9999-W52"], "9999-W52"),
    ],
)
def test_dates_past_the_calendar_are_one_line(data_dir, capsys, tmp_path, argv, expected):
    capsys.readouterr()
    assert main([*argv, "-o", str(tmp_path / "r.md")]) == 2
    line = one_line_error(capsys)
    assert expected in line and "past the last" in line


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        ("9223372036854775807", "at most 1,000,000 demo tickets"),
        ("99999999999999999999", "must be at most"),
        ("100000000", "about 600 GB"),
    ],
)
def test_demo_is_bounded_and_says_why(data_dir, capsys, count, expected):
    database = data_dir / DATABASE_FILENAME
    before = digest(database)
    capsys.readouterr()
    with pytest.raises(SystemExit) as stopped:
        main(["demo", "--tickets", count])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert digest(database) == before
    assert MAX_DEMO_TICKETS == 1_000_000


def test_demo_on_a_read_only_database_is_one_line(data_dir, capsys):
    database = data_dir / DATABASE_FILENAME
    before = digest(database)
    url = f"sqlite:///file:{database}?mode=ro&uri=true"
    capsys.readouterr()
    assert main(["--db-url", url, "demo", "--tickets", "3"]) == 2
    line = one_line_error(capsys)
    assert "readonly database" in line and "nothing was saved" in line
    assert digest(database) == before


def test_an_unexpected_failure_is_one_line_and_the_traceback_goes_to_the_log(
    data_dir, capsys, monkeypatch, tmp_path
):
    from aiva_desk.reports import exports

    def broken(*_args, **_kwargs):
        raise RuntimeError("the exporter broke\nacross lines")

    monkeypatch.setattr(exports, "export_tickets", broken)
    capsys.readouterr()
    assert main(["export", "tickets", "-o", str(tmp_path / "t.csv")]) == 1
    line = one_line_error(capsys)
    assert "unexpected error" in line and "the exporter broke" in line
    assert "details in the log" in line
    log = (data_dir / "logs" / "aiva-desk.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "the exporter broke" in log


def run_cli(*argv: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "AIVA_DESK_DB_URL"}
    return subprocess.run(
        [sys.executable, "-m", "aiva_desk", "--data-dir", str(data_dir), *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_the_real_command_refuses_to_export_onto_its_database(data_dir):
    database = data_dir / DATABASE_FILENAME
    before = digest(database)
    done = run_cli("export", "tickets", "-o", str(database), data_dir=data_dir)
    assert done.returncode == 2
    assert "is the database" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == "" and digest(database) == before
    again = run_cli("export", "tickets", "-o", str(data_dir / "t.csv"), data_dir=data_dir)
    assert again.returncode == 0, again.stderr
    assert "Exported 5 tickets" in again.stdout


@contextlib.contextmanager
def tiny_disk(where: Path):
    """A 64 KB tmpfs (root only), so a write really meets ENOSPC."""
    where.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False)


def test_an_export_to_a_full_disk_is_one_line_and_keeps_the_old_file(data_dir, tmp_path):
    assert main(["demo", "--tickets", "60"]) == 0  # an export of ~65 tickets outgrows 64 KB
    with tiny_disk(tmp_path / "tiny") as disk:
        old = disk / "tickets.json"
        old.write_text("[]\n", encoding="utf-8")
        done = run_cli("export", "tickets", "--format", "json", "-o", str(old), data_dir=data_dir)
        assert done.returncode == 2, done.stderr
        assert "No space left on device" in done.stderr and "Traceback" not in done.stderr
        last = done.stderr.strip().splitlines()[-1]
        assert last.startswith("aiva-desk: Cannot write") and "unchanged" in last
        assert old.read_text(encoding="utf-8") == "[]\n"
        assert sorted(p.name for p in disk.iterdir()) == ["tickets.json"]
