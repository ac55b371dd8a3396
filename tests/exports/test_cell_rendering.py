"""One cell as Python (the ORM path) and SQL (PostgreSQL's COPY path) render it, byte for byte."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings

from shipments import columns as cols
from shipments.exports.csv import csv_line, render_cell, sql_cell
from tests.hostile_text import FORMULA_ATTEMPTS, hostile_texts

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"
needs_copy = pytest.mark.skipif(not ON_POSTGRESQL, reason="only PostgreSQL has a COPY path")

BASE_URL = "http://testserver/shipments/"


def copied(kind, values):
    """The line COPY writes for a row of `values`, each rendered by `sql_cell` as `kind`."""
    cells = ", ".join(sql_cell(kind, f"v.c{n}") for n in range(len(values)))
    columns = ", ".join(f"%s AS c{n}" for n in range(len(values)))
    with connection.cursor() as cursor:
        query = cursor.cursor.mogrify(f"SELECT {cells} FROM (SELECT {columns}) AS v", values)
        out = io.BytesIO()
        cursor.cursor.copy_expert(f"COPY ({query.decode()}) TO STDOUT WITH (FORMAT csv)", out)
    return out.getvalue().decode()


def rendered(kind, values):
    return csv_line(render_cell(kind, value, BASE_URL) for value in values)


# Two cells a row, as in the real files: COPY quotes a lone `\.` on a line of its own.
@needs_copy
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(first=hostile_texts, second=hostile_texts)
def test_python_and_sql_neutralise_hostile_text_alike(first, second):
    assert copied(cols.TEXT, [first, second]) == rendered(cols.TEXT, [first, second])


@needs_copy
@pytest.mark.parametrize("text", FORMULA_ATTEMPTS)
def test_both_paths_neutralise_each_formula_attempt(text):
    line = rendered(cols.TEXT, [text, "x"])
    assert line != csv_line([text, "x"])
    assert copied(cols.TEXT, [text, "x"]) == line


def test_numbers_are_never_neutralised():
    values = [Decimal("-31000.50"), Decimal("-0.14291667"), -2_000_000]
    line = rendered(cols.NUMBER, values)
    assert line == "-31000.5,-0.14291667,-2000000\n"
    if ON_POSTGRESQL:
        assert copied(cols.NUMBER, values) == line
