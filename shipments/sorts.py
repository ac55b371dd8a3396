"""The public sort orders of a list of shipments: one record per sort key.

The list's form, its column headings, both CSVs and the JSON read this one
table. Unknown values sort last in both directions, on every database, and
ties are broken by the primary key, so exports of the same data are
byte-identical and pages never skip or repeat a row.
"""

from dataclasses import dataclass

from django.db.models import CharField, F, Func

DESCENDING = "-"


@dataclass(frozen=True)
class Sort:
    """One sort key (`shipped_on`; `-shipped_on` is the same, descending)."""

    key: str
    # The shipment's column behind it.
    column: str
    # How the filter form names each direction.
    ascending_label: str
    descending_label: str
    # The direction a column heading sorts by when first clicked: dates and
    # amounts are read newest or largest first.
    first_direction: str = ""
    # The column may be empty: unknowns go last. The others need no NULLS
    # LAST, so that one index serves both directions.
    nullable: bool = False
    # Free text, ordered by code point (the others are codes, dates and numbers).
    free_text: bool = False


SORTS = {
    sort.key: sort
    for sort in [
        Sort("reference", "reference", "Reference, A to Z", "Reference, Z to A"),
        Sort("status", "status", "Status, A to Z", "Status, Z to A"),
        Sort(
            "announced_on",
            "announced_on",
            "Announced, oldest first",
            "Announced, newest first",
            nullable=True,
        ),
        Sort(
            "shipped_on",
            "shipped_on",
            "Shipped, oldest first",
            "Shipped, newest first",
            first_direction=DESCENDING,
            nullable=True,
        ),
        Sort(
            "arrived_on",
            "arrived_on",
            "Arrived, oldest first",
            "Arrived, newest first",
            nullable=True,
        ),
        Sort(
            "recipient",
            "recipient__name",
            "Recipient, A to Z",
            "Recipient, Z to A",
            free_text=True,
        ),
        Sort(
            "recipient_country",
            "recipient__country",
            "Recipient country code, A to Z",
            "Recipient country code, Z to A",
        ),
        Sort(
            "origin_country",
            "origin_country",
            "Origin country code, A to Z",
            "Origin country code, Z to A",
        ),
        Sort(
            "weight_kg",
            "weight_kg",
            "Weight, lightest first",
            "Weight, heaviest first",
            first_direction=DESCENDING,
            nullable=True,
        ),
        Sort(
            "value_usd",
            "value_usd",
            "Value in USD, lowest first",
            "Value in USD, highest first",
            first_direction=DESCENDING,
            nullable=True,
        ),
        Sort(
            "last_changed",
            "last_changed",
            "Last changed, earliest first",
            "Last changed, latest first",
            first_direction=DESCENDING,
            nullable=True,
        ),
    ]
}
DEFAULT_SORT = "-shipped_on"


def sort_choices():
    """(value, label) for every key in both directions, ascending first."""
    return [
        choice
        for sort in SORTS.values()
        for choice in [
            (sort.key, sort.ascending_label),
            (DESCENDING + sort.key, sort.descending_label),
        ]
    ]


class CodePointOrder(Func):
    """Text ordered by code point: SQLite's default, and PostgreSQL's "C" collation.

    The database's locale collation would order names differently on the two
    backends (and differently from Python), so files exported from the same
    data would differ.
    """

    template = "%(expressions)s"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template='%(expressions)s COLLATE "C"', **extra_context
        )


def sort_expressions(key, prefix=""):
    """ORDER BY for a public sort key: the column, unknowns last, then the primary key.

    `prefix` reaches the shipment through a relation, e.g. `shipment__` from an item.
    """
    descending = key.startswith(DESCENDING)
    sort = SORTS[key.removeprefix(DESCENDING)]
    column = F(prefix + sort.column)
    if sort.free_text:
        column = CodePointOrder(column)
    primary_key = F(prefix + "id")
    nulls_last = True if sort.nullable else None
    if descending:
        return [column.desc(nulls_last=nulls_last), primary_key.desc()]
    return [column.asc(nulls_last=nulls_last), primary_key.asc()]
