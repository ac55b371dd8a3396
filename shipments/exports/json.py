"""Plain-data renderings of shipments and totals, for /shipments.json."""

from decimal import Decimal

from shipments import columns
from shipments.columns import delivery_references
from shipments.models import words_of_lines


def number(value):
    """A JSON number: integral values as integers, others as decimals without float noise."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def iso(day):
    return day.isoformat() if day else None


def party_json(party):
    return {
        "name": party.name,
        "slug": party.slug,
        "kind": party.kind,
        "country": party.country.code,
        "url": party.get_absolute_url(),
    }


def shipment_json(shipment, base_url):
    """Everything public about one shipment; the page it came from lists the same."""
    pledge = shipment.public_pledge
    return {
        "reference": shipment.reference,
        "url": f"{base_url}{shipment.reference}/",
        "status": shipment.status,
        "terms": shipment.terms,
        "donors": [
            party_json(donor)
            for donor in sorted(shipment.donors.all(), key=lambda d: (d.name, d.pk))
        ],
        "recipient": {**party_json(shipment.recipient), "city": shipment.recipient.city},
        "origin_country": shipment.origin_country.code,
        "destination_country": shipment.destination_country.code,
        "announced_on": iso(shipment.announced_on),
        "shipped_on": iso(shipment.shipped_on),
        "arrived_on": iso(shipment.arrived_on),
        "transport_mode": shipment.transport_mode or None,
        "arrival_point": shipment.arrival_point or None,
        "weight_kg": number(shipment.weight_kg),
        "declared_value": number(shipment.declared_value),
        "currency": shipment.currency or None,
        "value_usd": number(shipment.value_usd),
        "usd_rate": number(shipment.usd_rate),
        "rate_date": iso(shipment.rate_date),
        "rate_source": shipment.rate_source or None,
        "pledge_reference": pledge.reference if pledge else None,
        "deliveries": delivery_references(shipment),
        "notes": shipment.notes or None,
        "crisis": shipment.emergency.glide,
        "crisis_name": shipment.emergency.name,
        "verification": shipment.verification or None,
        "last_changed": columns.iso_datetime(shipment.last_changed)
        if shipment.last_changed
        else None,
        "items": [
            {
                "category": item.category.slug,
                "category_name": item.category.name,
                "description": item.description,
                "quantity": item.quantity,
                "quantity_is_estimate": item.is_estimate,
                "quantity_kind": item.quantity_kind,
                "quantity_min": item.least,
                "quantity_max": item.most,
                "quantity_note": item.quantity_note or None,
                "unit": item.unit,
                "value_usd": number(item.value_usd),
                "quantity_rejected": columns.rejected_quantity(item),
                # As in /items.csv: each names its source by its place (from 1) in `sources`.
                "rejections": columns.rejection_records(item),
            }
            for item in shipment.items.all()
        ],
        "sources": [
            {
                "title": source.title,
                "publisher": source.publisher or None,
                "published_on": iso(source.published_on),
                "url": source.url or None,
                "citation": source.citation,
                "supports": source.supports,
            }
            for source in columns.sources_by_id(shipment)
        ],
    }


def quantity_notes(row):
    words = words_of_lines(row)
    return None if words is None else list(words)


def totals_json(rows):
    """Totals per category, unit and status; `quantity` counts only lines with a number.

    `quantity_min` and `quantity_max` bound it as the lines' kinds allow
    (`quantity_max` null when a line has no upper bound). `quantity_rejected`
    sums the figures of the rows' rejections (null when none has one);
    `rejections` counts them, `rejections_without_quantity` those with no figure. `quantity_notes`
    quotes the lines not exact when there are one or two, each with its words
    (null when only their number can be told). Every field is defined on
    /about/data/ (shipments.public.glossary.TOTALS_FIELDS).
    """
    return [
        {
            "category": row["category__slug"],
            "category_name": row["category__name"],
            "unit": row["unit"],
            "status": row["shipment__status"],
            "quantity": row["total_quantity"],
            "quantity_min": row["quantity_min"],
            "quantity_max": None if row["unbounded_lines"] else row["quantity_max"],
            "lines": row["lines"],
            "lines_without_quantity": row["unknown_lines"],
            "lines_estimated": row["lines_estimated"],
            "lines_bounded": row["lines_bounded"],
            "quantity_notes": quantity_notes(row),
            "shipments": row["shipments"],
            "quantity_rejected": row["quantity_rejected"],
            "rejections": row["rejections"],
            "rejections_without_quantity": row["rejections_without_figure"],
        }
        for row in rows
    ]


def facets_json(facets):
    """{facet: [{"value", "label", "count"}]} from {facet: [FacetValue]}, the most shipments
    first (see shipments.facets)."""
    return {
        name: [{"value": one.value, "label": one.label, "count": one.count} for one in values]
        for name, values in facets.items()
    }
