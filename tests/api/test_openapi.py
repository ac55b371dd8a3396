"""/openapi.json: an OpenAPI 3.1 description of the public read API, generated from the
FilterSet and the column definitions, that the answers it describes conform to."""

import json
from datetime import date

import django_filters
import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec

from shipments import columns
from shipments.columns import Column
from shipments.filters import RENDERING_PARAMS, ShipmentFilter, sort_choices
from shipments.models import Shipment, SupplyCategory
from shipments.public import openapi
from tests import factories

# The endpoints the filters select for.
PATHS = {
    "/shipments.json": openapi.JSON_OPERATION,
    "/shipments.csv": openapi.SHIPMENTS_CSV_OPERATION,
    "/items.csv": openapi.ITEMS_CSV_OPERATION,
}


@pytest.fixture
def description(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def parameters(description, path):
    return {one["name"]: one for one in description["paths"][path]["get"]["parameters"]}


def response_schema(description, path, status, media_type="application/json"):
    return description["paths"][path]["get"]["responses"][status]["content"][media_type]["schema"]


def assert_conforms(instance, schema):
    errors = [error.message for error in OAS31Validator(schema).iter_errors(instance)]
    assert errors == []


@pytest.mark.django_db
def test_the_description_is_valid_openapi_3_1(description):
    assert description["openapi"].startswith("3.1.")
    validate_spec(description)


@pytest.mark.django_db
def test_it_describes_the_json_both_csvs_and_the_data_package(description):
    assert {
        path: operations["get"]["operationId"] for path, operations in description["paths"].items()
    } == {**PATHS, "/datapackage.json": openapi.DATA_PACKAGE_OPERATION}
    assert description["servers"] == [{"url": "http://testserver"}]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_every_filter_is_a_parameter_of_every_endpoint(description, path):
    documented = parameters(description, path)
    for name in ShipmentFilter.base_filters:
        assert name in documented, f"{name} is missing from {path}"
        assert documented[name]["in"] == "query"
        assert documented[name]["description"]


@pytest.mark.django_db
def test_the_renderers_parameters_are_described_where_they_are_read(description):
    json_parameters = parameters(description, "/shipments.json")
    csv_parameters = parameters(description, "/shipments.csv")
    assert json_parameters["page"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": openapi.MAX_PAGE,
        "default": 1,
    }
    assert csv_parameters["bom"]["schema"]["enum"] == ["0", "1"]
    assert csv_parameters["hxl"]["schema"]["enum"] == ["0", "1"]
    for name in RENDERING_PARAMS:
        assert any(name in parameters(description, path) for path in PATHS), name


@pytest.mark.django_db
def test_parameters_carry_their_values_and_formats(description):
    documented = parameters(description, "/items.csv")
    status = documented["status"]
    assert status["schema"]["type"] == "array"
    assert status["schema"]["items"]["enum"] == list(Shipment.Status.values)
    assert status["schema"]["maxItems"] == 50
    assert (status["style"], status["explode"]) == ("form", True)
    assert documented["category"]["schema"]["items"]["enum"] == list(
        SupplyCategory.objects.values_list("slug", flat=True)
    )
    assert "CN" in documented["donor_country"]["schema"]["items"]["enum"]
    assert "EU" in documented["donor_country"]["schema"]["items"]["enum"]
    assert documented["donor"]["schema"]["items"]["pattern"] == openapi.SLUG_PATTERN
    assert documented["sort"]["schema"]["enum"] == [value for value, _ in sort_choices()]
    for name in ["shipped_after", "shipped_before", "arrived_after", "arrived_before"]:
        assert documented[name]["schema"] == {"type": "string", "format": "date"}
    assert documented["q"]["schema"] == {"type": "string", "maxLength": 200}


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_bad_requests_and_rate_limits_are_described(description, path):
    responses = description["paths"][path]["get"]["responses"]
    assert "text/plain" in responses["400"]["content"]
    assert responses["429"]["headers"]["Retry-After"]["required"] is True


@pytest.mark.django_db
def test_the_csvs_are_text_csv_with_their_columns(description):
    for path, column_list in [
        ("/shipments.csv", columns.SHIPMENT_COLUMNS),
        ("/items.csv", columns.ITEM_COLUMNS),
    ]:
        ok = description["paths"][path]["get"]["responses"]["200"]
        assert list(ok["content"]) == ["text/csv"]
        header = ok["content"]["text/csv"]["example"]
        assert header == ",".join(column.name for column in column_list) + "\n"
        assert {"Content-Disposition", "X-Row-Count"} <= set(ok["headers"])


@pytest.mark.django_db
def test_a_new_filter_appears_by_itself(monkeypatch):
    class WithColour(ShipmentFilter):
        colour = django_filters.ChoiceFilter(choices=[("red", "Red"), ("blue", "Blue")])

    monkeypatch.setattr(openapi, "ShipmentFilter", WithColour)
    generated = openapi.description("https://example.org")
    colour = {
        one["name"]: one for one in generated["paths"]["/shipments.json"]["get"]["parameters"]
    }["colour"]
    assert colour["schema"] == {"type": "string", "enum": ["red", "blue"]}


@pytest.mark.django_db
def test_a_new_column_appears_by_itself(monkeypatch):
    extra = Column(
        "colour", columns.TEXT, "Its colour.", lambda s: "red", "'red'", hxl="#meta+colour"
    )
    monkeypatch.setattr(columns, "ITEM_COLUMNS", [*columns.ITEM_COLUMNS, extra])
    generated = openapi.description("https://example.org")
    ok = generated["paths"]["/items.csv"]["get"]["responses"]["200"]
    assert ok["content"]["text/csv"]["example"].endswith(",colour\n")


@pytest.mark.django_db
def test_the_json_of_the_demo_data_conforms(client, description, demo_data):
    response = client.get("/shipments.json")
    assert response.status_code == 200
    assert_conforms(
        json.loads(response.content), response_schema(description, "/shipments.json", "200")
    )


@pytest.mark.django_db
def test_the_json_of_every_hard_case_conforms(client, description):
    """A pledge and its delivery, a rejection with and without a figure, vague quantities,
    unknown dates and values, sources with and without their details."""
    donor = factories.DonorFactory(country="EU", kind="multilateral")
    recipient = factories.RecipientFactory(country="IT", city="")
    pledge = factories.ShipmentFactory(
        reference="P-1", status="pledged", donors=[donor], recipient=recipient, shipped_on=None
    )
    delivery = factories.ShipmentFactory(
        reference="D-1",
        status="delivered",
        donors=[donor],
        recipient=recipient,
        pledge=pledge,
        arrived_on=date(2020, 4, 2),
        weight_kg="31000.5",
        declared_value="2400000",
        currency="CNY",
        usd_rate="0.14291667",
        value_usd="343000",
        rate_date=date(2020, 3, 18),
        transport_mode="air",
        arrival_point="Liège",
    )
    factories.SourceFactory(shipment=delivery, publisher="", url="https://example.org/r")
    line = factories.ShipmentItemFactory(shipment=delivery, quantity=None, quantity_kind="unknown")
    factories.RejectionFactory(item=line, quantity=None, reason="other", reason_detail="too small")
    factories.RejectionFactory(item=factories.ShipmentItemFactory(shipment=delivery), quantity=10)
    factories.ShipmentItemFactory(
        shipment=pledge, category=factories.category("gloves"), unit="pairs"
    )
    response = client.get("/shipments.json")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["count"] == 2
    assert_conforms(body, response_schema(description, "/shipments.json", "200"))


@pytest.mark.django_db
def test_errors_conform(client, description):
    response = client.get("/shipments.json?page=99")
    assert response.status_code == 404
    assert_conforms(
        json.loads(response.content), response_schema(description, "/shipments.json", "404")
    )
    response = client.get("/shipments.json?status=sent")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.django_db
def test_an_empty_value_is_described_where_it_means_none(client, description):
    """The list's form sends the fields left empty (`shipped_before=`): each filter takes that
    as not given, and so does page; bom and hxl do not."""
    json_parameters = parameters(description, "/shipments.json")
    for name in [*ShipmentFilter.base_filters, "page"]:
        assert json_parameters[name]["allowEmptyValue"] is True, name
        assert client.get(f"/shipments.json?{name}=").status_code == 200, name
    for name in ["bom", "hxl"]:
        assert "allowEmptyValue" not in parameters(description, "/shipments.csv")[name]
        assert client.get(f"/shipments.csv?{name}=").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_a_rate_limited_answer_is_as_described(client, description, settings, path):
    settings.EXPORT_RATE = "1/m"
    assert client.get(path).status_code == 200
    response = client.get(path)
    assert response.status_code == 429
    described = description["paths"][path]["get"]["responses"]["429"]
    assert response["Content-Type"].split(";")[0] in described["content"]
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_the_data_package_is_as_described(client, description):
    described = description["paths"]["/datapackage.json"]["get"]["responses"]
    response = client.get("/datapackage.json")
    assert response.status_code == 200
    assert_conforms(
        json.loads(response.content), described["200"]["content"]["application/json"]["schema"]
    )
    assert set(described["200"]["headers"]) <= set(response.headers)
    again = client.get("/datapackage.json", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    assert "304" in described
