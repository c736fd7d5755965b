"""List the import loops of Townhall: between modules (inside an app or across
apps) and between apps.

Run from the project root::

    .venv/bin/python tools/import_loops.py            # the townhall package
    .venv/bin/python tools/import_loops.py --package other

It exits 0 and says so when there is no loop, 1 when there is one. The layers
contract of import-linter (``lint-imports``) keeps apps in order, but it sees
packages, not the modules inside an app, and a loop inside an app (models
importing services importing models) makes the app hard to split and to
change. This tool finds both kinds with grimp, the graph library that
import-linter is built on.

A loop is reported as a group of modules that all reach each other through
imports (a strongly connected component of the import graph): every loop runs
through the imports listed for its group, so removing imports from that list
is how to break it. An example loop with line numbers comes first.

Imports inside functions count: a deferred import hides a loop from Python at
start-up, not from the reader. Imports under ``if TYPE_CHECKING:`` count too.

Between apps, a unit is a child of the package (an app or a top-level module
such as ``townhall.conf``); test modules are left out there, since tests of an
app may use a higher app's fixtures where the layers contract's
``ignore_imports`` say why. Between modules, tests are included.
"""

import argparse
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import grimp

PROJECT = Path(__file__).resolve().parent.parent
# The checkout's own code first, as manage.py does: an installed copy of the
# package (a shared virtual environment) must not be the one analysed.
sys.path.insert(0, str(PROJECT / "src"))


@dataclass(frozen=True)
class Loop:
    """A group of units that import each other, with one loop through them."""

    units: tuple[str, ...]
    example: tuple[str, ...]
    imports: tuple[tuple[str, str], ...]


def strongly_connected(nodes: Iterable[str], edges: Callable[[str], set[str]]) -> list[list[str]]:
    """The groups of more than one node that reach each other (Tarjan's algorithm,
    iterative so that a deep import chain cannot exhaust Python's stack)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(edges(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(edges(successor)))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return sorted(groups)


def shortest_loop(start: str, group: set[str], edges: Callable[[str], set[str]]) -> list[str]:
    """The shortest path from ``start`` back to itself inside ``group`` (breadth first)."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for successor in sorted(edges(node) & group):
                if successor == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if successor not in came_from:
                    came_from[successor] = node
                    following.append(successor)
        frontier = following
    raise ValueError(f"{start} is in no loop of its group")


def loops_of(nodes: Iterable[str], edges: Callable[[str], set[str]]) -> list[Loop]:
    """Every group of nodes in a loop, with an example loop and the imports inside it."""
    loops = []
    for group in strongly_connected(nodes, edges):
        members = set(group)
        loops.append(
            Loop(
                units=tuple(group),
                example=tuple(
                    min((shortest_loop(start, members, edges) for start in group), key=len)
                ),
                imports=tuple(
                    (importer, imported)
                    for importer in group
                    for imported in sorted(edges(importer) & members)
                ),
            )
        )
    return loops


def unit_of(module: str, package: str) -> str:
    """The app or top-level module that ``module`` belongs to."""
    return ".".join(module.split(".")[: len(package.split(".")) + 1])


def is_test_module(module: str) -> bool:
    parts = module.split(".")
    return "tests" in parts or parts[-1] == "conftest" or parts[-1].startswith("test_")


def module_loops(graph: grimp.ImportGraph) -> list[Loop]:
    return loops_of(graph.modules, graph.find_modules_directly_imported_by)


def app_loops(graph: grimp.ImportGraph, package: str) -> list[Loop]:
    between: dict[str, set[str]] = {}
    for module in graph.modules:
        unit = unit_of(module, package)
        between.setdefault(unit, set())
        if is_test_module(module):
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            if not is_test_module(imported) and unit_of(imported, package) != unit:
                between[unit].add(unit_of(imported, package))
    return loops_of(between, lambda unit: between.get(unit, set()))


def import_lines(graph: grimp.ImportGraph, importer: str, imported: str) -> str:
    lines = sorted(
        {
            detail["line_number"]
            for detail in graph.get_import_details(importer=importer, imported=imported)
        }
    )
    return ", ".join(f"l.{line}" for line in lines)


def module_imports_between(
    graph: grimp.ImportGraph, package: str, importer_unit: str, imported_unit: str
) -> list[str]:
    """The imports of non-test modules of one unit from another, for an app-level loop."""
    found = []
    for module in sorted(graph.modules):
        if unit_of(module, package) != importer_unit or is_test_module(module):
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if unit_of(imported, package) == imported_unit and not is_test_module(imported):
                found.append(f"{module} -> {imported} ({import_lines(graph, module, imported)})")
    return found


def report(graph: grimp.ImportGraph, package: str) -> tuple[str, int]:
    """The text to print and how many loops it names."""
    out = []
    modules = module_loops(graph)
    apps = app_loops(graph, package)
    for loop in modules:
        where = sorted({unit_of(module, package) for module in loop.units})
        out.append(
            f"Import loop between {len(loop.units)} modules in {', '.join(where)}:\n"
            f"  for example {' -> '.join(loop.example)}\n"
            "  every loop of this group runs through these imports:"
        )
        out += [
            f"    {importer} -> {imported} ({import_lines(graph, importer, imported)})"
            for importer, imported in loop.imports
        ]
        out.append("")
    for loop in apps:
        out.append(
            f"Import loop between {len(loop.units)} apps or top-level modules (tests left out):\n"
            f"  {' -> '.join(loop.example)}\n"
            "  through these imports:"
        )
        for importer, imported in loop.imports:
            out += [
                f"    {line}" for line in module_imports_between(graph, package, importer, imported)
            ]
        out.append("")
    count = len(modules) + len(apps)
    if count:
        out.append(f"{count} import loop(s) found in {package}.")
    else:
        out.append(f"No import loop in {package}: between modules or between apps.")
    return "\n".join(out), count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package", default="townhall", help="the package to analyse")
    arguments = parser.parse_args(argv)
    try:
        graph = grimp.build_graph(arguments.package, cache_dir=None)
    except (ModuleNotFoundError, ValueError) as error:
        print(f"Cannot analyse {arguments.package}: {error}", file=sys.stderr)
        return 2
    text, count = report(graph, arguments.package)
    print(text)
    return 1 if count else 0


if __name__ == "__main__":
    sys.exit(main())
