"""Migration operations that touch PostgreSQL only.

Some indexes exist for PostgreSQL alone: ones SQLite cannot hold (NULLS LAST
in an index, trigram indexes), serving a million rows that the SQLite demo
never has. They are plain SQL outside the models' state, so that SQLite,
which rebuilds a whole table to change one column, never tries to rebuild
them.
"""

from django.db import migrations


class RunSQLOnPostgreSQL(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def index_on_postgresql(name, table, definition):
    """A CREATE INDEX on PostgreSQL only, dropped again when migrating back."""
    return RunSQLOnPostgreSQL(
        f"CREATE INDEX {name} ON {table} {definition}", f"DROP INDEX IF EXISTS {name}"
    )


def public_order_indexes(orders):
    """An index on PostgreSQL for each of the public list's orders (`{name: columns}`), over
    published shipments only: a page, however deep, is read from the index in order instead
    of sorted out of a million rows."""
    return [
        index_on_postgresql(name, "shipments_shipment", f"{columns} WHERE is_published")
        for name, columns in orders.items()
    ]
