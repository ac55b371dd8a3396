"""/datapackage.json: both CSVs described as a Frictionless data package.

Everything in it is generated: each file's Table Schema from the export
columns (`shipments.columns`), its enums from the models' choices, the
licence from `shipments.licence`. A column added to an export is in its
schema at once; the tests compare each schema with the file's header.
"""

import re

from shipments import columns as cols
from shipments.licence import ATTRIBUTION, DATA_LICENCE

# Both CSVs write an unknown value as an empty cell, and nothing else.
MISSING_VALUES = [""]

# The Table Schema type and format of each kind of column, as the CSVs write it
# (`shipments.exports.csv.render_cell`).
FIELD_TYPES = {
    cols.TEXT: {"type": "string"},
    cols.NUMBER: {"type": "number"},
    cols.DATE: {"type": "date", "format": "default"},
    cols.DATETIME: {"type": "datetime", "format": "default"},
    cols.BOOLEAN: {"type": "boolean", "trueValues": ["true"], "falseValues": ["false"]},
    cols.URL: {"type": "string", "format": "uri"},
}

# How the CSVs are written (`shipments.exports.csv.csv_line`): RFC 4180 quoting,
# lines ended by a line feed.
DIALECT = {
    "delimiter": ",",
    "doubleQuote": True,
    "header": True,
    "lineTerminator": "\n",
    "quoteChar": '"',
}

SHIPMENTS = "shipments"
ITEMS = "items"
# A shipment's reference is unique (a database constraint).
SHIPMENTS_KEY = ["reference"]
# A supply line is its shipment's and its place among the shipment's lines.
ITEMS_KEY = ["shipment_reference", "line"]
# What refers from a supply line to its shipment.
ITEMS_TO_SHIPMENTS = (["shipment_reference"], SHIPMENTS, SHIPMENTS_KEY)


def list_pattern(values):
    """A Table Schema pattern matching one or more of `values`, joined as the CSVs join lists."""
    one = "(" + "|".join(re.escape(value) for value in values) + ")"
    return f"{one}({re.escape(cols.LIST_SEPARATOR)}{one})*"


def field(column):
    """The Table Schema field of one export column."""
    descriptor = {"name": column.name, "description": column.description}
    descriptor.update(FIELD_TYPES[column.kind])
    if column.kind == cols.NUMBER and column.integer:
        descriptor["type"] = "integer"
    if column.choices is not None:
        values = list(column.choices.values)
        if column.many:
            descriptor["constraints"] = {"pattern": list_pattern(values)}
        else:
            descriptor["constraints"] = {"enum": values}
    return descriptor


def table_schema(columns, primary_key=None, foreign_key=None):
    """The Table Schema of a file of `columns`, in the file's order."""
    schema = {"fields": [field(column) for column in columns], "missingValues": MISSING_VALUES}
    if primary_key:
        schema["primaryKey"] = primary_key
    if foreign_key:
        fields, resource, referenced = foreign_key
        schema["foreignKeys"] = [
            {"fields": fields, "reference": {"resource": resource, "fields": referenced}}
        ]
    return schema


def resource(name, title, description, url, schema):
    return {
        "name": name,
        "title": title,
        "description": description,
        "path": url,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": DIALECT,
        "schema": schema,
    }


def data_package(shipments_url, items_url, home_url, about_url):
    """The package's descriptor, its files and pages at these absolute addresses."""
    return {
        "profile": "tabular-data-package",
        "name": "aidtracker",
        "title": "AidTracker: cross-border aid shipments of medical supplies",
        "description": (
            "Every published shipment of medical supplies from one country to another: who "
            "gave what to whom, when, and the reports each fact comes from. Two files of the "
            "same shipments: one row per shipment, and one row per supply line with its "
            "shipment's columns repeated. An empty cell is unknown, never zero. Each column's "
            f"meaning, and the sourcing policy, are at {about_url}. Published under "
            f"{DATA_LICENCE.title}: {ATTRIBUTION}"
        ),
        "homepage": home_url,
        "licenses": [
            {"name": DATA_LICENCE.name, "title": DATA_LICENCE.title, "path": DATA_LICENCE.url}
        ],
        "sources": [
            {
                "title": "The reports each shipment cites, named in its sources column "
                "(title, publisher, date, address when known); see the sourcing policy.",
                "path": f"{about_url}#sourcing",
            }
        ],
        "keywords": ["humanitarian aid", "medical supplies", "donations", "shipments"],
        "resources": [
            resource(
                SHIPMENTS,
                "Shipments",
                "One row per published shipment; reference identifies it.",
                shipments_url,
                table_schema(cols.SHIPMENT_COLUMNS, primary_key=SHIPMENTS_KEY),
            ),
            resource(
                ITEMS,
                "Supply lines",
                "One row per supply line of a published shipment, in the shipment's order, "
                "its shipment's columns repeated; shipment_reference names the shipment in "
                "the shipments file, and with line identifies the line.",
                items_url,
                table_schema(
                    cols.ITEM_COLUMNS, primary_key=ITEMS_KEY, foreign_key=ITEMS_TO_SHIPMENTS
                ),
            ),
        ],
    }
