"""Change history written in bulk, in SQL: for rows written without it.

django-simple-history records a row's versions as the ORM saves it. Rows
written otherwise (the synthetic loader's COPY, data older than the
history) get theirs here, one INSERT ... SELECT per table, on PostgreSQL and
SQLite alike, so that the data as of a past moment (`shipments.as_of`)
finds them.
"""

from django.db import connection


def copy_into_history(live, history, date_sql, where="", params=(), overrides=None, joins=""):
    """Record each row of model `live` (alias `l`) that `where` selects as a version in
    `history`, dated by the SQL expression `date_sql`; return how many were written.

    `overrides` maps columns to SQL giving their value in that version instead of the
    row's own (an earlier status, say); `joins` may bring in other tables for them.
    """
    overrides = overrides or {}
    quote = connection.ops.quote_name
    live_columns = {field.column for field in live._meta.concrete_fields}
    columns = [
        field.column
        for field in history._meta.concrete_fields
        if field.column in live_columns or field.column in overrides
    ]
    values = [overrides.get(column, f"l.{quote(column)}") for column in columns]
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)}"
        f" ({', '.join(quote(column) for column in columns)},"
        " history_date, history_type, history_change_reason)"
        f" SELECT {', '.join(values)}, {date_sql}, '+', ''"
        f" FROM {quote(live._meta.db_table)} l {joins}"
        f" {'WHERE ' + where if where else ''}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def copy_donor_links(history, links_history, links, where="", params=()):
    """Record each shipment's current donor links with each of its versions in `history`
    (alias `h`) that `where` selects, as simple-history does on a change of donors."""
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(links_history._meta.db_table)} (id, history_id, shipment_id, donor_id)"
        f" SELECT l.id, h.history_id, l.shipment_id, l.donor_id"
        f" FROM {quote(links._meta.db_table)} l"
        f" JOIN {quote(history._meta.db_table)} h ON h.id = l.shipment_id"
        f" {'WHERE ' + where if where else ''}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
