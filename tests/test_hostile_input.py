"""Property-based attacks on every public endpoint and the staff import: never a 5xx,
markup always escaped.

Hypothesis throws arbitrary query strings, parameter values and path segments
(huge numbers, malformed dates, SQL and markup fragments, NUL bytes, very
long strings, non-Latin scripts) at the site, with a little data present;
and arbitrary files and form fields at the admin's import and its
confirmation, with the upload waiting in a folder or in Redis.
"""

import io
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shipments.filters import ShipmentFilter
from shipments.imports.rows import COLUMN_NAMES
from tests.factories import (
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    SourceFactory,
)
from tests.imports.test_import import CONFIRM_URL, IMPORT_URL, csv_bytes, row, upload
from tests.imports.test_limits import xlsx_bytes

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/",
    "/shipments/",
    "/shipments.csv",
    "/items.csv",
    "/shipments.json",
    "/datapackage.json",
    "/countries/",
    "/countries/IT/",
    "/donors/",
    "/donors/hostile-donor/",
    "/recipients/",
    "/recipients/hostile-recipient/",
    "/about/data/",
    "/healthz",
]
PATH_PREFIXES = ["/shipments/", "/countries/", "/donors/", "/recipients/", "/"]
# The parties' indexes read `country` and `kind` besides `q` and `page`.
PARAMETERS = sorted(set(ShipmentFilter.base_filters) | {"page", "bom", "hxl", "country", "kind"})
ACCEPTABLE = {200, 301, 302, 400, 404, 405}
MARKER = "<script>alert(1)</script>"

FRAGMENTS = [
    "' OR 1=1 --",
    "'; DROP TABLE shipments_shipment; --",
    '"><img src=x onerror=alert(1)>',
    MARKER,
    "\x00",
    "%00",
    "../../etc/passwd",
    "2020-02-30",
    "20200318",
    "-1",
    "0",
    "9" * 40,
    "1e309",
    "NaN",
    "浙江省",
    "Liège",
    "مساعدات",
    "\u202e",
    "it,be,,",
    "-shipped_on",
    "=HYPERLINK(1)",
]

values = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.text(max_size=30),
    st.text(min_size=1000, max_size=3000),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(lambda day: day.isoformat()),
    # Digits of other scripts, superscripts and circled numbers: str.isdigit()
    # accepts some that int() refuses.
    st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=4),
)
names = st.one_of(st.sampled_from(PARAMETERS), st.text(min_size=1, max_size=20))
queries = st.lists(st.tuples(names, values), max_size=6)

HYPOTHESIS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def some_data():
    shipment = ShipmentFactory(
        reference="HOSTILE-1",
        donors=[DonorFactory(slug="hostile-donor")],
        recipient=RecipientFactory(slug="hostile-recipient"),
    )
    ShipmentItemFactory(shipment=shipment)
    SourceFactory(shipment=shipment)


def test_the_party_pages_under_attack_exist(client, some_data):
    for url in ["/donors/hostile-donor/", "/recipients/hostile-recipient/"]:
        assert client.get(url).status_code == 200


def fetch(client, url):
    response = client.get(url)
    body = (
        b"".join(response.streaming_content)
        if hasattr(response, "streaming_content")
        else response.content
    )
    return response, body


def check(response, body, url):
    assert response.status_code in ACCEPTABLE, (url, response.status_code)
    if response["Content-Type"].startswith("text/html"):
        assert MARKER.encode() not in body, url
        assert b"onerror=alert(1)>" not in body, url


@HYPOTHESIS
@given(endpoint=st.sampled_from(ENDPOINTS), query=queries)
def test_any_query_string_gets_a_clear_answer(client, some_data, endpoint, query):
    url = f"{endpoint}?{urlencode(query)}"
    check(*fetch(client, url), url)


@HYPOTHESIS
@given(prefix=st.sampled_from(PATH_PREFIXES), segment=values)
def test_any_path_gets_a_clear_answer(client, some_data, prefix, segment):
    url = prefix + quote(segment, safe="") + "/"
    check(*fetch(client, url), url)


@HYPOTHESIS
@given(parameter=st.sampled_from(PARAMETERS), value=values)
def test_every_parameter_with_any_value(client, some_data, parameter, value):
    for endpoint in ["/shipments/", "/items.csv", "/shipments.json"]:
        url = f"{endpoint}?{urlencode({parameter: value})}"
        check(*fetch(client, url), url)


@pytest.mark.parametrize("endpoint", ["/shipments/", "/shipments.csv", "/shipments.json"])
def test_markup_in_a_search_is_escaped_or_refused(client, some_data, endpoint):
    response, body = fetch(client, f"{endpoint}?{urlencode({'q': MARKER})}")
    check(response, body, endpoint)
    if endpoint == "/shipments/":
        assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in body


# The staff import ------------------------------------------------------------

# Choice indexes and what passes for them.
indexes = st.one_of(st.sampled_from(["0", "1", "2", "-1", "", "01", " 0", "²", "\u0661"]), values)
GOOD_CSV = csv_bytes([row()])
files = st.one_of(
    st.binary(max_size=2000),
    st.sampled_from(
        [
            GOOD_CSV,
            GOOD_CSV.decode().encode("utf-16"),
            GOOD_CSV.decode().encode("utf-16-le"),
            csv_bytes([row(recipient="Liège")]).decode().encode("cp1252"),
            xlsx_bytes([row()]),
            b"",
            b"\xef\xbb\xbf",
        ]
    ),
    # The template's header, then rows of hostile cells.
    st.lists(st.lists(values, max_size=len(COLUMN_NAMES) + 2), max_size=4).map(
        lambda rows: csv_bytes([dict(zip(COLUMN_NAMES, cells, strict=False)) for cells in rows])
    ),
)
CONFIRM_FIELDS = ["format", "resource", "import_file_name", "original_file_name"]
file_names = st.one_of(
    values, st.sampled_from(["../../etc/passwd", "x/", ".", "tmp", "/tmp/", "passwd"])
)


@HYPOTHESIS
@given(file_format=indexes, resource=indexes, content=files, name=file_names)
def test_any_upload_gets_a_clear_answer(
    data_entry_client, import_storage, file_format, resource, content, name
):
    upload = io.BytesIO(content)
    upload.name = name  # sent as the browser would, whatever Django makes of it
    response = data_entry_client.post(
        IMPORT_URL, {"format": file_format, "resource": resource, "import_file": upload}
    )
    check(response, response.content, IMPORT_URL)


@HYPOTHESIS
@given(
    changes=st.dictionaries(
        st.sampled_from(CONFIRM_FIELDS), st.one_of(st.none(), indexes, file_names)
    ),
    twice=st.booleans(),
)
def test_any_confirmation_gets_a_clear_answer(data_entry_client, import_storage, changes, twice):
    """Any field changed (None: left out), sent once or twice, after a real preview."""
    confirmation = dict(upload(data_entry_client, GOOD_CSV).context["confirm_form"].initial)
    confirmation.update(changes)
    data = {name: value for name, value in confirmation.items() if value is not None}
    for _ in range(2 if twice else 1):
        response = data_entry_client.post(CONFIRM_URL, data)
        check(response, response.content, CONFIRM_URL)
