"""Verification levels: each source says which claim it supports, and each shipment is as
established as the strongest of its sources.

Every source recorded so far is a news report (the demo data's are), so every
source, and every past version of one, supports "reported by the media", and
so does every shipment with a source. The shipments' column is added with that
value as its default, which is then dropped: on PostgreSQL 11 and later that
fills every row without rewriting the table (see 0017). The few shipments
without a source (never published ones) are then emptied.
"""

from django.db import migrations, models

from shipments.migration_operations import AddFieldFilled

LEVELS = [
    ("donor_reported", "Reported by the donor"),
    ("media_reported", "Reported by the media"),
    ("recipient_confirmed", "Confirmed by the recipient"),
    ("independently_verified", "Independently verified"),
]
SUPPORTS_HELP = (
    "Which claim this source supports. Reported by the donor: The donor or its government "
    "says so: a press release, a ministry's or embassy's statement, the donor's own post. "
    "Nobody else has confirmed it yet. Reported by the media: A news report by a publisher "
    "that is neither the donor nor the recipient, e.g. a news agency or newspaper, whatever "
    "its own sources. Confirmed by the recipient: The recipient says it arrived: its "
    "statement, a letter of thanks or receipt, an official list of aid received. "
    "Independently verified: Evidence from neither party nor their statements: customs or "
    "trade data, dated photographs of the delivery, a third party's inspection."
)


def media_reported(apps):
    return "media_reported"


def empty_without_a_source(apps, schema_editor):
    Shipment = apps.get_model("shipments", "Shipment")
    Source = apps.get_model("shipments", "Source")
    sourced = Source.objects.filter(shipment=models.OuterRef("pk"))
    Shipment.objects.filter(~models.Exists(sourced)).update(verification="")


def supports_field():
    return models.CharField(
        choices=LEVELS, default="media_reported", help_text=SUPPORTS_HELP, max_length=24
    )


class Migration(migrations.Migration):
    dependencies = [
        ("shipments", "0023_duplicates_by_route"),
    ]

    operations = [
        migrations.AddField(model_name="historicalsource", name="supports", field=supports_field()),
        migrations.AddField(model_name="source", name="supports", field=supports_field()),
        AddFieldFilled(
            model_name="shipment",
            name="verification",
            field=models.CharField(
                blank=True,
                choices=LEVELS,
                default="",
                editable=False,
                help_text="How far its facts are established: the strongest claim any of its "
                "sources supports, kept up to date automatically (empty while it has no "
                "source).",
                max_length=24,
            ),
            fill=media_reported,
        ),
        migrations.RunPython(empty_without_a_source, migrations.RunPython.noop, elidable=True),
    ]
