from django.db import migrations

from shipments.migration_operations import public_order_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("shipments", "0015_best_date_index"),
    ]

    # The list sorted by arrival date (`sort=arrived_on`; unknowns last in both
    # directions, so an index per direction) and selected by it (`arrived_after`,
    # `arrived_before`, a range of the index), as the orders of migration 0007.
    operations = public_order_indexes(
        {
            "shipment_public_arrived_desc": "(arrived_on DESC NULLS LAST, id DESC)",
            "shipment_public_arrived_asc": "(arrived_on ASC NULLS LAST, id ASC)",
        }
    )
