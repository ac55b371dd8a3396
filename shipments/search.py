"""Columns derived from a shipment's parts, for the public list's filters to read.

A search looks in a shipment's reference, recipient, donors, supply lines,
notes and arrival point; the donor country and donor kind filters look at
its donors. Looking through other tables for each of a million shipments
defeats every index; looking in one column of the shipment lets PostgreSQL
choose between a trigram index (a rare word) and reading the list in order
until a page is full (a common one), and check a donor's country within the
index it reads the list's keys from. So each shipment holds:

- `search_text`: those texts in lower case, one per line;
- `donor_countries`, `donor_kinds`: its donors' country codes and kinds,
  each once, in order, between spaces (" CN US "), so that " US " is found
  exactly where a donor is from the US;
- `category_keys`: its supply lines' category keys in the same form
  (" 3 7 "), so that the list counts its category facet from the rows it
  reads anyway, without reading a thousand shipments' supply lines;
- `verification`: the strongest claim its sources support
  (`shipments.models.Verification`), so that the list filters and counts by it
  without reading its sources;
- `last_changed`: when the public last saw it change, the latest entry of
  its public change log (`shipments.changes`), for the list's sort and the
  files' column, which would otherwise replay the history of every row.

This module holds their formats alone. They are rewritten whenever what
they are made of changes (`shipments.signals`); the synthetic loader writes
them with its rows.
"""

from django.db.models import Q

SEPARATOR = "\n"
DERIVED_COLUMNS = [
    "search_text",
    "donor_countries",
    "donor_kinds",
    "category_keys",
    "verification",
    "last_changed",
]


def search_text(reference, recipient, donors, descriptions, notes, arrival_point):
    """The searched text of one shipment, from its parts."""
    parts = [reference, recipient, *donors, *descriptions, notes, arrival_point]
    return SEPARATOR.join(part for part in parts if part).lower()


def codes(values):
    """A donor or category column's value: each code once, in order, between spaces ("" for
    none)."""
    unique = sorted({str(value) for value in values})
    return f" {' '.join(unique)} " if unique else ""


def codes_of(column):
    """The codes a donor column's value holds, in order: `codes()` read back."""
    return tuple(column.split())


def matches(value):
    """The condition for shipments whose searched text contains `value`, in any case."""
    return Q(search_text__contains=value.lower())


def any_code(column, values):
    """The condition for shipments whose donor column (`donor_countries`, `donor_kinds`)
    holds any of `values`."""
    condition = Q()
    for value in values:
        condition |= Q(**{f"{column}__contains": f" {value} "})
    return condition
