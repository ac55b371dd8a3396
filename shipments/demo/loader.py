"""Writes the demo data set into the database, changing only what differs."""

from django.db import transaction

from donors.models import Donor, Recipient
from shipments.demo import data
from shipments.models import Emergency, Shipment, ShipmentItem, Source, SupplyCategory

# The shipment fields a demo row gives as they are; one it leaves out takes its default.
SHIPMENT_FIELDS_AS_GIVEN = [
    "status",
    "terms",
    "announced_on",
    "shipped_on",
    "arrived_on",
    "transport_mode",
    "arrival_point",
    "weight_kg",
    "declared_value",
    "currency",
    "value_usd",
    "usd_rate",
    "rate_date",
    "rate_source",
    "notes",
]


def sync(model, lookup, values):
    """Get or create the row matching `lookup` and set `values`, saving only on a change.

    Returns (instance, changed).
    """
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        return instance, True
    differs = {name: value for name, value in values.items() if getattr(instance, name) != value}
    if not differs:
        return instance, False
    for name, value in differs.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance, True


def _party_values(row, extra=()):
    values = {
        "name": row["name"],
        "kind": row["kind"],
        "country": row["country"],
        "notes": row.get("notes", ""),
    }
    values.update({name: row.get(name, "") for name in extra})
    return values


@transaction.atomic
def load_demo():
    """Load every demo shipment with its parties, items and source; return change counts."""
    changes = {"parties": 0, "shipments": 0, "items": 0, "sources": 0}
    donors = {}
    for row in data.DONORS:
        donors[row["slug"]], changed = sync(Donor, {"slug": row["slug"]}, _party_values(row))
        changes["parties"] += changed
    recipients = {}
    for row in data.RECIPIENTS:
        recipients[row["slug"]], changed = sync(
            Recipient, {"slug": row["slug"]}, _party_values(row, extra=["city"])
        )
        changes["parties"] += changed
    categories = {category.slug: category for category in SupplyCategory.objects.all()}
    # Every report in the demo data is of aid for COVID-19.
    emergency = Emergency.objects.covid_19()

    for row in data.SHIPMENTS:
        shipment_donors = [donors[slug] for slug in row["donors"]]
        recipient = recipients[row["recipient"]]
        origin, destination = Shipment.countries_from_parties(shipment_donors, recipient)
        values = {name: row[name] for name in SHIPMENT_FIELDS_AS_GIVEN if name in row}
        values = {
            **{
                field: Shipment._meta.get_field(field).get_default()
                for field in SHIPMENT_FIELDS_AS_GIVEN
            },
            **values,
            "recipient": recipient,
            "emergency": emergency,
            "origin_country": origin,
            "destination_country": destination,
            "pledge": Shipment.objects.get(reference=row["pledge"]) if "pledge" in row else None,
            "is_published": True,
        }
        shipment, changed = sync(Shipment, {"reference": row["reference"]}, values)
        if set(shipment.donors.all()) != set(shipment_donors):
            shipment.donors.set(shipment_donors)
            changed = True
        changes["shipments"] += changed
        changes["items"] += _sync_items(shipment, row["items"], categories)
        changes["sources"] += _sync_source(shipment, row)
    return changes


def _sync_items(shipment, rows, categories):
    changed = 0
    for position, row in enumerate(rows):
        values = {**row, "category": categories[row["category"]], "value_usd": None}
        changed += sync(ShipmentItem, {"shipment": shipment, "position": position}, values)[1]
    stale = shipment.items.filter(position__gte=len(rows))
    return changed + stale.delete()[0]


def _sync_source(shipment, row):
    values = {**row["source"], "excerpt": row["excerpt"], "url": ""}
    changed = sync(Source, {"shipment": shipment, "title": values.pop("title")}, values)[1]
    stale = shipment.sources.exclude(title=row["source"]["title"])
    return changed + stale.delete()[0]
