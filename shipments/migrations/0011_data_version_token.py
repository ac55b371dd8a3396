"""The data version becomes a random token: after a restore from a backup, a counter
would count again through numbers that keyed other data in the cache."""

import secrets

from django.db import migrations, models

import shipments.models


def draw_token(apps, schema_editor):
    DataVersion = apps.get_model("shipments", "DataVersion")
    DataVersion.objects.using(schema_editor.connection.alias).update_or_create(
        pk=1, defaults={"token": secrets.token_hex(16)}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("shipments", "0010_donor_columns"),
    ]

    operations = [
        migrations.RemoveField(model_name="dataversion", name="number"),
        migrations.AddField(
            model_name="dataversion",
            name="token",
            field=models.CharField(
                default=shipments.models.new_data_token, editable=False, max_length=32
            ),
        ),
        migrations.RunPython(draw_token, migrations.RunPython.noop),
    ]
