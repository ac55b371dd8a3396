from django.db import migrations, models

from shipments.migration_operations import RunSQLOnPostgreSQL

# Every shipment's donor countries and kinds in one statement on PostgreSQL;
# COLLATE "C" sorts them by code point, as Python does (shipments.search.codes).
FILL_ON_POSTGRESQL = """
WITH donor_codes AS (
    SELECT link.shipment_id,
        ' ' || string_agg(DISTINCT donor.country::text COLLATE "C", ' ' ORDER BY donor.country::text COLLATE "C")
            || ' ' AS countries,
        ' ' || string_agg(DISTINCT donor.kind::text COLLATE "C", ' ' ORDER BY donor.kind::text COLLATE "C")
            || ' ' AS kinds
    FROM shipments_shipment_donors AS link
    JOIN donors_donor AS donor ON donor.id = link.donor_id
    GROUP BY link.shipment_id
)
UPDATE shipments_shipment AS shipment
SET donor_countries = donor_codes.countries, donor_kinds = donor_codes.kinds
FROM donor_codes
WHERE shipment.id = donor_codes.shipment_id
"""


def codes(values):
    unique = sorted(set(values))
    return f" {' '.join(unique)} " if unique else ""


def fill_donor_columns(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_ON_POSTGRESQL)
        return
    Shipment = apps.get_model("shipments", "Shipment")
    shipments = list(Shipment.objects.prefetch_related("donors"))
    for shipment in shipments:
        donors = shipment.donors.all()
        shipment.donor_countries = codes(str(donor.country) for donor in donors)
        shipment.donor_kinds = codes(donor.kind for donor in donors)
    Shipment.objects.bulk_update(shipments, ["donor_countries", "donor_kinds"], batch_size=500)


class Migration(migrations.Migration):
    # Step by step rather than in one transaction, so that the site keeps
    # serving during a deploy: adding the columns locks the table for a
    # moment only, filling them (about three minutes at a million shipments)
    # blocks no reader, and the indexes are built and dropped concurrently.
    atomic = False

    dependencies = [
        ("shipments", "0009_recipient_date_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="shipment",
            name="donor_countries",
            field=models.TextField(
                blank=True,
                default="",
                editable=False,
                help_text='The donors\' countries, for the public filter, kept up to date automatically: each code once, between spaces (" CN US ").',
            ),
        ),
        migrations.AddField(
            model_name="shipment",
            name="donor_kinds",
            field=models.TextField(
                blank=True,
                default="",
                editable=False,
                help_text='The donors\' kinds, for the public filter, kept up to date automatically: each once, between spaces (" company foundation ").',
            ),
        ),
        migrations.RunPython(
            fill_donor_columns, migrations.RunPython.noop, atomic=True, elidable=True
        ),
        # A recipient country with a date range and a donor country or kind:
        # this index holds the donor columns too, so the filter is checked
        # without reading the table (US to Italy in 2020: 2 ms rather than 14).
        # It replaces the one of migration 0009, built beside it first.
        RunSQLOnPostgreSQL(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS shipment_public_recipient_donors "
            "ON shipments_shipment (recipient_id, shipped_on, id) "
            "INCLUDE (donor_countries, donor_kinds) WHERE is_published",
            "DROP INDEX CONCURRENTLY IF EXISTS shipment_public_recipient_donors",
        ),
        RunSQLOnPostgreSQL(
            "DROP INDEX CONCURRENTLY IF EXISTS shipment_public_recipient_shipped",
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS shipment_public_recipient_shipped "
            "ON shipments_shipment (recipient_id, shipped_on, id) WHERE is_published",
        ),
    ]
