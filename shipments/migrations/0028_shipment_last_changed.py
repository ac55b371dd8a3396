from django.db import migrations, models
from django.db.models import Exists, F, OuterRef

from shipments.changes import last_changes
from shipments.migration_operations import public_order_indexes

BATCH_SIZE = 1_000

# The list's sort by last change (shipments.sorts), in both directions: unknowns last.
ORDERS = {
    "shipment_public_last_changed_desc": "(last_changed DESC NULLS LAST, id DESC)",
    "shipment_public_last_changed_asc": "(last_changed ASC NULLS LAST, id ASC)",
}


def fill_last_changed(apps, schema_editor):
    """Each published shipment's last change: the latest entry of its public change log.

    A shipment with no history (written in bulk, as the synthetic data is) was last
    changed, for the public, when it was created: one UPDATE, however many there are. The
    others have their history replayed (`shipments.changes`, which reads only the columns
    it names, so that it reads this migration's tables as later ones), in batches.
    """
    alias = schema_editor.connection.alias
    Shipment = apps.get_model("shipments", "Shipment")
    History = apps.get_model("shipments", "HistoricalShipment")
    recorded = Exists(History.objects.using(alias).filter(id=OuterRef("pk")))
    published = Shipment.objects.using(alias).filter(is_published=True)
    published.filter(~recorded).update(last_changed=F("created_at"))
    with_history = (
        Shipment.objects.using(alias)
        .filter(recorded)
        .order_by("pk")
        .values("id", "is_published", "created_at")
    )
    last = 0
    while batch := list(with_history.filter(pk__gt=last)[:BATCH_SIZE]):
        last = batch[-1]["id"]
        found = last_changes(batch, using=alias)
        Shipment.objects.using(alias).bulk_update(
            [Shipment(pk=pk, last_changed=when) for pk, when in found.items() if when],
            ["last_changed"],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("shipments", "0027_history_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="shipment",
            name="last_changed",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When the public last saw it change: the latest entry of its public "
                "change log (its publication included), kept up to date automatically; empty "
                "until published.",
                null=True,
            ),
        ),
        # The history keeps the derived columns too (migration 0026); its earlier rows
        # leave this one empty.
        migrations.AddField(
            model_name="historicalshipment",
            name="last_changed",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When the public last saw it change: the latest entry of its public "
                "change log (its publication included), kept up to date automatically; empty "
                "until published.",
                null=True,
            ),
        ),
        migrations.RunPython(fill_last_changed, migrations.RunPython.noop, elidable=True),
        *public_order_indexes(ORDERS),
    ]
