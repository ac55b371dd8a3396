"""POST data for the admin's shipment page, as a browser would send it."""

SHIPMENT_URL = "/admin/shipments/shipment/"

ITEM_DEFAULTS = {
    "category": "",
    "description": "",
    "quantity": "",
    "quantity_note": "",
    "unit": "pieces",
    "value_usd": "",
    "position": "0",
}
SOURCE_DEFAULTS = {
    "title": "",
    "publisher": "",
    "published_on": "",
    "url": "",
    "supports": "media_reported",
    "excerpt": "",
}
REJECTION_DEFAULTS = {
    "item": "",
    "kind": "rejected",
    "quantity": "",
    "quantity_note": "",
    "reason": "",
    "reason_detail": "",
    "date": "",
    "source": "",
}


def change_url(shipment):
    return f"{SHIPMENT_URL}{shipment.pk}/change/"


def inline(prefix, rows, defaults):
    """Management form and rows for a new-rows-only inline; existing rows are left alone."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in {**defaults, **row}.items():
            data[f"{prefix}-{index}-{name}"] = value
    return data


def shipment_data(donors, recipient, items=(), sources=(), rejections=(), **fields):
    """The shipment form's fields, with `items`, `sources` and `rejections` as new inline
    rows."""
    data = {
        "reference": "2020-CN-IT-100",
        "donors": [str(donor.pk) for donor in donors],
        "recipient": str(recipient.pk),
        "status": "pledged",
        "origin_country": "",
        "destination_country": "",
        "announced_on": "",
        "shipped_on": "",
        "arrived_on": "",
        "transport_mode": "",
        "arrival_point": "",
        "weight_kg": "",
        "terms": "donation",
        "declared_value": "",
        "currency": "",
        "value_usd": "",
        "usd_rate": "",
        "rate_date": "",
        "rate_source": "",
        "pledge": "",
        "notes": "",
        **fields,
    }
    data.update(inline("items", items, ITEM_DEFAULTS))
    data.update(inline("sources", sources, SOURCE_DEFAULTS))
    data.update(inline("rejections", rejections, REJECTION_DEFAULTS))
    return data


def existing_shipment_data(shipment, **fields):
    """The change form of `shipment` as it stands, with `fields` changed."""
    values = {
        "reference": shipment.reference,
        "status": shipment.status,
        "origin_country": shipment.origin_country.code,
        "destination_country": shipment.destination_country.code,
        "terms": shipment.terms,
        "notes": shipment.notes,
        # The version stored now, as a change page opened now would carry it.
        "loaded_version": str(type(shipment).objects.get(pk=shipment.pk).version),
    }
    if shipment.is_published:
        values["is_published"] = "on"
    values.update(fields)
    return shipment_data(list(shipment.donors.all()), shipment.recipient, **values)


def stored_item_row(item, **fields):
    """The items inline holding `item` as its page shows it (its only row), with `fields`
    changed; e.g. DELETE="on"."""
    row = {
        "id": str(item.pk),
        "shipment": str(item.shipment_id),
        "category": str(item.category_id),
        "description": item.description,
        "quantity": "" if item.quantity is None else str(item.quantity),
        "quantity_kind": item.quantity_kind,
        "unit": item.unit,
        "position": str(item.position),
        **fields,
    }
    data = {"items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "1"}
    data.update({f"items-0-{name}": value for name, value in row.items()})
    return data
