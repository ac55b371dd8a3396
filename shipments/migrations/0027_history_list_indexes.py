"""The public list's orders over the shipments' history, as migrations 0007 and 0016 hold
them over the shipments: the list as of a past moment (shipments.as_of) reads a page in
order from the index, checking each version's moment, rather than sorting a million
versions. PostgreSQL only, as those."""

from django.db import migrations

from shipments.migration_operations import index_on_postgresql

ORDERS = {
    "history_public_shipped_desc": "(shipped_on DESC NULLS LAST, id DESC)",
    "history_public_shipped_asc": "(shipped_on ASC NULLS LAST, id ASC)",
    "history_public_arrived_desc": "(arrived_on DESC NULLS LAST, id DESC)",
    "history_public_arrived_asc": "(arrived_on ASC NULLS LAST, id ASC)",
    "history_public_value_desc": "(value_usd DESC NULLS LAST, id DESC)",
    "history_public_value_asc": "(value_usd ASC NULLS LAST, id ASC)",
    "history_public_weight_desc": "(weight_kg DESC NULLS LAST, id DESC)",
    "history_public_weight_asc": "(weight_kg ASC NULLS LAST, id ASC)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("shipments", "0026_history_keeps_derived_columns"),
    ]

    operations = [
        index_on_postgresql(name, "shipments_historicalshipment", f"{columns} WHERE is_published")
        for name, columns in ORDERS.items()
    ]
