"""The core (everything outside aiva_desk/gui) must never import Qt."""

import subprocess
import sys
from pathlib import Path

import aiva_desk

PACKAGE_DIR = Path(aiva_desk.__file__).parent


def _core_modules() -> list[str]:
    modules = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        relative = path.relative_to(PACKAGE_DIR.parent).with_suffix("")
        parts = relative.parts
        if "gui" in parts or "migrations" in parts or "_assets" in parts:
            continue
        if parts[-1] == "__main__":
            continue
        modules.append(".".join(p for p in parts if p != "__init__"))
    return modules


def test_core_modules_are_found():
    modules = _core_modules()
    assert "aiva_desk.store.database" in modules
    assert "aiva_desk.cli" in modules
    assert not any(".gui" in m for m in modules)


def test_importing_every_core_module_loads_no_pyside6():
    code = (
        "import importlib, sys\n"
        f"for name in {_core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "", f"core imported Qt: {result.stdout}"
