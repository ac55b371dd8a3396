"""Migration operations of our own: indexes on PostgreSQL only, and a column added
already filled.

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


class AddFieldFilled(migrations.AddField):
    """AddField whose existing rows take `fill(apps)`, a value read as the migration runs
    (e.g. the key of a row an earlier operation created), rather than the field's default.

    The column is added with that value as its database default, which is then
    dropped: PostgreSQL (11 and later) fills every existing row without
    rewriting the table, where an UPDATE would write each row, and every index
    of the table, again. Migrating back removes the column, as AddField does.
    """

    def __init__(self, model_name, name, field, fill, preserve_default=True):
        self.fill = fill
        super().__init__(model_name, name, field, preserve_default)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, args, {**kwargs, "fill": self.fill}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        to_model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, to_model):
            return
        from_model = from_state.apps.get_model(app_label, self.model_name)
        field = to_model._meta.get_field(self.name)
        default = field.default
        field.default = self.fill(from_state.apps)
        try:
            schema_editor.add_field(from_model, field)
        finally:
            field.default = default
