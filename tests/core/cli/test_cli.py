"""The aiva-desk command line: version, data dir choice, demo, clear errors."""

import subprocess
import sys

import pytest

from aiva_desk import __version__
from aiva_desk.cli import main


def test_version_is_printed(capsys):
    try:
        main(["--version"])
    except SystemExit as exc:
        assert exc.code == 0
    assert __version__ in capsys.readouterr().out


@pytest.mark.sqlite_only("the data dir's own database is a SQLite file")
def test_demo_fills_the_data_dir_given_on_the_command_line(tmp_path, capsys):
    data_dir = tmp_path / "chosen"
    assert main(["--data-dir", str(data_dir), "demo", "--tickets", "25", "--seed", "2"]) == 0
    assert "Added 25 demo tickets (#1001–#1025)" in capsys.readouterr().out
    assert (data_dir / "aiva-desk.sqlite3").is_file()
    assert (data_dir / "logs" / "aiva-desk.log").is_file()
    for folder in ("attachments", "backups"):
        assert (data_dir / folder).is_dir()


@pytest.mark.sqlite_only("the data dir's own database is a SQLite file")
def test_data_dir_comes_from_the_environment(isolated_environment, capsys):
    assert main(["demo", "--tickets", "3"]) == 0
    assert (isolated_environment / "aiva-desk.sqlite3").is_file()


def test_db_url_overrides_the_data_dir_database(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'team.sqlite3'}"
    monkeypatch.setenv("AIVA_DESK_DB_URL", url)
    assert main(["demo", "--tickets", "2"]) == 0
    assert (tmp_path / "team.sqlite3").is_file()


@pytest.mark.sqlite_only("the data dir's own database is a SQLite file")
def test_a_bad_database_gives_a_message_not_a_traceback(tmp_path, capsys):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "aiva-desk.sqlite3").write_text("not a database")
    assert main(["--data-dir", str(data_dir), "demo", "--tickets", "1"]) == 2
    err = capsys.readouterr().err
    assert "not an AIVA Desk database" in err and "Traceback" not in err


def test_an_unusable_data_dir_gives_a_message(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["--data-dir", str(blocker / "sub"), "demo", "--tickets", "1"]) == 2
    assert "Cannot create the data folder" in capsys.readouterr().err


def test_bad_arguments_are_named(capsys):
    try:
        main(["demo", "--tickets", "zero"])
    except SystemExit as exc:
        assert exc.code == 2
    assert "'zero' is not a whole number" in capsys.readouterr().err


def test_module_entry_point_runs(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "aiva_desk", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and __version__ in result.stdout
