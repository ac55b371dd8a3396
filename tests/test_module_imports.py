"""The domain's modules import one another at the top, in one direction: an import inside
a function to dodge a cycle would mean an idea lives in two places."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_names(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield node.module or ""


def imports_inside_functions(path):
    """`path:line` of each import within a function, but for an AppConfig's ready()."""
    tree = ast.parse(path.read_text())
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
    # ready() importing the signals is how Django connects them.
    for function in functions:
        if function.name != "ready":
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    yield f"{path.relative_to(ROOT)}:{node.lineno}"


@pytest.mark.parametrize("package", ["shipments", "donors"])
def test_no_import_hides_inside_a_function(package):
    paths = sorted((ROOT / package).rglob("*.py"))
    assert [place for path in paths for place in imports_inside_functions(path)] == []


def test_the_derived_columns_formats_need_no_models():
    tree = ast.parse((ROOT / "shipments" / "search.py").read_text())
    assert [name for name in imported_names(tree) if name.startswith(("shipments", "donors"))] == []


def test_the_parties_know_nothing_of_shipments():
    paths = sorted((ROOT / "donors").rglob("*.py"))
    imported = {name for path in paths for name in imported_names(ast.parse(path.read_text()))}
    assert sorted(name for name in imported if name.startswith("shipments")) == []
