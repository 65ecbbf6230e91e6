"""The layers depend one way: the core never imports Qt, the GUI or the entry layer; the
GUI never imports the entry layer. Checked statically (every import statement, also
those inside functions) and by importing the whole core without Qt loading."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import aiva_desk

PACKAGE_DIR = Path(aiva_desk.__file__).parent
QT = ("PySide6", "shiboken6")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__")


def _layer(module: str) -> str:
    """``gui``, ``cli`` (the entry layer, with ``python -m aiva_desk``) or ``core``."""
    if module == "aiva_desk.__main__":
        return "cli"
    second = module.split(".")[1] if module.count(".") else ""
    return second if second in ("gui", "cli") else "core"


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module an import statement in ``path`` names, with its line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _sources() -> list[Path]:
    return [p for p in sorted(PACKAGE_DIR.rglob("*.py")) if "_assets" not in p.parts]


def _forbidden(layer: str, imported: str) -> bool:
    top = imported.split(".")[0]
    target = _layer(imported) if top == "aiva_desk" else None
    if layer == "core":
        return top in QT or target in ("gui", "cli")
    if layer == "gui":
        return target == "cli"
    return False


def test_the_layers_are_recognised() -> None:
    layers = {_module_name(p): _layer(_module_name(p)) for p in _sources()}
    assert layers["aiva_desk.store.database"] == "core"
    assert layers["aiva_desk.gui.main.window"] == "gui"
    assert layers["aiva_desk.cli.commands"] == "cli"
    assert _forbidden("core", "PySide6.QtCore") and _forbidden("core", "aiva_desk.gui.app")
    assert _forbidden("gui", "aiva_desk.cli.commands") and not _forbidden("cli", "aiva_desk.gui")


def test_no_import_crosses_a_layer_the_wrong_way() -> None:
    wrong = []
    for path in _sources():
        module = _module_name(path)
        layer = _layer(module)
        for line, imported in _imports(path):
            if _forbidden(layer, imported):
                wrong.append(f"{path.relative_to(PACKAGE_DIR.parent)}:{line} ({layer}) {imported}")
    assert wrong == [], "\n".join(wrong)


def test_importing_every_core_module_loads_no_pyside6() -> None:
    modules = [
        _module_name(p)
        for p in _sources()
        if _layer(_module_name(p)) != "gui" and "migrations" not in p.parts
        and p.name != "__main__.py"
    ]  # fmt: skip
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "", f"the core or the entry layer imported Qt: {result.stdout}"


def _core_unit(module: str) -> str | None:
    """The core package (``store``, ``sla``...) or root module a core module belongs to."""
    parts = module.split(".")
    if parts[0] != "aiva_desk" or len(parts) < 2 or _layer(module) != "core":
        return None
    return parts[1]


def _core_graph() -> dict[str, set[str]]:
    """Which core packages and root modules each one imports (inside functions too)."""
    graph: dict[str, set[str]] = {}
    for path in _sources():
        unit = _core_unit(_module_name(path))
        if unit is None:
            continue
        edges = graph.setdefault(unit, set())
        for _line, imported in _imports(path):
            target = _core_unit(imported)
            if target is not None and target != unit and (PACKAGE_DIR / target).exists():
                edges.add(target)  # a package; root modules are vocabulary or wiring
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt == path[0]:
                found.append([*path, nxt])
            elif nxt not in path and nxt > path[0]:  # each cycle once, from its smallest
                visit(nxt, [*path, nxt])

    for start in sorted(graph):
        visit(start, [start])
    return found


def test_the_cycle_finder_finds_cycles() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_core_packages_depend_one_way() -> None:
    graph = {unit: edges for unit, edges in _core_graph().items() if (PACKAGE_DIR / unit).is_dir()}
    assert {"store", "sla", "tickets", "mail", "reports"} <= set(graph)
    cycles = [" -> ".join(cycle) for cycle in _cycles(graph)]
    assert cycles == [], "import cycles between core packages:\n" + "\n".join(cycles)
