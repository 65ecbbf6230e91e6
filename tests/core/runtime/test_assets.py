"""Asset lookup: the source checkout, a PyInstaller bundle, and bad requests.

The installed-wheel case is covered in ``project/test_packaging.py``, which builds and
installs a real wheel.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from aiva_desk.runtime import assets
from aiva_desk.runtime.assets import ASSET_KINDS, asset_dir, asset_path
from tests.helpers.paths import REPO


@pytest.mark.parametrize("kind", ASSET_KINDS)
def test_asset_dir_finds_the_checkout_folders(kind: str) -> None:
    assert asset_dir(kind) == REPO / kind


def test_asset_path_finds_a_file_in_the_checkout() -> None:
    some_file = next(p for p in sorted((REPO / "ui").rglob("*")) if p.is_file())
    relative = some_file.relative_to(REPO / "ui")
    assert asset_path("ui", *relative.parts) == some_file


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown asset kind 'icons'"):
        asset_dir("icons")


def test_missing_file_names_the_path() -> None:
    with pytest.raises(FileNotFoundError, match=r"incomplete: .*no-such-form\.ui is missing"):
        asset_path("ui", "no-such-form.ui")


def test_missing_folder_lists_every_place_searched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package_dir = tmp_path / "site" / "aiva_desk"
    package_dir.mkdir(parents=True)
    monkeypatch.setattr(assets, "_PACKAGE_DIR", package_dir)
    with pytest.raises(FileNotFoundError) as caught:
        asset_dir("templates")
    message = str(caught.value)
    assert str(package_dir / "_assets" / "templates") in message
    assert str(tmp_path / "site" / "templates") in message


def test_a_bundle_wins_over_the_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for kind in ASSET_KINDS:
        (tmp_path / kind).mkdir()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    for kind in ASSET_KINDS:
        assert asset_dir(kind) == tmp_path / kind


def test_meipass_alone_does_not_mean_frozen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ui").mkdir()
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert asset_dir("ui") == REPO / "ui"
