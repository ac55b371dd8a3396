"""/api/: the OpenAPI description (shipments.public.openapi) read out as a page: each
endpoint, its parameters with their types and values, its answers, and the fields of
the JSON."""

from dataclasses import dataclass
from urllib.parse import urlencode

# Values listed in full beside a parameter; longer lists (the countries) fold away.
SHORT_LIST = 12


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    values: list[str]
    repeatable: bool
    description: str
    # An empty value (`shipped_before=`) is the same as none.
    empty_allowed: bool
    # query, or header.
    location: str


@dataclass(frozen=True)
class Field:
    path: str
    type: str
    values: list[str]
    description: str


@dataclass(frozen=True)
class Answer:
    status: str
    media_types: list[str]
    description: str
    headers: list[str]


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Parameter]
    answers: list[Answer]
    fields: list[Field]
    # Every field of the JSON is listed, and no other may appear.
    closed: bool
    example: str


def type_words(schema):
    """A schema's type in words: "date (YYYY-MM-DD)", "codes, up to 50", "whole number or
    null"."""
    kinds = schema.get("type", "string")
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    nullable = "null" in kinds
    kind = next((one for one in kinds if one != "null"), "string")
    limits = []
    if kind == "array":
        words = type_words(schema.get("items", {}))
        if "maxItems" not in schema:
            words = "list of " + ("objects" if words == "object" else words)
        if "maxItems" in schema:
            limits.append(f"up to {schema['maxItems']} values")
    elif kind == "string":
        if "enum" in schema:
            words = "code"
        elif "pattern" in schema:
            words = "slug"
        else:
            words = FORMAT_WORDS.get(schema.get("format"), "text")
        if "maxLength" in schema:
            limits.append(f"at most {schema['maxLength']} characters")
    else:
        words = TYPE_WORDS.get(kind, kind)
        if "minimum" in schema and "maximum" in schema:
            limits.append(f"{schema['minimum']} to {schema['maximum']:,}")
        elif "minimum" in schema:
            limits.append(f"at least {schema['minimum']}")
    words = ", ".join([words, *limits])
    return words + (" or null" if nullable else "")


FORMAT_WORDS = {
    "date": "date (YYYY-MM-DD)",
    "uri": "web address",
    "uri-reference": "address on this site",
}
TYPE_WORDS = {
    "integer": "whole number",
    "number": "number",
    "boolean": "true or false",
    "object": "object",
}


def values_of(schema):
    source = schema.get("items", schema) if schema.get("type") == "array" else schema
    return [str(value) for value in source.get("enum", []) if value is not None]


def fields_of(schema, prefix=""):
    """Every field of a JSON object schema, nested ones by their dotted paths
    (`results[].items[].unit`), in the schema's order."""
    rows = []
    for name, field in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        rows.append(Field(path, type_words(field), values_of(field), field.get("description", "")))
        if "object" in field.get("type", ""):
            rows.extend(fields_of(field, path + "."))
        items = field.get("items", {})
        if "object" in items.get("type", ""):
            rows.extend(fields_of(items, path + "[]."))
    return rows


def answers_of(responses):
    return [
        Answer(
            status,
            list(response.get("content", {})),
            response["description"],
            list(response.get("headers", {})),
        )
        for status, response in responses.items()
    ]


def example_query(parameters):
    """An example query string: the first two values of status, one of category."""
    query = []
    for parameter in parameters:
        if parameter.name == "status" and parameter.values:
            query += [("status", value) for value in parameter.values[1:3]]
        elif parameter.name == "category" and parameter.values:
            query.append(("category", parameter.values[0]))
        elif parameter.name == "shipped_after":
            query.append(("shipped_after", "2020-03-01"))
    return urlencode(query)


def operations(description):
    """The page's Operations, read from the OpenAPI `description` (a dict)."""
    server = description["servers"][0]["url"]
    found = []
    for path, methods in description["paths"].items():
        for method, details in methods.items():
            parameters = [
                Parameter(
                    one["name"],
                    type_words(one["schema"]),
                    values_of(one["schema"]),
                    one.get("explode", False),
                    one.get("description", ""),
                    one.get("allowEmptyValue", False),
                    one["in"],
                )
                for one in details["parameters"]
            ]
            ok = details["responses"].get("200", {}).get("content", {})
            json_schema = ok.get("application/json", {}).get("schema")
            query = example_query(parameters)
            found.append(
                Operation(
                    id=details["operationId"],
                    method=method.upper(),
                    path=path,
                    summary=details["summary"],
                    description=details["description"],
                    parameters=parameters,
                    answers=answers_of(details["responses"]),
                    fields=fields_of(json_schema) if json_schema else [],
                    closed=bool(json_schema) and json_schema.get("additionalProperties") is False,
                    example=f"{server}{path}" + (f"?{query}" if query else ""),
                )
            )
    return found


def refusing_empty(operations):
    """The names of the query parameters, of any operation, that refuse an empty value."""
    return sorted(
        {
            parameter.name
            for operation in operations
            for parameter in operation.parameters
            if parameter.location == "query" and not parameter.empty_allowed
        }
    )
