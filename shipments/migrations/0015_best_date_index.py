from django.db import migrations

from shipments.migration_operations import index_on_postgresql


class Migration(migrations.Migration):
    dependencies = [
        ("shipments", "0014_rejections"),
    ]

    operations = [
        # The latest published shipments by their best-known date (see
        # shipments.models.best_date_expression and ShipmentQuerySet.latest_first),
        # read in order from here rather than sorted out of a million rows. The
        # expression must stay exactly the one Django writes for the order.
        index_on_postgresql(
            "shipment_public_best_date",
            "shipments_shipment",
            "((COALESCE(arrived_on, shipped_on, announced_on)) DESC NULLS LAST, id DESC) "
            "WHERE is_published",
        ),
    ]
