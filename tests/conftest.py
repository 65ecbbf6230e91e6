"""Test isolation: every test gets its own data dir, database, settings and keyring.

Nothing here may touch the real user's files: XDG dirs, the data dir and the
keyring backend all point into the test's temporary directory.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

os.environ["TZ"] = os.environ.get("AIVA_TEST_TZ") or "UTC"  # before Qt or a migration reads it

import keyring
import pytest
from hypothesis import settings as hypothesis_settings
from keyring.backends.fail import Keyring as FailKeyring

from aiva_desk import clock as product_clock
from aiva_desk.app_context import AppContext, open_context, open_desk_database
from aiva_desk.runtime.paths import DATA_DIR_ENV, DATABASE_FILENAME, DB_URL_ENV
from tests.helpers.paths import REPO
from tests.helpers.pinned_clock import TestClock, office_zone, pinned_start
from tests.helpers.postgres_server import on_postgresql, postgres_server  # noqa: F401 (a fixture)

time.tzset()

# Fuzz tests: no per-example deadline (a shared CI machine is slow at times); in CI the
# examples are derived from each test's name, so a run is repeatable and a failure found
# in CI is found again locally with HYPOTHESIS_PROFILE=ci.
hypothesis_settings.register_profile("dev", deadline=None, database=None)
hypothesis_settings.register_profile(
    "ci", deadline=None, database=None, derandomize=True, print_blob=True
)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)

SHARED_DIR = REPO.parent / "shared"


def pytest_runtest_setup(item: pytest.Item) -> None:
    marker = item.get_closest_marker("sqlite_only")
    if marker is not None and on_postgresql():
        pytest.skip(f"SQLite only: {marker.args[0]}")


@pytest.fixture(scope="session")
def qapp(qapp):
    """pytest-qt's application, collecting garbage on the GUI thread as the app does."""
    from aiva_desk.gui.gui_thread_gc import collect_on_gui_thread

    collect_on_gui_thread(qapp)
    return qapp


@pytest.fixture(autouse=True)
def clock() -> Iterator[TestClock]:
    """The product's clock for this test: pinned at the run's instant (helpers/pinned_clock.py)."""
    pinned = TestClock(pinned_start())
    previous = product_clock.set_source(pinned)
    yield pinned
    product_clock.set_source(previous)


@pytest.fixture(autouse=True)
def isolated_environment(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    clock: TestClock,
) -> Iterator[Path]:
    """Point every per-user location at the test's own temporary directory.

    The database is a SQLite file in the data dir; with ``AIVA_TEST_DB=postgresql``, a
    fresh database on the run's PostgreSQL server (see ``helpers/postgres_server.py``).
    """
    data_dir = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(data_dir))
    monkeypatch.delenv(DB_URL_ENV, raising=False)
    server = request.getfixturevalue("postgres_server") if on_postgresql() else None
    database_url = server.fresh_database() if server is not None else None
    if database_url is not None:
        monkeypatch.setenv(DB_URL_ENV, database_url)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        path = tmp_path / "xdg" / name.lower()
        path.mkdir(parents=True)
        monkeypatch.setenv(name, str(path))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("AIVA_DESK_NO_ERROR_DIALOGS", "1")  # a modal would block the run
    keyring.set_keyring(FailKeyring())
    yield data_dir
    if server is not None and database_url is not None:
        server.drop_database(database_url)  # ~8 MB each: 460 tests would fill a disk


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated once for the run: each test's context starts from a copy
    (migrating anew took ~0.25 s a test). The migrations themselves have their own tests."""
    folder = tmp_path_factory.mktemp("template")
    database = open_desk_database(f"sqlite:///{folder / DATABASE_FILENAME}", backups_dir=folder)
    database.dispose()  # the last connection checkpoints the WAL into the file
    return folder / DATABASE_FILENAME


@pytest.fixture
def context(isolated_environment: Path, request: pytest.FixtureRequest) -> Iterator[AppContext]:
    """A freshly opened app context on an empty, migrated database."""
    if not on_postgresql():  # there, the test's database is already a copy of a template
        template: Path = request.getfixturevalue("sqlite_template")
        isolated_environment.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, isolated_environment / DATABASE_FILENAME)
    ctx = open_context()
    yield ctx
    ctx.close()


@pytest.fixture
def shared_dir() -> Path:
    """The read-only ``shared/`` folder beside the checkout; skip where it is absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"shared material not found at {SHARED_DIR} (a clone elsewhere)")
    return SHARED_DIR


@pytest.fixture
def office_morning(context: AppContext) -> dt.datetime:
    """Wednesday 2026-11-25 10:00 in the office calendar's zone: 7 business hours remain."""
    return dt.datetime(2026, 11, 25, 10, tzinfo=office_zone(context))
