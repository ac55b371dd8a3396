from collections import defaultdict

from django.db import migrations, models

# Each shipment's category keys as shipments.search.codes() writes them: each
# once, sorted as text, between spaces.
FILL_ON_POSTGRESQL = """
UPDATE shipments_shipment AS shipment
SET category_keys = lines.keys
FROM (
    SELECT shipment_id,
           ' ' || string_agg(
               DISTINCT category_id::text COLLATE "C", ' ' ORDER BY category_id::text COLLATE "C"
           ) || ' ' AS keys
    FROM shipments_shipmentitem
    GROUP BY shipment_id
) AS lines
WHERE shipment.id = lines.shipment_id
"""


def fill_category_keys(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_ON_POSTGRESQL)
        return
    Shipment = apps.get_model("shipments", "Shipment")
    ShipmentItem = apps.get_model("shipments", "ShipmentItem")
    keys = defaultdict(set)
    for shipment_id, category_id in ShipmentItem.objects.values_list("shipment_id", "category_id"):
        keys[shipment_id].add(str(category_id))
    Shipment.objects.bulk_update(
        [
            Shipment(pk=pk, category_keys=f" {' '.join(sorted(found))} ")
            for pk, found in keys.items()
        ],
        ["category_keys"],
        batch_size=1_000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("shipments", "0019_emergency_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="shipment",
            name="category_keys",
            field=models.TextField(
                blank=True,
                default="",
                editable=False,
                help_text="The keys of its supply lines' categories, for the list's category "
                'facet, kept up to date automatically: each once, between spaces (" 3 7 ").',
            ),
        ),
        migrations.RunPython(fill_category_keys, migrations.RunPython.noop, elidable=True),
    ]
