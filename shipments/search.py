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
  exactly where a donor is from the US.

They are rewritten whenever what they are made of changes (see
`shipments.signals` and the querysets' bulk writes); the synthetic loader
writes them with its rows.
"""

from collections import defaultdict

from django.db import router
from django.db.models import Q

SEPARATOR = "\n"
DERIVED_COLUMNS = ["search_text", "donor_countries", "donor_kinds"]
BATCH_SIZE = 1_000

# Fields whose change alters a derived column, on shipments and on items (the
# parties' own are their models' COPIED_TO_SHIPMENTS).
SHIPMENT_FIELDS = {"reference", "recipient", "recipient_id", "notes", "arrival_point"}
ITEM_FIELDS = {"description", "shipment", "shipment_id"}


def search_text(reference, recipient, donors, descriptions, notes, arrival_point):
    """The searched text of one shipment, from its parts."""
    parts = [reference, recipient, *donors, *descriptions, notes, arrival_point]
    return SEPARATOR.join(part for part in parts if part).lower()


def codes(values):
    """A donor column's value: each code once, in order, between spaces ("" for none)."""
    unique = sorted(set(values))
    return f" {' '.join(unique)} " if unique else ""


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


def refresh(shipment_ids):
    """Rewrite the derived columns of these shipments from what they are made of, in batches."""
    from shipments.models import Shipment, ShipmentItem

    # Read what is being written, on the primary: a replica may not have it yet.
    db = router.db_for_write(Shipment)
    ids = sorted(set(shipment_ids))
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        donors = defaultdict(list)
        links = Shipment.donors.through.objects.using(db).filter(shipment_id__in=batch)
        for shipment_id, *donor in links.order_by("donor__name").values_list(
            "shipment_id", "donor__name", "donor__country", "donor__kind"
        ):
            donors[shipment_id].append(donor)
        descriptions = defaultdict(list)
        items = ShipmentItem.objects.using(db).filter(shipment_id__in=batch)
        for shipment_id, description in items.order_by("position", "id").values_list(
            "shipment_id", "description"
        ):
            descriptions[shipment_id].append(description)
        changed = []
        for pk, *current, reference, recipient, notes, arrival_point in (
            Shipment.objects.using(db)
            .filter(pk__in=batch)
            .order_by()
            .values_list(
                "pk",
                *DERIVED_COLUMNS,
                "reference",
                "recipient__name",
                "notes",
                "arrival_point",
            )
        ):
            names = [name for name, _, _ in donors[pk]]
            derived = [
                search_text(reference, recipient, names, descriptions[pk], notes, arrival_point),
                codes(country for _, country, _ in donors[pk]),
                codes(kind for _, _, kind in donors[pk]),
            ]
            if derived != current:
                changed.append(Shipment(pk=pk, **dict(zip(DERIVED_COLUMNS, derived, strict=True))))
        Shipment.objects.using(db).bulk_update(changed, DERIVED_COLUMNS)
