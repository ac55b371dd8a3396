"""The project's imports run one way, and never in a circle.

    shipments.public, shipments.exports, shipments.imports   (one per audience)
        -> the domain at the top of shipments/ (models, filters, sorts, columns, ...)
            -> donors

The domain never imports an audience's package (except the admin, the staff
tool, which uses the import), the audiences do not import each other, donors
imports nothing from shipments, and of aidtracker/ only the URL configuration
(which wires the audiences together) imports the apps. Imports inside
functions count: moving one there hides a cycle rather than removing it.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["aidtracker", "donors", "shipments"]
AUDIENCES = ["shipments.public", "shipments.exports", "shipments.imports"]
# The staff tool may use the staff import.
ALLOWED = {("shipments.admin", "shipments.imports")}


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules():
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    }


def imported_names(path, module, is_package):
    """Every project module `path` imports, anywhere in the file, as absolute names."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.split(".")
                parent = parent[: len(parent) - node.level + (1 if is_package else 0)]
                base = ".".join([*parent, base] if base else parent)
            names.add(base)
            # `from shipments.public import listing` imports shipments.public.listing.
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


@pytest.fixture(scope="module")
def graph():
    modules = project_modules()
    edges = {}
    for module, path in modules.items():
        imported = imported_names(path, module, path.name == "__init__.py")
        edges[module] = {name for name in imported if name in modules and name != module}
    return edges


def within(module, package):
    return module == package or module.startswith(package + ".")


def audience_of(module):
    return next((audience for audience in AUDIENCES if within(module, audience)), None)


def test_the_walk_sees_the_project(graph):
    # A walk that found nothing would pass every rule below.
    assert {"shipments.models", "shipments.public.views", "donors.models"} <= set(graph)
    assert "shipments.models" in graph["shipments.public.views"]
    assert "shipments.filters" in graph["shipments.exports.views"]


def cycles(graph):
    """Each import cycle found walking `graph`, as the modules along it."""
    visiting, done, found = [], set(), []

    def visit(module):
        if module in done:
            return
        if module in visiting:
            found.append([*visiting[visiting.index(module) :], module])
            return
        visiting.append(module)
        for imported in sorted(graph[module]):
            visit(imported)
        visiting.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)
    return found


def test_no_import_cycle(graph):
    assert cycles(graph) == []


def test_a_cycle_is_caught():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]


def wrong_arrows(graph):
    for module, imports in sorted(graph.items()):
        for imported in sorted(imports):
            if (module, audience_of(imported)) in ALLOWED:
                continue
            if within(module, "donors") and within(imported, "shipments"):
                yield module, imported, "donors imports nothing from shipments"
            elif within(module, "aidtracker") and module != "aidtracker.urls":
                if within(imported, "shipments") or within(imported, "donors"):
                    yield module, imported, "only aidtracker.urls wires the apps in"
            elif audience_of(imported) and audience_of(imported) != audience_of(module):
                yield module, imported, "an audience's package is imported by no one else"


def test_imports_run_one_way(graph):
    assert list(wrong_arrows(graph)) == []


def test_a_wrong_arrow_is_caught():
    graph = {
        "donors.models": {"shipments.models"},
        "shipments.models": {"shipments.public.views"},
        "shipments.exports.views": {"shipments.public.listing"},
        "shipments.admin": {"shipments.imports.rows"},
        "shipments.public.views": set(),
        "shipments.public.listing": set(),
        "shipments.imports.rows": set(),
    }
    assert [(module, imported) for module, imported, _ in wrong_arrows(graph)] == [
        ("donors.models", "shipments.models"),
        ("shipments.exports.views", "shipments.public.listing"),
        ("shipments.models", "shipments.public.views"),
    ]
