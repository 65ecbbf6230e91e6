"""Fuzz every CLI argument: whatever the argv, the command ends with exit 0, 1 or 2, never
prints a traceback, and leaves the database exactly as it was unless the command writes.

Examples per run: 40 (``AIVA_FUZZ_EXAMPLES`` to change; CI keeps the
default so the whole file stays well under a minute)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiva_desk.cli import main
from aiva_desk.runtime.paths import DATABASE_FILENAME

pytestmark = pytest.mark.sqlite_only("the data dir's own database is a SQLite file")

EXAMPLES = int(os.environ.get("AIVA_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=bool(os.environ.get("CI")),  # CI: the same examples every run
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
WRITERS = {"demo", "import-mail", "fetch-mail"}  # the commands that may change the data

# Values that have broken a command line before, beside random text.
HUGE = ["9223372036854775807", "9223372036854775808", "99999999999999999999", "-1", "0"]
DATES = ["2026-11-23", "9999-12-31", "0001-01-01", "2026-02-30", "2026-13-01", " 2026-01-01 "]
WEEKS = ["2026-W47", "9999-W52", "0001-W01", "2026-W53", "2026-W00", "2020-W53", "W47"]
URLS = ["garbage", "mysql://u@h/db", "http://example.com", "sqlite://", "postgresql://"]
text = st.text(min_size=0, max_size=30).filter(lambda s: "\x00" not in s)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def data_dir(isolated_environment: Path, sqlite_template: Path) -> Path:
    isolated_environment.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sqlite_template, isolated_environment / DATABASE_FILENAME)
    assert main(["demo", "--tickets", "3"]) == 0
    return isolated_environment


def paths_in(data_dir: Path, tmp_path: Path) -> st.SearchStrategy[str]:
    database = data_dir / DATABASE_FILENAME
    return st.sampled_from(
        [
            str(database),
            f"{database}-wal",
            f"{database}-shm",
            f"{database}-journal",
            str(data_dir),
            str(data_dir / "backups" / "out.csv"),
            str(data_dir / "attachments"),
            str(data_dir / "logs" / "aiva-desk.log"),
            str(data_dir / "templates" / "x.md"),
            str(data_dir / ".." / "data" / DATABASE_FILENAME),
            str(tmp_path),
            str(tmp_path / "out" / "report.out"),
            str(tmp_path / "missing" / "deep" / "file"),
            str(tmp_path / ("x" * 300)),
            str(tmp_path / ("x" * 300) / "report.csv"),
            str(database / "under-a-file.csv"),
            "",
            "-",
        ]
    )


def value(choices: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(choices), text)


def command(data_dir: Path, tmp_path: Path) -> st.SearchStrategy[list[str]]:
    """argv for each subcommand that runs without a window: options in any order,
    some missing, some repeated, values random or hostile."""
    path = st.one_of(paths_in(data_dir, tmp_path), text)
    number = value([*HUGE, "1001", "1002", "abc", "1e3"])
    fmt = value(["csv", "xlsx", "json", "md", "html", "pdf", "exe"])

    def options(*pairs: tuple[str, st.SearchStrategy[str] | None]) -> st.SearchStrategy[list[str]]:
        one = st.sampled_from(pairs).flatmap(
            lambda pair: (
                st.just([pair[0]]) if pair[1] is None else pair[1].map(lambda v: [pair[0], v])
            )
        )
        return st.lists(one, max_size=5).map(lambda parts: [x for part in parts for x in part])

    out = ("-o", path)
    report_ticket = st.tuples(number, options(("--format", fmt), out)).map(
        lambda t: ["report", "ticket", t[0], *t[1]]
    )
    report_metrics = options(
        ("--from", value(DATES)),
        ("--to", value(DATES)),
        ("--group-by", value(["category", "priority", "agent", "week"])),
        ("--format", fmt),
        ("--bom", None),
        out,
    ).map(lambda o: ["report", "metrics", *o])
    report_weekly = options(("--week", value(WEEKS)), ("--format", fmt), out).map(
        lambda o: ["report", "weekly", *o]
    )
    export = options(("--format", fmt), ("--bom", None), out).map(
        lambda o: ["export", "tickets", *o]
    )
    demo = options(
        (
            "--tickets",
            st.one_of(
                st.sampled_from([*HUGE, "100000000", "x", "1000001"]), st.integers(1, 3).map(str)
            ),
        ),
        ("--seed", value(HUGE)),
    ).map(lambda o: ["demo", *o])
    import_mail = path.map(lambda p: ["import-mail", p])
    fetch_mail = options(("--mailbox", text)).map(lambda o: ["fetch-mail", *o])
    globals_ = options(
        ("--db-url", st.one_of(st.sampled_from(URLS), text)),
        ("--data-dir", st.one_of(paths_in(data_dir, tmp_path), text)),
    )
    # most examples keep the fixture's data dir, so the database under test is exercised
    globals_ = st.one_of(st.just([]), st.just([]), st.just([]), globals_)
    return st.tuples(
        globals_,
        st.one_of(
            report_ticket, report_metrics, report_weekly, export, demo, import_mail, fetch_mail
        ),
    ).map(lambda t: [*t[0], *t[1]])


def run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: usage errors (2) and --help (0)
            code = exc.code if isinstance(exc.code, int) else 2
    return code, err.getvalue()


def test_no_argv_gives_a_traceback_or_touches_the_database(data_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # relative paths land in the test's own folder
    database = data_dir / DATABASE_FILENAME
    seen: set[str] = set()

    @FUZZ
    @given(argv=command(data_dir, tmp_path))
    def check(argv: list[str]) -> None:
        before = digest(database)
        code, err = run(argv)
        assert code in (0, 1, 2), (argv, code, err)
        assert "Traceback" not in err, (argv, err)
        if code == 1:
            assert err.strip().count("\n") == 0, (argv, err)  # one line, log for details
        name = next((a for a in argv if a in WRITERS | {"report", "export"}), "")
        seen.add(name)
        if name not in WRITERS:
            assert digest(database) == before, argv

    check()
    assert {"report", "export"} <= seen
