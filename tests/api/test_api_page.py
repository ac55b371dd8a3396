"""/api/: the API's description read out as a page, in the site's style, with no script."""

import json
from urllib.parse import urlsplit

import pytest

from shipments.filters import ShipmentFilter
from shipments.public import api_page
from tests.pages import elements, hrefs


@pytest.fixture
def api_page_response(client, db):
    response = client.get("/api/")
    assert response.status_code == 200
    return response


def test_every_role_reads_the_page_and_the_description(role_client):
    assert role_client.get("/api/").status_code == 200
    assert role_client.get("/openapi.json").status_code == 200


def test_it_names_every_endpoint_and_every_filter(api_page_response):
    text = api_page_response.content.decode()
    for path in ["/shipments.json", "/shipments.csv", "/items.csv", "/datapackage.json"]:
        assert f"GET {path}" in text
    for name in ShipmentFilter.base_filters:
        assert f"<code>{name}</code>" in text


def test_it_shows_values_formats_and_answers(api_page_response):
    text = api_page_response.content.decode()
    assert "<code>delivered</code>" in text
    assert "date (YYYY-MM-DD)" in text
    assert "<code>text/csv</code>" in text
    assert "Retry-After" in text
    # The JSON's fields, nested ones by their paths.
    assert "<code>results[].items[].quantity_kind</code>" in text


def test_its_example_requests_answer(client, api_page_response, demo_data):
    examples = [
        attrs["href"]
        for attrs in elements(api_page_response, "a")
        if attrs.get("href", "").startswith("http")
    ]
    examples = [href for href in examples if urlsplit(href).hostname == "testserver"]
    assert len(examples) == 4
    for example in examples:
        parts = urlsplit(example)
        response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        assert response.status_code == 200, example
    json_example = next(href for href in examples if ".json" in href)
    parts = urlsplit(json_example)
    assert json.loads(client.get(f"{parts.path}?{parts.query}").content)["count"] > 0


def test_it_links_to_the_description(api_page_response):
    assert "/openapi.json" in hrefs(api_page_response)


def test_it_runs_no_script_and_has_no_inline_style(api_page_response):
    text = api_page_response.content.decode()
    assert "<script" not in text
    assert "<style" not in text
    assert " style=" not in text


@pytest.mark.parametrize("path", ["/", "/about/data/"])
def test_the_data_pages_link_to_it(client, db, path):
    links = hrefs(client.get(path))
    assert "/api/" in links
    assert "/openapi.json" in links


@pytest.mark.parametrize(
    "schema, words",
    [
        ({"type": "string", "format": "date"}, "date (YYYY-MM-DD)"),
        ({"type": ["integer", "null"]}, "whole number or null"),
        (
            {"type": "array", "items": {"type": "string", "enum": ["a"]}, "maxItems": 50},
            "code, up to 50 values",
        ),
        ({"type": "array", "items": {"type": "object"}}, "list of objects"),
        ({"type": "string", "maxLength": 200}, "text, at most 200 characters"),
        ({"type": ["string", "null"], "format": "uri"}, "web address or null"),
    ],
)
def test_types_in_words(schema, words):
    assert api_page.type_words(schema) == words


def test_it_states_the_limits(api_page_response):
    text = api_page_response.content.decode()
    assert "429" in text
    assert "405" in text
    assert "the same as leaving it out, except <code>bom</code> and <code>hxl</code>." in text


def test_it_says_which_json_holds_only_the_fields_listed(api_page_response):
    text = api_page_response.content.decode()
    # The list's JSON is closed; the data package's descriptor holds more than listed.
    assert text.count("Every field is always present, and no other") == 1
    assert text.count("The main fields; the descriptor holds more") == 1
