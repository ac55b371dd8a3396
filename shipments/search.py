"""The text `q` searches: one column per shipment, kept in step with what it is made of.

A search looks in a shipment's reference, recipient, donors, supply lines,
notes and arrival point. Looking in five tables at once defeats every index
on a million shipments; looking in one column lets PostgreSQL choose between
a trigram index (a rare word) and reading the list in order until a page is
full (a common one). The column holds those texts in lower case, one per
line, and is rewritten whenever one of them changes (see `shipments.signals`
and the querysets' bulk writes); the synthetic loader writes it with its rows.
"""

from collections import defaultdict

from django.db.models import Q

SEPARATOR = "\n"
BATCH_SIZE = 1_000

# Fields whose change alters the search text, on shipments and on items.
SHIPMENT_FIELDS = {"reference", "recipient", "recipient_id", "notes", "arrival_point"}
ITEM_FIELDS = {"description", "shipment", "shipment_id"}


def search_text(reference, recipient, donors, descriptions, notes, arrival_point):
    """The searched text of one shipment, from its parts."""
    parts = [reference, recipient, *donors, *descriptions, notes, arrival_point]
    return SEPARATOR.join(part for part in parts if part).lower()


def matches(value):
    """The condition for shipments whose searched text contains `value`, in any case."""
    return Q(search_text__contains=value.lower())


def refresh(shipment_ids):
    """Rewrite the search text of these shipments from what it is made of, in batches."""
    from shipments.models import Shipment, ShipmentItem

    ids = sorted(set(shipment_ids))
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        donors, descriptions = defaultdict(list), defaultdict(list)
        links = Shipment.donors.through.objects.filter(shipment_id__in=batch)
        for shipment_id, name in links.order_by("donor__name").values_list(
            "shipment_id", "donor__name"
        ):
            donors[shipment_id].append(name)
        items = ShipmentItem.objects.filter(shipment_id__in=batch).order_by("position", "id")
        for shipment_id, description in items.values_list("shipment_id", "description"):
            descriptions[shipment_id].append(description)
        changed = []
        for pk, current, reference, recipient, notes, arrival_point in (
            Shipment.objects.filter(pk__in=batch)
            .order_by()
            .values_list(
                "pk", "search_text", "reference", "recipient__name", "notes", "arrival_point"
            )
        ):
            text = search_text(
                reference, recipient, donors[pk], descriptions[pk], notes, arrival_point
            )
            if text != current:
                changed.append(Shipment(pk=pk, search_text=text))
        Shipment.objects.bulk_update(changed, ["search_text"])
