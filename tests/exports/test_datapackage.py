"""/datapackage.json: the two CSVs described as a Frictionless data package, generated from
the export columns and the models' choices.

The package is read by the real client, `frictionless`, which downloads both files from a
live server and checks every cell against its schema, the primary key and the foreign key.
"""

import csv
import io
import json
import re
import urllib.request
from datetime import date
from decimal import Decimal
from unittest.mock import ANY

import pytest
from django.test import Client, override_settings
from frictionless import Package

from donors.models import Donor, Recipient
from shipments import columns as cols
from shipments.exports.datapackage import MISSING_VALUES
from shipments.licence import DATA_LICENCE
from shipments.models import QuantityKind, Rejection, Shipment, ShipmentItem, Unit
from tests.factories import (
    DonorFactory,
    RecipientFactory,
    RejectionFactory,
    ShipmentFactory,
    SourceFactory,
    category,
    clean_line,
)
from tests.hostile_text import FORMULA_ATTEMPTS


def get_package(client, **headers):
    response = client.get("/datapackage.json", **headers)
    assert response.status_code == 200
    return response.json()


def resource_named(package, name):
    return next(resource for resource in package["resources"] if resource["name"] == name)


def fields_of(package, name):
    return {field["name"]: field for field in resource_named(package, name)["schema"]["fields"]}


# What the package says --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "path"), [("shipments", "/shipments.csv"), ("items", "/items.csv")]
)
def test_each_schema_lists_the_files_header_exactly(client, name, path):
    # A column added to an export can never be left out of its schema.
    ShipmentFactory()
    header = next(csv.reader(io.StringIO(client.get(path).getvalue().decode())))
    package = get_package(client)
    assert list(fields_of(package, name)) == header


@pytest.mark.django_db
def test_resources_are_the_live_files_at_absolute_addresses(client):
    package = get_package(client)
    assert [(r["name"], r["path"]) for r in package["resources"]] == [
        ("shipments", "http://testserver/shipments.csv"),
        ("items", "http://testserver/items.csv"),
    ]
    for resource in package["resources"]:
        assert resource["format"] == "csv"
        assert resource["encoding"] == "utf-8"
        assert resource["profile"] == "tabular-data-resource"
    assert package["homepage"] == "http://testserver/"


@pytest.mark.django_db
def test_addresses_follow_the_host_asked_for(client):
    package = get_package(client, HTTP_HOST="localhost")
    assert resource_named(package, "items")["path"] == "http://localhost/items.csv"


@pytest.mark.django_db
@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_addresses_are_https_behind_a_proxy_that_says_so(client):
    package = get_package(client, HTTP_HOST="testserver", HTTP_X_FORWARDED_PROTO="https")
    assert resource_named(package, "shipments")["path"] == "https://testserver/shipments.csv"


@pytest.mark.django_db
def test_a_host_not_allowed_is_refused(client):
    assert client.get("/datapackage.json", HTTP_HOST="evil.example").status_code == 400


CHOICES = {
    "status": Shipment.Status,
    "terms": Shipment.Terms,
    "transport_mode": Shipment.TransportMode,
    "recipient_kind": Recipient.Kind,
    "unit": Unit,
    "quantity_kind": QuantityKind,
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CHOICES))
def test_enums_are_the_models_choices(client, name):
    package = get_package(client)
    for resource in ("shipments", "items"):
        fields = fields_of(package, resource)
        if name in fields:
            assert fields[name]["constraints"]["enum"] == list(CHOICES[name].values)
    assert name in fields_of(package, "items")


@pytest.mark.django_db
def test_lists_of_choices_allow_only_those_choices(client):
    fields = fields_of(get_package(client), "items")
    for name, choices in [("donor_kinds", Donor.Kind), ("rejection_reason", Rejection.Reason)]:
        pattern = re.compile(fields[name]["constraints"]["pattern"])
        assert all(pattern.fullmatch(value) for value in choices.values)
        assert pattern.fullmatch("; ".join(choices.values))
        assert not pattern.fullmatch("nobody")
        assert not pattern.fullmatch(choices.values[0] + ";" + choices.values[0])


@pytest.mark.django_db
def test_types_follow_the_columns(client):
    fields = fields_of(get_package(client), "items")
    assert fields["shipped_on"]["type"] == "date"
    assert fields["quantity"]["type"] == "integer"
    assert fields["quantity_min"]["type"] == "integer"
    assert fields["weight_kg"]["type"] == "number"
    assert fields["usd_rate"]["type"] == "number"
    assert fields["quantity_is_estimate"]["type"] == "boolean"
    assert fields["url"] == {**fields["url"], "type": "string", "format": "uri"}
    # The source's words for a vague amount stay text.
    assert fields["quantity_note"]["type"] == "string"
    for column in cols.ITEM_COLUMNS:
        assert fields[column.name]["description"] == column.description


@pytest.mark.django_db
def test_unknowns_are_empty_cells_and_the_keys_join_the_files(client):
    package = get_package(client)
    shipments = resource_named(package, "shipments")["schema"]
    items = resource_named(package, "items")["schema"]
    assert shipments["missingValues"] == items["missingValues"] == MISSING_VALUES == [""]
    assert shipments["primaryKey"] == ["reference"]
    assert items["primaryKey"] == ["shipment_reference", "line"]
    assert items["foreignKeys"] == [
        {
            "fields": ["shipment_reference"],
            "reference": {"resource": "shipments", "fields": ["reference"]},
        }
    ]


@pytest.mark.django_db
def test_licence_and_sources_are_those_of_about_data(client):
    package = get_package(client)
    assert package["licenses"] == [
        {"name": "CC-BY-4.0", "title": DATA_LICENCE.title, "path": DATA_LICENCE.url}
    ]
    assert package["sources"][0]["path"] == "http://testserver/about/data/#sourcing"
    about = client.get("/about/data/").content.decode()
    assert DATA_LICENCE.url in about
    assert 'id="sourcing"' in about
    assert 'href="/datapackage.json"' in about


# How it is served ------------------------------------------------------------


@pytest.mark.django_db
def test_is_json_cached_publicly_with_an_etag(client):
    response = client.get("/datapackage.json")
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert response["ETag"]
    again = client.get("/datapackage.json", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    other_host = client.get(
        "/datapackage.json", HTTP_HOST="localhost", HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert other_host.status_code == 200


@pytest.mark.django_db
def test_head_answers_with_the_headers_of_a_get(client):
    get = client.get("/datapackage.json")
    head = client.head("/datapackage.json")
    assert head.status_code == 200
    assert head["ETag"] == get["ETag"]
    assert head.content == b""


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_only_get_and_head_are_allowed(method):
    # With the CSRF check a browser's request meets, which must not answer first.
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)("/datapackage.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.django_db
def test_a_parameter_is_refused_with_a_reason(client):
    response = client.get("/datapackage.json?status=delivered")
    assert response.status_code == 400
    assert "status: unknown parameter" in response.content.decode()


@pytest.mark.django_db
def test_it_does_not_depend_on_the_data(client):
    before = client.get("/datapackage.json")
    ShipmentFactory()
    assert client.get("/datapackage.json").content == before.content


# Frictionless validates the live files ---------------------------------------------


def validate_live(live_server, descriptor=None):
    """Frictionless's report on the package, reading both files from the live server."""
    if descriptor is None:
        package = Package(f"{live_server.url}/datapackage.json")
    else:
        package = Package(descriptor)
    return package.validate()


def problems(report):
    """(file, row, column, error type, note) of each error; a package's own errors first."""
    return [(None, None, None, error.type, error.note) for error in report.errors] + [
        (task.name, *error)
        for task in report.tasks
        for error in task.flatten(["rowNumber", "fieldName", "type", "note"])
    ]


def row_counts(report):
    return {task.name: task.stats["rows"] for task in report.tasks}


@pytest.mark.django_db(transaction=True)
def test_frictionless_validates_the_demo_data(live_server):
    from shipments.demo.loader import load_demo

    load_demo()
    report = validate_live(live_server)
    assert report.valid, problems(report)
    assert row_counts(report) == {
        "shipments": Shipment.objects.published().count(),
        "items": ShipmentItem.objects.published().count(),
    }


LINE_FIELDS = (
    "description",
    "quantity_kind",
    "quantity",
    "quantity_min",
    "quantity_max",
    "quantity_note",
    "unit",
)


def hard_cases():
    """Published shipments holding every case a cell can make hard, and one unpublished."""
    eu = DonorFactory(
        slug="european-union", name="European Union", country="EU", kind=Donor.Kind.MULTILATERAL
    )
    fosun = DonorFactory(slug="fosun", name="复星基金会", country="CN", kind=Donor.Kind.FOUNDATION)
    crescent = DonorFactory(
        slug="uae-red-crescent", name="الهلال الأحمر الإماراتي", country="AE", kind=Donor.Kind.NGO
    )
    formula_donor = DonorFactory(slug="formula", name='=HYPERLINK("x")', country="US")
    hospital = RecipientFactory(
        slug="wuhan", name="武汉市中心医院", country="CN", kind=Recipient.Kind.HOSPITAL
    )
    formula_recipient = RecipientFactory(
        slug="formula-recipient", name="+39 Ospedale; -1", country="IT"
    )

    joint = ShipmentFactory(
        reference="2020-EU-CN-001",
        donors=[eu, fosun, crescent],
        recipient=hospital,
        origin_country="BE",
        status=Shipment.Status.DELIVERED,
        shipped_on=date(2020, 2, 1),
        arrived_on=date(2020, 2, 3),
        weight_kg=Decimal("31000.5"),
        declared_value=Decimal("1000000.00"),
        currency="EUR",
        usd_rate=Decimal("1.1029"),
        value_usd=Decimal("1102900.00"),
        rate_date=date(2020, 2, 1),
        rate_source="ECB",
        transport_mode=Shipment.TransportMode.AIR,
        arrival_point="@Wuhan Tianhe",
        notes="-two flights\n=one more announced",
    )
    SourceFactory(shipment=joint, title="=cmd|' /C calc'!A0", publisher="新华社")
    SourceFactory(shipment=joint, title="تقرير إخباري", publisher="", url="https://example.org/a")
    # Each line: its category, then LINE_FIELDS.
    lines = [
        ("masks", "Surgical masks", "exact", 40_000, None, None, "", Unit.PIECES),
        ("gloves", "-Gloves", "approximate", 20, None, None, "about 20", Unit.PAIRS),
        ("masks", "N95 口罩", "at_least", None, 2_000_000, None, "over 2 million", Unit.PIECES),
        ("ventilators", "@Ventilator sets", "unknown", None, 24, None, "dozens", Unit.SETS),
        ("medicines", "+Medicines", "range", None, 100, 200, "one to two hundred", Unit.KG),
        # The same supply twice: a shipment may list it so; its line tells them apart.
        ("masks", "Surgical masks", "exact", 40_000, None, None, "", Unit.PIECES),
    ]
    for position, (slug, *values) in enumerate(lines):
        fields = dict(zip(LINE_FIELDS, values, strict=True))
        clean_line(shipment=joint, category=category(slug), position=position, **fields)
    RejectionFactory(
        item=joint.items.get(position=0),
        quantity=None,
        reason=Rejection.Reason.DEFECTIVE,
        reason_detail="=bad",
    )
    RejectionFactory(item=joint.items.get(position=0), quantity=1000, reason="expired")

    # Nothing known but the parties: no dates, weight, value, mode or quantity.
    pledge = ShipmentFactory(
        reference="2020-US-IT-001",
        donors=[formula_donor, eu],
        recipient=formula_recipient,
        origin_country="US",
        status=Shipment.Status.PLEDGED,
        terms=Shipment.Terms.UNCLEAR,
    )
    SourceFactory(shipment=pledge, title="untitled news report", publisher="")
    for position, text in enumerate(["=SUM(A1:A9)", *FORMULA_ATTEMPTS]):
        clean_line(
            shipment=pledge,
            category=category("other"),
            description=text,
            position=position,
            quantity_kind=QuantityKind.UNKNOWN,
            quantity_note=text,
        )
    delivery = ShipmentFactory(
        reference="2020-US-IT-002",
        donors=[formula_donor],
        recipient=formula_recipient,
        origin_country="US",
        status=Shipment.Status.DISPATCHED,
        pledge=pledge,
    )
    SourceFactory(shipment=delivery)
    ShipmentItem.objects.create(
        shipment=delivery, category=category("masks"), description="Masks", quantity=300_000
    )
    hidden = ShipmentFactory(
        reference="HIDDEN-001", is_published=False, recipient=hospital, origin_country="US"
    )
    ShipmentItem.objects.create(
        shipment=hidden, category=category("masks"), description="x", quantity=1
    )


@pytest.mark.django_db(transaction=True)
def test_frictionless_validates_every_hard_case(live_server):
    hard_cases()
    report = validate_live(live_server)
    assert report.valid, problems(report)
    assert row_counts(report) == {"shipments": 3, "items": 8 + len(FORMULA_ATTEMPTS)}


@pytest.mark.django_db(transaction=True)
def test_frictionless_reads_the_hard_cases_back(live_server):
    hard_cases()
    package = Package(f"{live_server.url}/datapackage.json")
    shipments = {row["reference"]: row for row in package.get_resource("shipments").read_rows()}
    joint = shipments["2020-EU-CN-001"]
    assert joint["donor_countries"] == "EU; AE; CN"  # in the order of the donors' names
    assert joint["weight_kg"] == Decimal("31000.5")
    assert joint["arrived_on"] == date(2020, 2, 3)
    assert joint["arrival_point"] == "'@Wuhan Tianhe"
    pledge = shipments["2020-US-IT-001"]
    assert pledge["shipped_on"] is None
    assert pledge["weight_kg"] is None
    assert pledge["deliveries"] == "2020-US-IT-002"
    items = package.get_resource("items").read_rows()
    unknown = next(row for row in items if row["quantity_note"] == "dozens")
    assert unknown["quantity"] is None
    assert unknown["quantity_min"] == 24
    assert unknown["quantity_is_estimate"] is True


def live_descriptor(live_server):
    """The package as the live server serves it, to be altered."""
    with urllib.request.urlopen(f"{live_server.url}/datapackage.json") as response:
        return json.load(response)


@pytest.mark.django_db(transaction=True)
def test_a_value_outside_the_schema_fails(live_server):
    # The validation reads every cell: a status the enum leaves out is found.
    hard_cases()
    descriptor = live_descriptor(live_server)
    fields_of(descriptor, "shipments")["status"]["constraints"]["enum"].remove("pledged")
    report = validate_live(live_server, descriptor)
    assert problems(report) == [("shipments", ANY, "status", "constraint-error", ANY)]


@pytest.mark.django_db(transaction=True)
def test_a_line_whose_shipment_is_missing_fails(live_server):
    # The foreign key is checked: against a shipments file that leaves pledges out, the
    # pledge's lines refer to nothing.
    hard_cases()
    descriptor = live_descriptor(live_server)
    resource_named(descriptor, "shipments")["path"] += "?status=delivered&status=dispatched"
    report = validate_live(live_server, descriptor)
    assert {error[3] for error in problems(report)} == {"foreign-key"}
