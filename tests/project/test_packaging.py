"""The wheel ships what the app reads at run time, and an installed copy finds it.

Builds the real wheel from this checkout (hatchling, no network), checks its
contents, installs it into a temporary directory and asks the installed copy
where its assets are. Also checks that the setup scripts are sound.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from aiva_desk.runtime.assets import ASSET_KINDS
from tests.helpers.paths import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
SCRIPTS = [
    "scripts/bootstrap.sh",
    "scripts/build-bundle.sh",
    "scripts/run-app.sh",
    "scripts/run-tests.sh",
    ".ci/run",
]


def _shipped_files(folder: Path) -> list[Path]:
    """Files of a source folder that belong in a package (no bytecode caches)."""
    return sorted(
        path.relative_to(folder)
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def _pip(*args: str) -> None:
    quiet = ["--disable-pip-version-check", "--no-input", "--quiet"]
    subprocess.run([sys.executable, "-m", "pip", *args, *quiet], check=True, timeout=120)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("hatchling") is None:
        pytest.skip("hatchling is not installed here (scripts/bootstrap.sh installs it)")
    out = tmp_path_factory.mktemp("wheel")
    _pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(out), str(REPO))
    (built,) = out.glob("aiva_desk-*.whl")
    return built


@pytest.fixture(scope="module")
def wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    _pip("install", "--no-deps", "--no-index", "--target", str(target), str(wheel))
    return target


def test_wheel_is_named_after_the_project_version(wheel: Path) -> None:
    assert wheel.name.startswith(f"aiva_desk-{PYPROJECT['project']['version']}-")


@pytest.mark.parametrize("kind", ASSET_KINDS)
def test_wheel_ships_every_asset(kind: str, wheel_names: set[str]) -> None:
    prefix = f"aiva_desk/_assets/{kind}/"
    assert any(name.startswith(prefix) for name in wheel_names), f"no {prefix} in the wheel"
    missing = [
        str(rel)
        for rel in _shipped_files(REPO / kind)
        if prefix + rel.as_posix() not in wheel_names
    ]
    assert not missing, f"{kind}/ files missing from the wheel: {missing}"


def test_wheel_ships_the_designer_forms(wheel_names: set[str]) -> None:
    forms = {f"aiva_desk/_assets/ui/{p.name}" for p in (REPO / "ui").glob("*.ui")}
    shipped = {
        n for n in wheel_names if n.startswith("aiva_desk/_assets/ui/") and n.endswith(".ui")
    }
    assert shipped == forms


def test_wheel_ships_the_migrations_as_source(wheel_names: set[str]) -> None:
    migrations = REPO / "aiva_desk" / "store" / "migrations"
    versions = sorted(p.name for p in (migrations / "versions").glob("*.py"))
    assert versions, "no migration scripts in the checkout"
    for name in ["env.py", "script.py.mako", *(f"versions/{v}" for v in versions)]:
        assert f"aiva_desk/store/migrations/{name}" in wheel_names


def test_wheel_declares_the_gui_entry_point(wheel: Path, wheel_names: set[str]) -> None:
    (entry_points,) = [n for n in wheel_names if n.endswith(".dist-info/entry_points.txt")]
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(entry_points).decode()
    assert "[gui_scripts]" in text
    assert "aiva-desk = aiva_desk.cli:main" in text


def test_installed_copy_finds_its_own_assets(installed: Path, tmp_path: Path) -> None:
    probe = (
        "import json, aiva_desk, aiva_desk.runtime.assets as a\n"
        "print(json.dumps({'package': aiva_desk.__file__,"
        " 'dirs': {k: str(a.asset_dir(k)) for k in a.ASSET_KINDS}}))\n"
    )
    # -S: without site-packages the checkout's editable install is out of sight,
    # so only the copy in `installed` can answer.
    env = {**os.environ, "PYTHONPATH": str(installed)}
    result = subprocess.run(
        [sys.executable, "-S", "-c", probe],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    found = json.loads(result.stdout)
    assert Path(found["package"]).is_relative_to(installed)
    for kind in ASSET_KINDS:
        assert Path(found["dirs"][kind]) == installed / "aiva_desk" / "_assets" / kind


def test_installed_copy_has_migrations_beside_the_database_module(installed: Path) -> None:
    store = installed / "aiva_desk" / "store"
    assert (store / "database.py").is_file()
    assert sorted((store / "migrations" / "versions").glob("*.py"))


@pytest.mark.parametrize("script", SCRIPTS)
def test_setup_scripts_are_executable_bash(script: str) -> None:
    path = REPO / script
    assert os.access(path, os.X_OK), f"{script} is not executable"
    assert path.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash\n")
    subprocess.run(["bash", "-n", str(path)], check=True, timeout=30)


def test_pyinstaller_entry_script_runs_the_cli(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "pyinstaller_entry.py"), "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip().endswith(PYPROJECT["project"]["version"])


def test_build_spec_is_valid_python() -> None:
    compile((REPO / "build.spec").read_text(encoding="utf-8"), "build.spec", "exec")


def test_installed_copy_passes_its_self_test(installed: Path, tmp_path: Path) -> None:
    """The wheel's copy, run from outside the checkout, checks its own files and passes."""
    env = {**os.environ, "PYTHONPATH": str(installed), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "aiva_desk", "--self-test"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert str(installed / "aiva_desk" / "_assets" / "templates") in result.stdout
    assert str(REPO) not in result.stdout
    assert result.stdout.splitlines()[-1].startswith("PASSED")
