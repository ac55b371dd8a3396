"""The OpenAPI 3.1 description of the public read API: /shipments.json, /shipments.csv and
/items.csv, served as /openapi.json and read as a page at /api/.

Generated, not written by hand: the parameters come from walking the
FilterSet's filters (their form fields, choices, formats and limits) and the
renderers' own parameters; the CSVs' columns from the column definitions; the
coded values from the models' choices; the words from the data dictionary
(`shipments.public.glossary`). A filter or a column added there appears here.
"""

from django import forms
from django.conf import settings
from django.urls import reverse

from donors.models import Donor, Recipient
from shipments import as_of, columns, facets
from shipments.filters import (
    MAX_NAME_LENGTH,
    MAX_SEARCH_LENGTH,
    MAX_VALUES,
    PAGE_PARAM,
    RENDERING_PARAMS,
    PartyNameField,
    ShipmentFilter,
    SlugListField,
)
from shipments.models import Rejection, Shipment, Unit, Verification
from shipments.public import glossary

OPENAPI_VERSION = "3.1.0"
# The contract's own version: raised when a field or parameter changes meaning.
API_VERSION = "1.0"
# Page numbers beyond this are refused (shipments.exports.views.MAX_PAGE_DIGITS).
MAX_PAGE = 10**18 - 1
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
SLUG_MAX_LENGTH = 200

JSON = "application/json"
CSV = "text/csv"
TEXT = "text/plain"

# Each endpoint: (URL name, operation id, summary, the renderers' parameters it reads).
JSON_OPERATION = "listShipments"
SHIPMENTS_CSV_OPERATION = "downloadShipmentsCsv"
ITEMS_CSV_OPERATION = "downloadItemsCsv"
DATA_PACKAGE_OPERATION = "describeDataPackage"


def nullable(schema):
    """`schema`, or null (OpenAPI 3.1 writes it as a second type)."""
    kind = schema["type"]
    schema = {**schema, "type": [*([kind] if isinstance(kind, str) else kind), "null"]}
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    return schema


def enum_of(choices):
    return {"type": "string", "enum": [str(value) for value, _ in choices.choices]}


def obj(properties, description=None):
    """A JSON object holding exactly `properties`, each always present."""
    schema = {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def described(schema, description):
    return {**schema, "description": description}


# Schemas of the CSV columns' kinds, as JSON values.
KIND_SCHEMAS = {
    columns.TEXT: {"type": "string"},
    columns.NUMBER: {"type": "number"},
    columns.DATE: {"type": "string", "format": "date"},
    columns.DATETIME: {"type": "string", "format": "date-time"},
    columns.BOOLEAN: {"type": "boolean"},
    columns.URL: {"type": "string", "format": "uri"},
}


def column_schema(name, column_list, schema=None, null=True, description=None):
    """The schema of a JSON field that carries the column `name`: its kind's type (whole
    numbers as integers, a choice of values as their enum) or `schema`, its description,
    null where the column may be empty."""
    column = next(one for one in column_list if one.name == name)
    if schema is None:
        schema = {"type": "integer"} if column.integer else KIND_SCHEMAS[column.kind]
        if column.choices is not None and not column.many:
            schema = enum_of(column.choices)
    schema = dict(schema)
    if null:
        schema = nullable(schema)
    return described(schema, description or column.description)


# Parameters ---------------------------------------------------------------


def field_schema(field):
    """(JSON schema, is it repeatable) of the value a filter's form field accepts."""
    if isinstance(field, forms.MultipleChoiceField):
        if isinstance(field, PartyNameField):
            item = {"type": "string", "minLength": 1, "maxLength": MAX_NAME_LENGTH}
        elif isinstance(field, SlugListField):
            item = {"type": "string", "pattern": SLUG_PATTERN, "maxLength": SLUG_MAX_LENGTH}
        else:
            values = [str(value) for value, _ in field.choices if value not in ("", None)]
            item = {"type": "string", "enum": values} if values else {"type": "string"}
        return {"type": "array", "items": item, "maxItems": MAX_VALUES}, True
    if isinstance(field, forms.DateField):
        return {"type": "string", "format": "date"}, False
    if isinstance(field, forms.ChoiceField):
        values = [str(value) for value, _ in field.choices if value not in ("", None)]
        return {"type": "string", "enum": values}, False
    schema = {"type": "string"}
    max_length = getattr(field, "max_length", None)
    if max_length:
        schema["maxLength"] = max_length
    return schema, False


def dictionary_words(words):
    """A definition from the data dictionary, which points "below" to its own glossaries:
    from here they are on /about/data/."""
    return words.replace(" below)", " on /about/data/)").replace(" keys below,", " keys,")


def parameter_words(name, default):
    return dictionary_words(glossary.PARAMETERS.get(name) or default)


def filter_description(name, field):
    return parameter_words(name, str(field.help_text or field.label or name))


def filter_parameters(filterset):
    """One query parameter per filter of the FilterSet, in its order."""
    parameters = []
    for name, field in filterset.form.fields.items():
        schema, repeatable = field_schema(field)
        description = filter_description(name, field)
        if repeatable:
            description += (
                f" Repeat the parameter, or separate values with commas, for any of them "
                f"(at most {MAX_VALUES} values)."
                if not isinstance(field, PartyNameField)
                else f" Repeat the parameter for any of them (at most {MAX_VALUES})."
            )
        parameter = {
            "name": name,
            "in": "query",
            "required": False,
            "description": description,
            "schema": schema,
        }
        if not field.required:
            # As the list's form sends a field left empty: the same as leaving it out.
            parameter["allowEmptyValue"] = True
        if repeatable:
            parameter.update(style="form", explode=True)
        parameters.append(parameter)
    return parameters


# The renderers' own parameters: which endpoints read each, its values, and whether an
# empty value stands for the default.
RENDERING_SCHEMAS = {
    PAGE_PARAM: (
        {JSON_OPERATION},
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
        True,
    ),
    "bom": (
        {SHIPMENTS_CSV_OPERATION, ITEMS_CSV_OPERATION},
        {"type": "string", "enum": ["0", "1"], "default": "0"},
        False,
    ),
    "hxl": (
        {SHIPMENTS_CSV_OPERATION, ITEMS_CSV_OPERATION},
        {"type": "string", "enum": ["0", "1"], "default": "0"},
        False,
    ),
}


def rendering_parameters(operation):
    """The parameters a renderer reads itself; one it gives no schema for is described
    as text, on every endpoint."""
    parameters = []
    for name in sorted(RENDERING_PARAMS):
        operations, schema, empty = RENDERING_SCHEMAS.get(name, (None, {"type": "string"}, False))
        if operations is not None and operation not in operations:
            continue
        parameter = {
            "name": name,
            "in": "query",
            "required": False,
            "description": parameter_words(name, name),
            "schema": schema,
        }
        if empty:
            parameter["allowEmptyValue"] = True
        parameters.append(parameter)
    return parameters


# Responses ----------------------------------------------------------------

RETRY_AFTER = {
    "description": "Seconds to wait before asking again.",
    "required": True,
    "schema": {"type": "integer", "minimum": 0},
}


def text_response(description, example=None, headers=None):
    content = {"schema": {"type": "string"}}
    if example:
        content["example"] = example
    response = {"description": description, "content": {TEXT: content}}
    if headers:
        response["headers"] = headers
    return response


def bad_request_response():
    return text_response(
        "A parameter nobody reads, or a value that is not valid: plain text naming each "
        "parameter at fault and what is wrong with it, then the known parameters. Never a "
        "wider selection than was asked for.",
        example="Bad request.\n\nstatus: Select a valid choice. sent is not one of the "
        "available choices.\n\nKnown parameters: arrived_after, arrived_before, ….\n",
    )


PERIODS = {"s": "second", "m": "minute", "h": "hour", "d": "day"}


def rate_words():
    """The exports' rate limit in words: "20 per minute", "100 per 10 minutes"."""
    count, period = settings.EXPORT_RATE.split("/")
    multiplier, unit = period[:-1], PERIODS[period[-1]]
    return (
        f"{count} per {multiplier} {unit}s"
        if multiplier not in ("", "1")
        else f"{count} per {unit}"
    )


def rate_limit_response(csv):
    description = (
        f"Too many downloads from this address: every export (the JSON and both CSVs "
        f"together) counts against one budget per client address, {rate_words()}. Only valid "
        "requests count."
    )
    if csv:
        description += (
            f" A CSV is also refused while the address already has "
            f"{settings.DOWNLOADS_PER_CLIENT} downloads streaming."
        )
    return text_response(description, headers={"Retry-After": RETRY_AFTER})


def busy_response():
    return text_response(
        "The server is streaming as many downloads as it can at once: try again in a minute.",
        headers={"Retry-After": RETRY_AFTER},
    )


def party_schema(kind_choices, extra=None, what="party"):
    properties = {
        "name": described({"type": "string"}, f"The {what}'s name as published."),
        "slug": described(
            {"type": "string", "pattern": SLUG_PATTERN},
            f"The {what}'s short name, as its page's address and the {what} filter use it.",
        ),
        "kind": described(enum_of(kind_choices), f"The kind of {what}."),
        "country": described(
            {"type": "string"},
            "ISO 3166-1 alpha-2 code of its country (EU for the European Union).",
        ),
        "url": described(
            {"type": "string", "format": "uri-reference"}, f"The {what}'s page on this site."
        ),
        **(extra or {}),
    }
    return obj(properties)


def rejection_schema():
    return obj(
        {
            "kind": described(enum_of(Rejection.Kind), "rejected or returned."),
            "quantity": described(
                {"type": ["integer", "null"]}, "How many units; null when the source gives none."
            ),
            "quantity_note": {"type": ["string", "null"]},
            "reason": described(enum_of(Rejection.Reason), "Why (see the reasons)."),
            "reason_detail": {"type": ["string", "null"]},
            "date": {"type": ["string", "null"], "format": "date"},
            "source": described(
                {"type": ["integer", "null"], "minimum": 1},
                "The place, from 1, of the source reporting it in the shipment's sources.",
            ),
        }
    )


def item_schema():
    items = columns.ITEM_COLUMNS
    return obj(
        {
            "category": column_schema("category", items, null=False),
            "category_name": column_schema("category_name", items, null=False),
            "description": column_schema("description", items, null=False),
            "quantity": column_schema("quantity", items),
            "quantity_is_estimate": column_schema("quantity_is_estimate", items, null=False),
            "quantity_kind": column_schema("quantity_kind", items, null=False),
            "quantity_min": column_schema("quantity_min", items),
            "quantity_max": column_schema("quantity_max", items),
            "quantity_note": column_schema("quantity_note", items),
            "unit": column_schema("unit", items, null=False),
            "value_usd": column_schema("item_value_usd", items),
            "quantity_rejected": column_schema("quantity_rejected", items),
            "rejections": {
                "type": "array",
                "items": rejection_schema(),
                "description": "The line's rejections or returns, in the order recorded.",
            },
        }
    )


def source_schema():
    return obj(
        {
            "title": {"type": "string"},
            "publisher": {"type": ["string", "null"]},
            "published_on": {"type": ["string", "null"], "format": "date"},
            "url": {"type": ["string", "null"], "format": "uri"},
            "citation": described(
                {"type": "string"}, "Title, publisher, date and address, as the CSVs cite it."
            ),
            "supports": described(
                enum_of(Verification),
                "The claim this source supports (see the verification levels): the shipment's "
                "verification is the strongest of its sources'.",
            ),
        }
    )


def shipment_schema():
    shipment = columns.SHIPMENT_COLUMNS
    return obj(
        {
            "reference": column_schema("reference", shipment, null=False),
            "url": column_schema("url", shipment, null=False),
            "status": column_schema("status", shipment, null=False),
            "terms": column_schema("terms", shipment, null=False),
            "donors": {
                "type": "array",
                "items": party_schema(Donor.Kind, what="donor"),
                "description": "Every donor, in name order.",
            },
            "recipient": party_schema(
                Recipient.Kind,
                extra={"city": described({"type": "string"}, "Its city; empty when unknown.")},
                what="recipient",
            ),
            "origin_country": column_schema("origin_country", shipment, null=False),
            "destination_country": column_schema("destination_country", shipment, null=False),
            "announced_on": column_schema("announced_on", shipment),
            "shipped_on": column_schema("shipped_on", shipment),
            "arrived_on": column_schema("arrived_on", shipment),
            "transport_mode": column_schema("transport_mode", shipment),
            "arrival_point": column_schema("arrival_point", shipment),
            "weight_kg": column_schema("weight_kg", shipment),
            "declared_value": column_schema("declared_value", shipment),
            "currency": column_schema("currency", shipment),
            "value_usd": column_schema("value_usd", shipment),
            "usd_rate": column_schema("usd_rate", shipment),
            "rate_date": column_schema("rate_date", shipment),
            "rate_source": column_schema("rate_source", shipment),
            "pledge_reference": column_schema("pledge_reference", shipment),
            "deliveries": {
                "type": "array",
                "items": {"type": "string"},
                "description": "For a pledge, the references of its published deliveries, in "
                "reference order; empty for any other shipment. Never add them to the pledge.",
            },
            "notes": column_schema("notes", shipment),
            "crisis": column_schema("crisis", shipment, null=False),
            "crisis_name": described(
                {"type": "string"}, "The name of that emergency, e.g. COVID-19."
            ),
            "verification": column_schema("verification", shipment),
            "last_changed": column_schema("last_changed", shipment),
            "items": {
                "type": "array",
                "items": item_schema(),
                "description": "The supply lines, in the shipment's order.",
            },
            "sources": {
                "type": "array",
                "items": source_schema(),
                "description": "The sources, in the order they were recorded.",
            },
        }
    )


# Which fields of a row of totals may be null, and their types.
TOTALS_TYPES = {
    "category": {"type": "string"},
    "category_name": {"type": "string"},
    "unit": enum_of(Unit),
    "status": enum_of(Shipment.Status),
    "quantity": {"type": ["integer", "null"]},
    "quantity_min": {"type": ["integer", "null"]},
    "quantity_max": {"type": ["integer", "null"]},
    "quantity_notes": {"type": ["array", "null"], "items": {"type": "string"}},
    "quantity_rejected": {"type": ["integer", "null"]},
}


def totals_schema():
    """A row of totals: every field of the data dictionary's, a count unless said otherwise."""
    count = {"type": "integer", "minimum": 0}
    return obj(
        {
            name: described(TOTALS_TYPES.get(name, count), dictionary_words(definition))
            for name, definition in glossary.TOTALS_FIELDS.items()
        }
    )


def facets_schema():
    value = obj(
        {
            name: described(
                {"type": "integer", "minimum": 1} if name == "count" else {"type": "string"},
                glossary.FACET_FIELDS[name],
            )
            for name in ("value", "label", "count")
        }
    )
    return obj(
        {
            name: {"type": "array", "items": value, "description": glossary.FACETS[name]}
            for name in facets.FACETS
        },
        description="How many shipments of the selection hold each value, the most first.",
    )


def list_schema():
    page_link = {"type": ["string", "null"], "format": "uri"}
    return obj(
        {
            "as_of": described(
                {"type": "string", "format": "date-time"},
                "The moment the data is as of, in UTC: the as_of asked for, or else that of "
                "the latest change. The same request with this as_of gives the same data.",
            ),
            "count": described(
                {"type": "integer", "minimum": 0}, "How many shipments the filters select."
            ),
            "page": described({"type": "integer", "minimum": 1}, "This page's number."),
            "pages": described({"type": "integer", "minimum": 1}, "How many pages there are."),
            "next": described(page_link, "The next page's address; null on the last."),
            "previous": described(page_link, "The previous page's address; null on the first."),
            "totals": {
                "type": "array",
                "items": totals_schema(),
                "description": "The whole selection's supplies added up by category, unit and "
                "status, whatever the page.",
            },
            "facets": facets_schema(),
            "facets_exact": described({"type": "boolean"}, glossary.FACET_FIELDS["facets_exact"]),
            "results": {
                "type": "array",
                "items": shipment_schema(),
                "description": "This page's shipments, in the order asked for.",
            },
        }
    )


def data_as_of_header():
    return {
        "description": "The moment the data is as of, in UTC (2020-04-01T00:00:00Z): the "
        "as_of asked for, or else that of the latest change. Asking again with this as_of "
        "gives the same data, byte for byte.",
        "required": True,
        "schema": {"type": "string", "format": "date-time"},
    }


def csv_response(column_list, what):
    header = ",".join(column.name for column in column_list)
    names = ", ".join(column.name for column in column_list)
    return {
        "description": f"{what}, UTF-8, with a header row, streamed whole (never paginated). "
        f"Its columns, in order: {names}. Each is defined on /about/data/.",
        "headers": {
            "Content-Disposition": {
                "description": "attachment, with a file name naming the filters and the day.",
                "required": True,
                "schema": {"type": "string"},
            },
            "X-Row-Count": {
                "description": "How many rows the file holds, below its header.",
                "required": True,
                "schema": {"type": "integer", "minimum": 0},
            },
            as_of.HEADER: data_as_of_header(),
        },
        "content": {CSV: {"schema": {"type": "string"}, "example": header + "\n"}},
    }


def data_package_operation():
    """/datapackage.json: the two CSVs described for Frictionless, unlimited and cached."""
    resource = {
        "type": "object",
        "required": ["name", "path", "schema"],
        "properties": {
            "name": {"type": "string", "enum": ["shipments", "items"]},
            "path": described(
                {"type": "string", "format": "uri"}, "The CSV's address, without filters."
            ),
            "schema": described({"type": "object"}, "The file's Table Schema."),
        },
    }
    descriptor = {
        "type": "object",
        "required": ["profile", "name", "licenses", "sources", "resources"],
        "properties": {
            "profile": described({"type": "string"}, "The Frictionless profile it follows."),
            "name": described({"type": "string"}, "The package's name."),
            "licenses": described(
                {"type": "array", "items": {"type": "object"}}, "The data's licence."
            ),
            "sources": described(
                {"type": "array", "items": {"type": "object"}}, "Where the data comes from."
            ),
            "resources": described(
                {"type": "array", "items": resource}, "The two CSVs, shipments then items."
            ),
        },
        "description": "A Frictionless Data Package descriptor (https://specs.frictionlessdata.io"
        "/data-package/): each CSV's address and Table Schema, generated from the columns.",
    }
    etag = {
        "description": "The descriptor's version: send it back as If-None-Match.",
        "required": True,
        "schema": {"type": "string"},
    }
    return operation(
        DATA_PACKAGE_OPERATION,
        "Both CSVs described as a Frictionless data package",
        "For tools that load and check tabular data: frictionless validate of this address "
        "downloads both CSVs and checks every cell against its column's type. Takes no "
        "parameters and is not rate-limited.",
        [
            {
                "name": "If-None-Match",
                "in": "header",
                "required": False,
                "description": "The ETag of a descriptor already held: answered with a 304 "
                "while it is the current one.",
                "schema": {"type": "string"},
            }
        ],
        {
            "200": {
                "description": "The descriptor.",
                "headers": {
                    "ETag": etag,
                    "Cache-Control": {
                        "description": "public, with the time it may be kept.",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                },
                "content": {JSON: {"schema": descriptor}},
            },
            "304": {"description": "The descriptor named by If-None-Match is still current."},
            "400": text_response("A parameter: the descriptor takes none."),
        },
        "CSV",
    )


def operation(operation_id, summary, description, parameters, responses, tag):
    return {
        "operationId": operation_id,
        "summary": summary,
        "description": description,
        "tags": [tag],
        "parameters": parameters,
        "responses": responses,
    }


def description(base_url):
    """The OpenAPI document, as a dict, for a site served at `base_url` (no trailing slash)."""
    filterset = ShipmentFilter()
    filters = filter_parameters(filterset)

    def parameters(operation_id):
        return [*filters, *rendering_parameters(operation_id)]

    csv_errors = {
        "400": bad_request_response(),
        "429": rate_limit_response(csv=True),
        "503": busy_response(),
    }
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "AidTracker public read API",
            "version": API_VERSION,
            "summary": "Published cross-border aid shipments of medical supplies, filtered "
            "alike as JSON and as CSV.",
            "description": "Every endpoint takes the same filters as the list of shipments and "
            "selects exactly the same published shipments. A parameter nobody reads, or a value "
            "that is not valid, is answered with a 400 naming it. Nothing that is not published "
            "appears. The data is under CC BY 4.0: cite AidTracker and the original sources.",
            "license": {"name": "CC BY 4.0 (the data)", "identifier": "CC-BY-4.0"},
        },
        "servers": [{"url": base_url}],
        "tags": [
            {
                "name": "JSON",
                "description": "The filtered list, paginated, with totals and facets.",
            },
            {"name": "CSV", "description": "The whole filtered list, as files."},
        ],
        "paths": {
            reverse("shipments-json"): {
                "get": operation(
                    JSON_OPERATION,
                    "The filtered list of shipments, with totals and facets",
                    f"A page of up to 100 shipments, the whole selection's totals by "
                    f"category, unit and status, and its facets. Text search (q) takes at most "
                    f"{MAX_SEARCH_LENGTH} characters.",
                    parameters(JSON_OPERATION),
                    {
                        "200": {
                            "description": "The page asked for.",
                            "headers": {as_of.HEADER: data_as_of_header()},
                            "content": {JSON: {"schema": list_schema()}},
                        },
                        "400": bad_request_response(),
                        "404": {
                            "description": "A page beyond the last.",
                            "content": {
                                JSON: {"schema": obj({"error": {"type": "string"}})},
                            },
                        },
                        "429": rate_limit_response(csv=False),
                    },
                    "JSON",
                )
            },
            reverse("shipments-csv"): {
                "get": operation(
                    SHIPMENTS_CSV_OPERATION,
                    "The filtered shipments as CSV, one row per shipment",
                    "The whole selection, in the order asked for.",
                    parameters(SHIPMENTS_CSV_OPERATION),
                    {
                        "200": csv_response(columns.SHIPMENT_COLUMNS, "One row per shipment"),
                        **csv_errors,
                    },
                    "CSV",
                )
            },
            reverse("items-csv"): {
                "get": operation(
                    ITEMS_CSV_OPERATION,
                    "The filtered shipments' supply lines as CSV, one row per line",
                    "The lines of the whole selection, each repeating its shipment's columns; "
                    "a category filter also keeps only the lines of those categories.",
                    parameters(ITEMS_CSV_OPERATION),
                    {
                        "200": csv_response(columns.ITEM_COLUMNS, "One row per supply line"),
                        **csv_errors,
                    },
                    "CSV",
                )
            },
            reverse("datapackage-json"): {"get": data_package_operation()},
        },
    }
