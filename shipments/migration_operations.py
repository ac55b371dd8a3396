"""Migration operations that touch PostgreSQL only.

Some indexes exist for PostgreSQL alone: ones SQLite cannot hold (NULLS LAST
in an index, trigram indexes), serving a million rows that the SQLite demo
never has. The model state changes on every database, so the models can
declare them and `makemigrations` stays quiet.
"""

from django.db import migrations


class AddIndexOnPostgreSQL(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
