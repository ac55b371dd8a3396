from django.db import migrations

from shipments.migration_operations import RunSQLOnPostgreSQL


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("shipments", "0024_verification"),
    ]

    # The list counts its facets from the shipments it reads
    # (shipments.facets.SHIPMENT_FIELDS), the verification level now among them:
    # the index of migration 0021 holds it too, so that a recipient country with
    # a date range is still counted without reading the table. Built beside the
    # one it replaces, then that is dropped.
    operations = [
        RunSQLOnPostgreSQL(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS shipment_public_recipient_levels "
            "ON shipments_shipment (recipient_id, shipped_on, id) "
            "INCLUDE (donor_countries, donor_kinds, status, category_keys, emergency_id, "
            "verification) WHERE is_published",
            "DROP INDEX CONCURRENTLY IF EXISTS shipment_public_recipient_levels",
        ),
        RunSQLOnPostgreSQL(
            "DROP INDEX CONCURRENTLY IF EXISTS shipment_public_recipient_facets",
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS shipment_public_recipient_facets "
            "ON shipments_shipment (recipient_id, shipped_on, id) "
            "INCLUDE (donor_countries, donor_kinds, status, category_keys, emergency_id) "
            "WHERE is_published",
        ),
    ]
