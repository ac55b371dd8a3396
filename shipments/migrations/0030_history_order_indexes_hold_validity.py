"""The list's orders over the shipments' history hold each version's period and what the
filters read, and the history has the list's text search index.

Read as of a past moment, a page of the list walks an order index from its
top (the latest shipped, say) through every version recorded after the
moment before it reaches the versions current at the moment: most of the
index, for a moment early in the history. Each entry now says when its
version was current, and holds the columns the filters compare, so that the
walk reads the index alone (an index-only scan) rather than a table row per
entry. Text search (`q`) reads a trigram index over the history's search
text, as it does over the shipments (0008). PostgreSQL only, as those.
"""

from django.db import migrations

from shipments.migration_operations import RunSQLOnPostgreSQL, index_on_postgresql

TABLE = "shipments_historicalshipment"
# A version that is public and not a deletion: what the data as of a moment reads.
PUBLIC = "WHERE is_published AND history_type <> '-'"
# When the version was current, and what the list's filters compare.
HELD = [
    "history_date",
    "valid_until",
    "shipped_on",
    "arrived_on",
    "status",
    "recipient_id",
    "origin_country",
    "donor_countries",
    "donor_kinds",
    "category_keys",
    "emergency_id",
    "verification",
]
ORDERS = {
    "history_public_shipped_desc": ["shipped_on DESC NULLS LAST", "id DESC"],
    "history_public_shipped_asc": ["shipped_on ASC NULLS LAST", "id ASC"],
    "history_public_arrived_desc": ["arrived_on DESC NULLS LAST", "id DESC"],
    "history_public_arrived_asc": ["arrived_on ASC NULLS LAST", "id ASC"],
    "history_public_value_desc": ["value_usd DESC NULLS LAST", "id DESC"],
    "history_public_value_asc": ["value_usd ASC NULLS LAST", "id ASC"],
    "history_public_weight_desc": ["weight_kg DESC NULLS LAST", "id DESC"],
    "history_public_weight_asc": ["weight_kg ASC NULLS LAST", "id ASC"],
    "history_public_last_changed_desc": ["last_changed DESC NULLS LAST", "id DESC"],
    "history_public_last_changed_asc": ["last_changed ASC NULLS LAST", "id ASC"],
    # As shipments.models.best_date_expression writes it (migration 0015).
    "history_public_best_date": [
        "(COALESCE(arrived_on, shipped_on, announced_on)) DESC NULLS LAST",
        "id DESC",
    ],
}
# As migration 0027 created them.
EARLIER = {
    name: f"({', '.join(columns)}) WHERE is_published"
    for name, columns in ORDERS.items()
    if "last_changed" not in name and "best_date" not in name
}


def definition(columns):
    keys = {column.split()[0] for column in columns}
    held = ", ".join(column for column in HELD if column not in keys)
    return f"({', '.join(columns)}) INCLUDE ({held}) {PUBLIC}"


def replace_index(name, columns):
    """Create index `name` holding the periods, in place of 0027's of that name if any."""
    forwards = [
        f"DROP INDEX IF EXISTS {name}",
        f"CREATE INDEX {name} ON {TABLE} {definition(columns)}",
    ]
    backwards = [f"DROP INDEX IF EXISTS {name}"]
    if name in EARLIER:
        backwards.append(f"CREATE INDEX {name} ON {TABLE} {EARLIER[name]}")
    return RunSQLOnPostgreSQL(forwards, backwards)


class Migration(migrations.Migration):
    dependencies = [
        ("shipments", "0029_history_validity"),
    ]

    operations = [
        *(replace_index(name, columns) for name, columns in ORDERS.items()),
        index_on_postgresql(
            "history_public_search", TABLE, f"USING gin (search_text gin_trgm_ops) {PUBLIC}"
        ),
    ]
