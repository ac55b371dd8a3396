"""Each version in the histories of shipments, their parts and the emergencies knows until
when it was valid, kept by the database.

Reading the data as of a moment (shipments.as_of) then takes each row whose
period holds the moment, instead of searching every row for a later version.
"""

from django.db import migrations

from aidtracker.versions import keep_validity


class Migration(migrations.Migration):
    dependencies = [
        ("shipments", "0028_shipment_last_changed"),
    ]

    operations = keep_validity(
        "historicalemergency",
        "historicalrejection",
        "historicalshipment",
        "historicalshipmentitem",
        "historicalsource",
    )
