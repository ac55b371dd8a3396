"""Each version in a public change history knows until when it was valid.

django-simple-history records an object's versions as the ORM saves it,
each dated by its `history_date`. A version is the object's state from that
moment until the next version's: `valid_until`, which the database keeps
(`validity_triggers`), whoever writes or removes versions and in whatever
order. Reading the data as of a moment T (`shipments.as_of`) is then a plain
condition on each row, history_date <= T < valid_until, rather than a search
for a later version of every row.
"""

import contextlib

from django.db import connection, migrations, models
from simple_history.models import HistoricalRecords


def valid_until_field():
    return models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the next version was recorded (empty for the latest): this version "
        "is the object as it stood from its history date until then. Kept by the database.",
    )


class Version(models.Model):
    """What every version of a history read as of a moment holds besides its object."""

    valid_until = valid_until_field()

    class Meta:
        abstract = True


def versioned_history(**options):
    """The change history of a model whose past is public: simple-history's, with each
    version's period of validity."""
    return HistoricalRecords(bases=[Version], **options)


# Each version's `valid_until` is the date of the next version of its object, in the order
# of (history_date, history_id). After rows are written or removed, the versions of the
# objects concerned are given theirs again: on PostgreSQL once per statement, from the rows
# it changed, so that a bulk load pays one pass; on SQLite, which has no statement
# triggers, once per row.
# Objects are locked in this many groups (by id), so that a statement writing versions of a
# million objects takes at most this many locks.
LOCK_BUCKETS = 1024
# Set (for a transaction) while a bulk load defers the periods to its end.
DEFERRED = "aidtracker.validity_deferred"
VALIDITY_POSTGRESQL = """
CREATE FUNCTION {table}_validity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('{deferred}', true) = 'on' THEN
        RETURN NULL;
    END IF;
    -- Writers of the same objects take turns, until each commits, and the UPDATE below
    -- (a statement of its own, with a snapshot of its own) reads the versions the
    -- others committed: two transactions adding a version of one object at once would
    -- otherwise each close the previous version at their own, and leave one open.
    PERFORM pg_advisory_xact_lock(TG_RELID::int, bucket::int)
    FROM (SELECT DISTINCT mod(id, {buckets}) AS bucket FROM changed ORDER BY bucket) AS buckets;
    UPDATE {table} SET valid_until = ordered.later
    FROM (
        SELECT history_id,
               lead(history_date) OVER (PARTITION BY id ORDER BY history_date, history_id) AS later
        FROM {table} WHERE id IN (SELECT id FROM changed)
    ) AS ordered
    WHERE {table}.history_id = ordered.history_id
      AND {table}.valid_until IS DISTINCT FROM ordered.later;
    RETURN NULL;
END
$$;
CREATE TRIGGER {table}_validity_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION {table}_validity();
CREATE TRIGGER {table}_validity_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION {table}_validity();
"""
VALIDITY_SQLITE = """
CREATE TRIGGER {table}_validity_{event} AFTER {event} ON {table} BEGIN
    UPDATE {table} SET valid_until = (
        SELECT later.history_date FROM {table} later
        WHERE later.id = {table}.id
          AND (later.history_date > {table}.history_date
               OR (later.history_date = {table}.history_date
                   AND later.history_id > {table}.history_id))
        ORDER BY later.history_date, later.history_id LIMIT 1
    ) WHERE id = {row}.id;
END;
"""
VALIDITY_TRIGGERS = ("validity_insert", "validity_delete")


def validity_triggers(table, vendor):
    """The statements that create the triggers keeping `table`'s valid_until."""
    if vendor == "postgresql":
        return [VALIDITY_POSTGRESQL.format(table=table, deferred=DEFERRED, buckets=LOCK_BUCKETS)]
    return [
        VALIDITY_SQLITE.format(table=table, event=event, row=row)
        for event, row in (("insert", "NEW"), ("delete", "OLD"))
    ]


def drop_validity_triggers(table, vendor):
    if vendor == "postgresql":
        return [f"DROP FUNCTION IF EXISTS {table}_validity() CASCADE"]
    return [f"DROP TRIGGER IF EXISTS {table}_{name}" for name in VALIDITY_TRIGGERS]


def fill_validity(table):
    """The statement that gives every version of `table` its valid_until, in one pass."""
    return (
        f"UPDATE {table} SET valid_until = ordered.later FROM ("
        " SELECT history_id, lead(history_date) OVER"
        " (PARTITION BY id ORDER BY history_date, history_id) AS later"
        f" FROM {table}) AS ordered"
        f" WHERE {table}.history_id = ordered.history_id"
        # Differs, empty values included, in words both databases read.
        f" AND (({table}.valid_until IS NULL) <> (ordered.later IS NULL)"
        f" OR {table}.valid_until <> ordered.later)"
    )


@contextlib.contextmanager
def validity_deferred(tables):
    """Within this block (in a transaction), versions written to any history get their
    periods only at its end, in one pass over each of `tables`, rather than after each
    statement: for bulk loads on PostgreSQL, where a statement writing a million versions
    would otherwise be followed by a pass over the history of each object it names.
    SQLite's triggers, row by row, are left as they are."""
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("Deferring the versions' periods needs a transaction.")
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL {DEFERRED} = 'on'")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL {DEFERRED} = 'off'")
        for table in tables:
            cursor.execute(fill_validity(table))


class KeepValidity(migrations.operations.base.Operation):
    """Give every version in `model_name`'s history its valid_until, and have the database
    keep it from then on: triggers on both databases, dropped again when migrating back."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name):
        self.model_name = model_name

    def deconstruct(self):
        return self.__class__.__name__, [self.model_name], {}

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        table, vendor = model._meta.db_table, schema_editor.connection.vendor
        schema_editor.execute(fill_validity(table))
        for statement in validity_triggers(table, vendor):
            schema_editor.execute(statement)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        for statement in drop_validity_triggers(
            model._meta.db_table, schema_editor.connection.vendor
        ):
            schema_editor.execute(statement)

    def describe(self):
        return f"Keep the validity of each version of {self.model_name}"


def keep_validity(*model_names):
    """The operations that give the histories `model_names` their periods of validity."""
    return [
        operation
        for model_name in model_names
        for operation in (
            migrations.AddField(model_name, "valid_until", valid_until_field()),
            KeepValidity(model_name),
        )
    ]
