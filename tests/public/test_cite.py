""" "Cite this": every shipment page and every list offers a citation pinned to the moment
its data is as of, as plain text, BibTeX and CSL-JSON, whose link opens that data."""

import html
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from shipments import as_of
from shipments.models import Shipment
from tests.factories import RecipientFactory, ShipmentFactory, ShipmentItemFactory, SourceFactory

pytestmark = pytest.mark.django_db


def published(reference, **fields):
    shipment = ShipmentFactory(reference=reference, is_published=False, **fields)
    ShipmentItemFactory(shipment=shipment, quantity=40_000, description="N95 masks")
    SourceFactory(shipment=shipment)
    Shipment.objects.filter(pk=shipment.pk).set_published(True)
    return shipment


def citation(page):
    text = page.content.decode()
    plain = html.unescape(re.search(r'id="citation-plain">(.*?)</p>', text, re.S).group(1))
    bibtex = html.unescape(re.search(r'id="citation-bibtex"[^>]*>(.*?)</pre>', text, re.S)[1])
    csl = json.loads(html.unescape(re.search(r'id="citation-csl"[^>]*>(.*?)</pre>', text, re.S)[1]))
    return plain, bibtex, csl


def test_a_shipment_page_cites_its_data_as_of_the_latest_change(client):
    published("2020-CN-IT-001", recipient=RecipientFactory(name="Lombardy", country="IT"))
    page = client.get("/shipments/2020-CN-IT-001/")
    plain, bibtex, [csl] = citation(page)
    stamp = as_of.stamp(as_of.latest_change())
    url = csl["URL"]
    assert urlsplit(url).path == "/shipments/2020-CN-IT-001/"
    assert parse_qs(urlsplit(url).query) == {"as_of": [stamp]}
    assert plain.startswith("AidTracker. “") and "(shipment 2020-CN-IT-001)" in plain
    assert url in plain and "Data as of" in plain
    assert csl["type"] == "dataset" and csl["author"] == [{"literal": "AidTracker"}]
    assert csl["note"] == f"Data as of {stamp}"
    assert bibtex.startswith("@misc{aidtracker-") and f"url = {{{url}}}" in bibtex
    assert bibtex.count("{") == bibtex.count("}")
    # The link opens the same shipment, pinned.
    pinned = client.get(url)
    assert pinned.status_code == 200
    assert "as it stood at" in pinned.content.decode()


def test_a_list_cites_its_filters_and_moment_but_not_its_page(client):
    for number in range(3):
        published(f"2020-CN-IT-00{number}")
    page = client.get("/shipments/", {"recipient_country": "IT", "page": "1"})
    _, _, [csl] = citation(page)
    query = parse_qs(urlsplit(csl["URL"]).query)
    assert query == {"recipient_country": ["IT"], "as_of": [as_of.stamp(as_of.latest_change())]}
    assert csl["title"] == "Shipments to Italy"
    assert client.get(csl["URL"]).status_code == 200


def test_a_page_read_as_of_a_moment_cites_that_moment(client):
    published("2020-CN-IT-001")
    when = as_of.latest_change()
    published("2020-CN-IT-002")
    page = client.get("/shipments/", {"as_of": as_of.stamp(when)})
    _, _, [csl] = citation(page)
    assert parse_qs(urlsplit(csl["URL"]).query) == {"as_of": [as_of.stamp(when)]}
    detail = client.get("/shipments/2020-CN-IT-001/", {"as_of": as_of.stamp(when)})
    assert citation(detail)[2][0]["note"] == f"Data as of {as_of.stamp(when)}"


def test_bibtex_escapes_what_it_must():
    from datetime import UTC, date, datetime

    from django.test import RequestFactory

    from shipments.public.citation import cite

    request = RequestFactory().get("/shipments/", {"q": "50% & more"})
    moment = datetime(2020, 4, 1, tzinfo=UTC)
    result = cite(request, "Masks {50%} & gloves #1_a", moment, date(2026, 12, 4))
    assert r"title = {{Masks 50\% \& gloves \#1\_a}}" in result.bibtex
    assert "as_of=2020-04-01T00:00:00Z" in result.url
    assert "accessed 4 December 2026" in result.plain
