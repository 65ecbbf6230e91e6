"""aiva-desk --self-test: passes on a sound installation, fails (non-zero) on a broken one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aiva_desk.cli import main
from aiva_desk.cli.commands import gui_self_checks
from aiva_desk.runtime import assets
from aiva_desk.selftest import EXIT_FAILED, EXIT_OK, Status, run_self_test
from tests.helpers.paths import REPO

BROKEN = "email/solution.txt.j2"


def _copy_assets(root: Path) -> Path:
    for kind in assets.ASSET_KINDS:
        shutil.copytree(assets.asset_dir(kind), root / kind)
    return root


def _break_template(root: Path) -> None:
    path = root / "templates" / BROKEN
    path.write_text(path.read_text(encoding="utf-8") + "\n{% if %}\n", encoding="utf-8")


def test_a_sound_installation_passes(qapp) -> None:
    report = run_self_test(gui_checks=gui_self_checks)
    assert report.ok, report.text()
    assert report.exit_code == EXIT_OK
    names = {check.name for check in report.checks}
    for expected in (
        "Shipped files",
        "Database",
        "Template syntax",
        "Message templates",
        "Report templates",
        "Password store",
        "Forms",
        "Icons",
        "PDF output",
    ):
        assert expected in names, report.text()
    # conftest forces the "fail" keyring: reported as a warning, not a failure
    (keyring,) = [check for check in report.checks if check.name == "Password store"]
    assert keyring.status is Status.WARNING
    assert "session only" in keyring.detail
    assert report.text().splitlines()[-1].startswith("PASSED")
    (driver,) = [check for check in report.checks if check.name == "PostgreSQL driver"]
    assert driver.status is Status.OK and driver.detail.startswith("psycopg 3.")  # test extra


def test_a_broken_template_fails_the_self_test(qapp, tmp_path, monkeypatch) -> None:
    root = _copy_assets(tmp_path / "copy")
    _break_template(root)
    monkeypatch.setattr(assets, "_asset_roots", lambda: [root])
    report = run_self_test(gui_checks=gui_self_checks)
    assert not report.ok
    assert report.exit_code == EXIT_FAILED
    failed = "\n".join(f"{check.name}: {check.detail}" for check in report.failed)
    assert BROKEN in failed
    assert "Template syntax" in failed and "Message templates" in failed


def test_a_missing_form_folder_fails(qapp, tmp_path, monkeypatch) -> None:
    root = _copy_assets(tmp_path / "copy")
    shutil.rmtree(root / "ui")
    monkeypatch.setattr(assets, "_asset_roots", lambda: [root])
    report = run_self_test(gui_checks=gui_self_checks)
    assert {check.name for check in report.failed} >= {"Shipped files", "Forms"}


def test_the_cli_prints_the_report_and_exits_zero(qapp, capsys) -> None:
    assert main(["--self-test"]) == 0
    out = capsys.readouterr().out
    assert "self-test" in out and "PASSED" in out


def _self_test_process(cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **env}
    return subprocess.run(
        [sys.executable, "-m", "aiva_desk", "--self-test"],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_self_test_runs_as_a_command(tmp_path) -> None:
    result = _self_test_process(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASSED" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_broken_copy_of_the_checkout_fails_as_a_command(tmp_path) -> None:
    """A copy of the source tree with one broken template: exit 1, the template named."""
    copy = _copy_assets(tmp_path / "checkout")
    shutil.copytree(REPO / "aiva_desk", copy / "aiva_desk",
                    ignore=shutil.ignore_patterns("__pycache__", "_assets"))  # fmt: skip
    _break_template(copy)
    result = _self_test_process(tmp_path, PYTHONPATH=str(copy))
    assert result.returncode == EXIT_FAILED, result.stdout + result.stderr
    assert str(copy / "templates") in result.stdout  # the copy, not this checkout, was tested
    assert BROKEN in result.stdout
    assert result.stdout.splitlines()[-1].startswith("FAILED")


@pytest.mark.parametrize("argv", [["--self-test", "demo"], ["--self-test"]])
def test_self_test_never_touches_the_data_dir(qapp, isolated_environment, argv, capsys) -> None:
    main(argv)
    assert not isolated_environment.exists()
