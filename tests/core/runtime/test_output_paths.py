"""Exports never land on the database, its journal files, a managed folder or a folder,
and a failed write (a full disk) leaves the old file as it was."""

import errno
import os
from pathlib import Path

import pytest

from aiva_desk.runtime import output_paths
from aiva_desk.runtime.output_paths import OutputPathError, atomic_output, check_output_path
from aiva_desk.runtime.paths import DataPaths


@pytest.fixture
def paths(tmp_path: Path) -> DataPaths:
    data = DataPaths(tmp_path / "data")
    data.ensure()
    data.database.write_bytes(b"SQLite format 3\0precious")
    return data


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_the_database_and_its_journal_files_are_refused(paths, suffix):
    target = Path(f"{paths.database}{suffix}")
    with pytest.raises(OutputPathError, match="is the database") as caught:
        check_output_path(target, paths)
    assert "\n" not in str(caught.value)


def test_the_database_named_by_url_is_refused_even_outside_the_data_dir(paths, tmp_path):
    team = tmp_path / "elsewhere" / "team.sqlite3"
    with pytest.raises(OutputPathError, match="is the database"):
        check_output_path(team, paths, f"sqlite:///{team}")
    assert check_output_path(tmp_path / "report.csv", paths, f"sqlite:///{team}").name == (
        "report.csv"
    )


def test_a_path_reaching_the_database_by_a_symlink_or_dots_is_refused(paths, tmp_path):
    link = tmp_path / "link.csv"
    link.symlink_to(paths.database)
    with pytest.raises(OutputPathError):
        check_output_path(link, paths)
    with pytest.raises(OutputPathError):
        check_output_path(paths.attachments / ".." / paths.database.name, paths)


@pytest.mark.parametrize("folder", ["attachments", "backups", "drafts", "logs", "templates"])
def test_anything_inside_a_managed_folder_is_refused(paths, folder):
    with pytest.raises(OutputPathError, match=f"data folder's {folder} folder"):
        check_output_path(paths.root / folder / "sub" / "report.csv", paths)


def test_a_folder_is_refused_and_a_plain_file_beside_the_database_is_allowed(paths, tmp_path):
    with pytest.raises(OutputPathError, match="is a folder"):
        check_output_path(tmp_path, paths)
    assert check_output_path(paths.root / "report.csv", paths) == paths.root / "report.csv"


def test_the_atomic_writer_refuses_a_folder(tmp_path):
    with pytest.raises(OutputPathError, match="is a folder"), atomic_output(tmp_path) as handle:
        handle.write("never")
    assert tmp_path.is_dir()


def test_a_full_disk_leaves_the_old_file_untouched_and_no_temporary_behind(tmp_path, monkeypatch):
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "tickets.csv"
    target.write_text("the old export\n", encoding="utf-8")

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(output_paths.os, "fsync", no_space)
    refused = pytest.raises(OutputPathError, match="No space left on device")
    with refused as caught, atomic_output(target) as handle:
        handle.write("a new export that does not fit\n" * 1000)
    assert "unchanged" in str(caught.value) and "\n" not in str(caught.value)
    assert target.read_text(encoding="utf-8") == "the old export\n"
    assert sorted(p.name for p in folder.iterdir()) == ["tickets.csv"]


def test_a_complete_write_replaces_the_file(tmp_path):
    target = tmp_path / "tickets.csv"
    target.write_text("old", encoding="utf-8")
    with atomic_output(target) as handle:
        handle.write("new")
    assert target.read_text(encoding="utf-8") == "new"


def test_a_name_too_long_or_under_a_file_is_one_line(paths, tmp_path):
    (tmp_path / "a-file").write_text("x")
    for target in (tmp_path / ("x" * 300), tmp_path / ("x" * 300) / "a.csv"):
        with pytest.raises(OutputPathError, match="File name too long"):
            check_output_path(target, paths)
    with (
        pytest.raises(OutputPathError, match="Cannot write"),
        atomic_output(tmp_path / "a-file" / "b.csv") as handle,
    ):
        handle.write("x")
