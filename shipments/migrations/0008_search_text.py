from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from shipments.migration_operations import index_on_postgresql
from shipments.search import search_text

# The search text of every shipment, in one statement: a million shipments
# in about a minute, where Python would take many.
FILL_ON_POSTGRESQL = r"""
WITH donor_names AS (
    SELECT link.shipment_id, string_agg(donor.name, E'\n' ORDER BY donor.name) AS names
    FROM shipments_shipment_donors AS link
    JOIN donors_donor AS donor ON donor.id = link.donor_id
    GROUP BY link.shipment_id
), descriptions AS (
    SELECT shipment_id, string_agg(description, E'\n' ORDER BY position, id) AS lines
    FROM shipments_shipmentitem
    GROUP BY shipment_id
)
UPDATE shipments_shipment AS target
SET search_text = lower(concat_ws(
    E'\n',
    NULLIF(shipment.reference, ''),
    NULLIF(recipient.name, ''),
    donor_names.names,
    descriptions.lines,
    NULLIF(shipment.notes, ''),
    NULLIF(shipment.arrival_point, '')
))
FROM shipments_shipment AS shipment
JOIN donors_recipient AS recipient ON recipient.id = shipment.recipient_id
LEFT JOIN donor_names ON donor_names.shipment_id = shipment.id
LEFT JOIN descriptions ON descriptions.shipment_id = shipment.id
WHERE target.id = shipment.id
"""


def fill_search_text(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_ON_POSTGRESQL)
        return
    Shipment = apps.get_model("shipments", "Shipment")
    for shipment in Shipment.objects.select_related("recipient").prefetch_related(
        "donors", "items"
    ):
        shipment.search_text = search_text(
            shipment.reference,
            shipment.recipient.name,
            sorted(donor.name for donor in shipment.donors.all()),
            [
                item.description
                for item in sorted(shipment.items.all(), key=lambda i: (i.position, i.id))
            ],
            shipment.notes,
            shipment.arrival_point,
        )
        shipment.save(update_fields=["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("shipments", "0007_public_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="shipment",
            name="search_text",
            field=models.TextField(
                blank=True,
                default="",
                editable=False,
                help_text="What the public search looks in, kept up to date automatically: the reference, parties, supply lines, notes and arrival point, in lower case.",
            ),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop, elidable=True),
        TrigramExtension(),
        # A search for a rare word reads only the shipments holding it.
        index_on_postgresql(
            "shipment_public_search",
            "shipments_shipment",
            "USING gin (search_text gin_trgm_ops) WHERE is_published",
        ),
    ]
