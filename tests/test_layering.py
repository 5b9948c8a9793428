"""The house's floors, read from the imports: no module imports a floor above its own, and no import runs in a
circle, between packages or between modules (imports inside functions count: they are dependencies too).

A floor may use any floor below it. Adding a package means giving it a floor here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import astray

SOURCE = Path(astray.__file__).parent

FLOORS: list[set[str]] = [
    {"errors", "versions"},
    {"files", "options", "registry", "stats", "store", "seeding"},  # small pure helpers
    {"models", "sandbox", "report"},  # report: generic HTML and plots only
    {"judges", "serve"},
    {"organisms", "evals"},
    {"monitors", "persona"},  # read eval transcripts and organisms' data
    {"runs"},  # the runner, the results contract, compare
    {"experiments"},  # one package per experiment, built on runs
    {"cli", "inspect_plugin", "__init__"},  # entry points
]
FLOOR_OF = {unit: level for level, units in enumerate(FLOORS) for unit in units}


def module_name(path: Path) -> str:
    parts = ("astray", *path.relative_to(SOURCE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def unit_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imported_modules(path: Path, known: set[str]) -> Iterator[str]:
    """The astray modules `path` imports, wherever the import statement sits."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from package import submodule` depends on the submodule, not on what the package re-exports
            names = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in known else node.module
                     for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name.startswith("astray"):
                yield name


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in SOURCE.rglob("*.py")}
    known = set(paths)
    # a module's own parent packages are not dependencies: Python runs them first whatever it imports
    return {name: {target for target in imported_modules(path, known) if not (name + ".").startswith(target + ".")}
            for name, path in paths.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_package_has_a_floor():
    units = {unit_of(module) for module in import_graph()}
    assert units - FLOOR_OF.keys() == set()


def test_no_import_runs_up_a_floor():
    upward = sorted(
        f"{module} -> {target}"
        for module, targets in import_graph().items()
        for target in targets
        if unit_of(module) in FLOOR_OF and FLOOR_OF.get(unit_of(target), -1) > FLOOR_OF[unit_of(module)]
    )
    assert upward == []


def test_no_import_runs_in_a_circle_between_modules():
    assert cycles(import_graph()) == []


def test_no_import_runs_in_a_circle_between_packages():
    graph: dict[str, set[str]] = {}
    for module, targets in import_graph().items():
        graph.setdefault(unit_of(module), set()).update(unit_of(t) for t in targets if unit_of(t) != unit_of(module))
    assert cycles(graph) == []


def test_the_checks_see_a_planted_cycle_and_an_upward_import():
    graph = {"astray.stats": {"astray.runs.results"}, "astray.runs.results": {"astray.stats"}}
    assert cycles(graph) == [["astray.runs.results", "astray.stats"]]
    assert FLOOR_OF[unit_of("astray.runs.results")] > FLOOR_OF[unit_of("astray.stats")]
