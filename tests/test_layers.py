"""Layers point one way and nothing imports in a circle (every import, even inside a function).

Lowest first; a package may import its own layer's and lower layers' packages, never higher.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parents[1] / "src" / "glutewake"
LAYERS: list[set[str]] = [
    {
        "",
        "clock",
        "codec",
        "config",
        "privatefile",
    },  # the version, the clock, JSON of the domain types, where the data lives, private files
    {"knowledge"},  # the knowledge base and its schema
    {"core"},  # pure domain logic
    {"store", "identity", "interop"},  # the records, who may see them, and their export format
    {"app"},  # the use cases
    {"runtime"},  # long-running hosts (the coach) and platform ports
    {"web"},  # an interface
    {"cli", "__main__"},  # the other interface, which can also host the web one (`serve`)
]
RANK = {package: n for n, layer in enumerate(LAYERS) for package in layer}


def _name(path: Path) -> str:
    return ".".join(("glutewake", *path.relative_to(SRC).with_suffix("").parts)).removesuffix(".__init__")


MODULES = {_name(path) for path in SRC.rglob("*.py")}


def imports() -> dict[str, set[str]]:
    """Each module's imports of glutewake; `from pkg import module` counts as importing the module."""
    found: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        name = _name(path)
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                submodules = {f"{node.module}.{alias.name}" for alias in node.names} & MODULES
                targets |= submodules or {node.module}
            elif isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
        found[name] = {t for t in targets if t.startswith("glutewake") and t != name}
    return found


def package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_package_has_a_layer() -> None:
    assert {package(m) for m in imports()} <= set(RANK)


def test_no_module_imports_a_higher_layer() -> None:
    upward = [
        f"{module} imports {target}"
        for module, targets in imports().items()
        for target in targets
        if RANK[package(target)] > RANK[package(module)]
    ]
    assert upward == []


def test_no_import_cycles_between_modules() -> None:
    """A package's __init__ may re-export its own modules; any other circle is a cycle."""
    graph = imports()
    known = set(graph)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for target in graph.get(start, ()):
            if target not in known or target in seen:
                continue
            if target == goal:
                return True
            seen.add(target)
            if reaches(target, goal, seen):
                return True
        return False

    # A package's __init__ re-exporting its own modules is not a circle.
    graph = {m: {t for t in targets if not t.startswith(m + ".")} for m, targets in graph.items()}
    cycles = sorted(
        module for module in known if any(reaches(t, module, {t}) for t in graph[module] if t in known)
    )
    assert cycles == []
