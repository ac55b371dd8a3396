"""Each version in the histories of donors and recipients knows until when it was valid,
kept by the database.

Reading the data as of a moment (shipments.as_of) then takes each row whose
period holds the moment, instead of searching every row for a later version.
"""

from django.db import migrations

from aidtracker.versions import keep_validity


class Migration(migrations.Migration):
    dependencies = [
        ("donors", "0003_party_notes_help"),
    ]

    operations = keep_validity("historicaldonor", "historicalrecipient")
