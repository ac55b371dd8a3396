from django.db import migrations

from shipments.migration_operations import index_on_postgresql

# The public list's orders (see shipments.sorts.sort_expressions), each with
# the key that breaks ties, over published shipments only: a page, however
# deep, is read from an index in order instead of sorted out of a million
# rows. Orders with unknowns last need an index per direction; the others
# are read backwards for the reverse order.
ORDERS = {
    "shipment_public_shipped_desc": "(shipped_on DESC NULLS LAST, id DESC)",
    "shipment_public_shipped_asc": "(shipped_on ASC NULLS LAST, id ASC)",
    "shipment_public_value_desc": "(value_usd DESC NULLS LAST, id DESC)",
    "shipment_public_value_asc": "(value_usd ASC NULLS LAST, id ASC)",
    "shipment_public_weight_desc": "(weight_kg DESC NULLS LAST, id DESC)",
    "shipment_public_weight_asc": "(weight_kg ASC NULLS LAST, id ASC)",
    "shipment_public_status": "(status, id)",
    "shipment_public_origin": "(origin_country, id)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("shipments", "0006_data_version"),
    ]

    operations = [
        index_on_postgresql(name, "shipments_shipment", f"{columns} WHERE is_published")
        for name, columns in ORDERS.items()
    ]
