"""Everything AIVA Desk writes in its data dir is readable by the user only, whatever
the umask: 0700 folders and 0600 files (the database, its WAL, logs, drafts,
attachments, settings, edited templates)."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from aiva_desk.app_context import open_context
from aiva_desk.mail.context import Signer
from aiva_desk.mail.message_templates import CATALOG, TemplateLibrary
from aiva_desk.mail.sample import sample_context
from aiva_desk.runtime.paths import DATABASE_FILENAME, DataPaths
from aiva_desk.tickets.service import NewTicket
from tests.helpers.postgres_server import on_postgresql

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX-only")


@pytest.fixture(params=[0o022, 0o000], ids=["umask022", "umask000"])
def permissive_umask(request: pytest.FixtureRequest) -> Iterator[int]:
    previous = os.umask(request.param)
    yield request.param
    os.umask(previous)


def _modes(root: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for parent, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(parent, name)
            found[str(path.relative_to(root))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def test_a_new_data_dir_is_private_to_its_user(isolated_environment: Path, permissive_umask: int):
    context = open_context()
    try:
        category = context.tickets.categories()[0].id
        ticket = context.tickets.create(
            NewTicket("Printer offline", "Ann", "ann@example.com", category, "It blinks")
        )
        context.tickets.add_note(ticket.id, "checked the cable")
        context.drafts.save(ticket.id, 1, {"subject": "Printer offline (draft)"})
        context.tickets.attachments.add_bytes("log.txt", b"paper jam")
        context.settings.save(context.paths.root)
        key = CATALOG[0].key
        library = TemplateLibrary(context.paths.templates)
        values = sample_context(context.db, Signer(name="Bea", email="bea@example.com"))
        library.save(key, library.shipped_source(key) + "\nThanks again.", values)
        logging.getLogger("aiva_desk.test").warning("a line in the log")
        modes = _modes(context.paths.root)
        if not on_postgresql():  # the database and its WAL are live while the app runs
            assert modes[DATABASE_FILENAME] == 0o600
            assert modes[DATABASE_FILENAME + "-wal"] == 0o600
            assert modes[DATABASE_FILENAME + "-shm"] == 0o600
    finally:
        context.close()
    assert {"logs/aiva-desk.log", "settings.json", "templates", "drafts", "attachments"} <= set(
        modes
    )
    assert any(name.startswith("drafts/") for name in modes)
    assert any(name.startswith("attachments/") and "." not in name for name in modes)
    for name, mode in _modes(context.paths.root).items():
        path = context.paths.root / name
        expected = 0o700 if path.is_dir() else 0o600
        assert mode == expected, f"{name} is {oct(mode)}, not {oct(expected)}"


def test_a_rotated_log_stays_private(isolated_environment: Path, permissive_umask: int):
    context = open_context()
    try:
        handler = next(h for h in logging.getLogger().handlers if getattr(h, "_aiva_desk", False))
        handler.doRollover()  # type: ignore[attr-defined]
        logging.getLogger("aiva_desk.test").warning("after the rollover")
        logs = context.paths.logs
        assert sorted(p.name for p in logs.iterdir()) == ["aiva-desk.log", "aiva-desk.log.1"]
        for path in logs.iterdir():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    finally:
        context.close()


def test_an_older_data_dir_is_tightened_on_start_and_only_our_files(
    tmp_path: Path, permissive_umask: int
):
    root = tmp_path / "old"
    paths = DataPaths(root)
    for folder in (root, paths.attachments / "ab", paths.logs, paths.drafts, paths.templates):
        folder.mkdir(parents=True, mode=0o755, exist_ok=True)
        os.chmod(folder, 0o755)
    ours = [
        root / DATABASE_FILENAME,
        root / (DATABASE_FILENAME + "-wal"),
        root / "settings.json",
        paths.attachments / "ab" / "abcdef",
        paths.logs / "aiva-desk.log.3",
        paths.drafts / "7.json",
        paths.templates / "acknowledgment.txt.j2",
    ]
    theirs = root / "my-notes.txt"  # the user's own file beside ours: not ours to change
    for path in [*ours, theirs]:
        path.write_text("x")
        os.chmod(path, 0o644)
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("x")
    os.chmod(outside, 0o644)
    (paths.drafts / "link").symlink_to(outside)  # a link's target is never touched

    paths.ensure()

    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    for folder in (paths.attachments, paths.attachments / "ab", paths.logs, paths.backups):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for path in ours:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(theirs.stat().st_mode) == 0o644
    assert stat.S_IMODE(outside.stat().st_mode) == 0o644
