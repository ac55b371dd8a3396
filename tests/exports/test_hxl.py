"""HXL: `?hxl=1` adds a row of hashtags under both CSVs' header, read here by the real
HXL library (libhxl), from a live server and from the streamed bytes.

On PostgreSQL the CSVs stream through a connection of their own (COPY), which sees
only committed rows, so these tests commit.
"""

import csv
import io

import hxl
import pytest
from django_countries import countries

from shipments.columns import EU_ALPHA3, HXL_TAG, ITEM_COLUMNS, SHIPMENT_COLUMNS, alpha3
from shipments.demo.loader import load_demo
from tests.exports.test_csv import tricky  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

EXPORTS = {"/shipments.csv": SHIPMENT_COLUMNS, "/items.csv": ITEM_COLUMNS}


def body(response):
    return b"".join(response.streaming_content)


def hxl_of(content):
    """libhxl's reading of a CSV's bytes."""
    return hxl.data(io.BytesIO(content)).cache()


def live(live_server, path):
    """libhxl's reading of a file from the live server, over HTTP."""
    return hxl.data(live_server.url + path, hxl.InputOptions(allow_local=True, timeout=30)).cache()


def plain_rows(content):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def demo():
    load_demo()


# The tags -------------------------------------------------------------------


@pytest.mark.parametrize("columns", [SHIPMENT_COLUMNS, ITEM_COLUMNS])
def test_every_column_has_a_valid_hxl_tag(columns):
    for column in columns:
        assert HXL_TAG.fullmatch(column.hxl), column.name
        parsed = hxl.model.Column.parse(column.hxl)
        assert parsed is not None, column.name
        assert parsed.display_tag == column.hxl, column.name


def test_donors_are_funders_and_recipients_implementers():
    tags = {column.name: column.hxl for column in SHIPMENT_COLUMNS}
    assert tags["reference"] == "#activity+id"
    assert tags["donors"] == "#org+name+funder+list"
    assert tags["donor_kinds"] == "#org+type+funder+list"
    assert tags["recipient"] == "#org+name+impl"
    assert tags["recipient_kind"] == "#org+type+impl"
    assert tags["recipient_country"] == "#country+code+v_iso2+impl"
    assert tags["recipient_country_iso3"] == "#country+code+v_iso3+impl"
    assert tags["donor_countries_iso3"] == "#country+code+v_iso3+funder+list"


def test_a_column_of_both_files_has_one_tag():
    shipments = {column.name: column.hxl for column in SHIPMENT_COLUMNS}
    for column in ITEM_COLUMNS:
        if column.name in shipments:
            assert column.hxl == shipments[column.name], column.name


# The row under the header ---------------------------------------------------


@pytest.mark.parametrize(("path", "columns"), EXPORTS.items())
@pytest.mark.parametrize("bom", ["", "&bom=1"])
def test_hxl_adds_only_the_row_of_tags_under_the_header(client, demo, path, columns, bom):
    plain = client.get(f"{path}?recipient_country=IT{bom}")
    tagged = client.get(f"{path}?recipient_country=IT&hxl=1{bom}")
    assert tagged.status_code == 200
    plain_body, tagged_body = body(plain), body(tagged)
    header_end = plain_body.index(b"\n") + 1
    tags = ",".join(column.hxl for column in columns) + "\n"
    assert tagged_body == plain_body[:header_end] + tags.encode() + plain_body[header_end:]
    # Same name, same count, same type: only the body has one more row.
    for name in ["Content-Disposition", "X-Row-Count", "Content-Type"]:
        assert tagged[name] == plain[name]


@pytest.mark.parametrize("path", EXPORTS)
def test_hxl_0_is_the_same_as_leaving_it_out(client, demo, path):
    assert body(client.get(f"{path}?hxl=0")) == body(client.get(path))


@pytest.mark.parametrize("path", EXPORTS)
def test_head_with_hxl_says_what_get_would(client, demo, path):
    head = client.head(f"{path}?hxl=1&status=delivered")
    get = client.get(f"{path}?hxl=1&status=delivered")
    assert head.status_code == 200
    for name in ["Content-Disposition", "X-Row-Count", "Content-Type"]:
        assert head[name] == get[name]


@pytest.mark.parametrize("value", ["2", "yes", "true", "", "1,1", "\N{FULLWIDTH DIGIT ONE}"])
@pytest.mark.parametrize("path", [*EXPORTS, "/shipments.json"])
def test_any_other_value_of_hxl_is_a_400_naming_the_values_it_takes(client, path, value):
    response = client.get(path, {"hxl": value})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    [reason] = [line for line in response.content.decode().splitlines() if line.startswith("hxl:")]
    assert "hxl=1" in reason
    assert "hxl=0" in reason


def test_the_json_is_the_same_with_hxl(client, demo):
    assert client.get("/shipments.json?hxl=1").json() == client.get("/shipments.json").json()


def test_formula_looking_cells_are_neutralised_with_hxl_too(client, tricky):  # noqa: F811
    plain = body(client.get("/items.csv"))
    content = body(client.get("/items.csv?hxl=1"))
    assert content.split(b"\n", 2)[2] == plain.split(b"\n", 1)[1]
    rows = list(hxl_of(content))
    assert len(rows) == 2
    for row in rows:
        assert row.get("#org+name+funder") == '\'=HYPERLINK("http://evil"); 浙江省'
        assert row.get("#item+name").startswith("'")
        assert row.get("#country+code+v_iso3+funder") == f"{EU_ALPHA3}; CHN"
        assert row.get("#country+code+v_iso3+impl") == "BEL"


# libhxl reading the files from a live server --------------------------------


def test_libhxl_selects_the_supply_lines_to_italy_by_tag(client, demo, live_server):
    expected = [
        row
        for row in plain_rows(body(client.get("/items.csv")))
        if row["recipient_country"] == "IT"
    ]
    assert expected
    source = live(live_server, "/items.csv?hxl=1")
    assert source.headers == [column.name for column in ITEM_COLUMNS]
    assert source.display_tags == [column.hxl for column in ITEM_COLUMNS]

    # A tag pattern picks every column whose tag has its attributes: both country codes.
    to_italy = list(source.with_rows("#country+code+impl=ITA"))
    assert to_italy
    assert [row.get("#item+name") for row in to_italy] == [row["description"] for row in expected]
    assert {row.get("#country+code+v_iso2+impl") for row in to_italy} == {"IT"}
    assert len(list(source.with_rows("#country+code+impl=IT"))) == len(expected)
    assert len(list(source.with_rows("#country+code+v_iso3+impl=IT"))) == 0


def test_libhxl_selects_the_donors_column_by_tag(client, demo, live_server):
    plain = plain_rows(body(client.get("/shipments.csv")))
    source = live(live_server, "/shipments.csv?hxl=1")
    donors = source.with_columns("#org+name+funder")
    assert donors.headers == ["donors"]
    assert [row.values for row in donors] == [[row["donors"]] for row in plain]
    # The column of the donors' countries, alpha-3, in the donors' order.
    codes = source.with_columns("#country+code+v_iso3+funder")
    assert codes.headers == ["donor_countries_iso3"]
    for row, line in zip(codes, plain, strict=True):
        [cell] = row.values
        assert cell.split("; ") == [alpha3(code) for code in line["donor_countries"].split("; ")]


def test_libhxl_reads_a_filtered_list_as_the_filter_says(client, demo, live_server):
    query = "recipient_country=IT&status=delivered&sort=reference"
    plain = client.get(f"/items.csv?{query}")
    expected = plain_rows(body(plain))
    source = live(live_server, f"/items.csv?{query}&hxl=1")
    rows = list(source)
    assert len(rows) == int(plain["X-Row-Count"]) == len(expected) > 0
    assert {row.get("#country+code+v_iso2+impl") for row in rows} == {"IT"}
    assert {row.get("#status") for row in rows} == {"delivered"}
    assert [row.get("#activity+id") for row in rows] == [
        row["shipment_reference"] for row in expected
    ]


def test_an_attribute_left_out_picks_the_quantity_alone(demo, live_server):
    source = live(live_server, "/items.csv?hxl=1")
    assert source.with_columns("#item+num-min-max-rejected").headers == ["quantity"]
    assert source.with_columns("#value+usd-line").headers == ["value_usd"]


def test_the_demo_files_pass_hxl_s_own_checks(client, demo):
    """libhxl's built-in schema: dates are dates, values numbers, and so on."""
    for path in EXPORTS:
        report = hxl.validate(hxl_of(body(client.get(f"{path}?hxl=1"))))
        errors = [issue for issue in report["issues"] if issue["severity"] == "error"]
        assert report["stats"]["error"] == 0, (path, errors)


# Alpha-3 codes --------------------------------------------------------------


def test_every_country_a_party_may_have_has_an_alpha3_code():
    for code, _name in countries:
        if code == "EU":
            assert alpha3(code) == EU_ALPHA3 == "EU"
        else:
            assert len(alpha3(code)) == 3 and alpha3(code).isupper(), code
    assert alpha3("IT") == "ITA"
    assert alpha3("CN") == "CHN"
    assert alpha3("BE") == "BEL"


@pytest.mark.parametrize("path", EXPORTS)
def test_the_alpha3_columns_say_what_the_alpha2_columns_say(client, demo, path):
    rows = plain_rows(body(client.get(path)))
    assert rows
    eu = [row for row in rows if "EU" in row["donor_countries"].split("; ")]
    assert eu, "the demo data has a donor from the EU"
    for row in rows:
        assert row["recipient_country_iso3"] == alpha3(row["recipient_country"])
        donors = row["donors"].split("; ")
        codes = row["donor_countries_iso3"].split("; ")
        assert len(codes) == len(donors)
        assert codes == [alpha3(code) for code in row["donor_countries"].split("; ")]
