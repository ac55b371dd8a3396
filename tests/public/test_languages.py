"""The public pages in English, Italian and Simplified Chinese: the language is in the
address, English at the unprefixed ones; the files for programs have one address each and
the same bytes whatever the reader's language."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.test import Client
from django.utils import translation

from shipments.public.jinja2 import figure
from tests.factories import ShipmentFactory, ShipmentItemFactory, SourceFactory
from tests.pages import nav_links

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture
def shipment():
    shipment = ShipmentFactory(reference="REF-1")
    ShipmentItemFactory(shipment=shipment)
    SourceFactory(shipment=shipment)
    return shipment


def switcher(response):
    """The language switcher's links: {language code: address}."""
    return {link.get("hreflang"): link.get("href") for link in nav_links(response, "languages")}


@pytest.mark.parametrize(
    ("address", "language", "nav_label"),
    [
        ("/shipments/", "en", "Shipments"),
        ("/it/shipments/", "it", "Spedizioni"),
        ("/zh-hans/shipments/", "zh-hans", "货运"),
        ("/zh-hans/countries/IT/", "zh-hans", "货运"),
        ("/it/shipments/REF-1/", "it", "Spedizioni"),
        ("/it/", "it", "Spedizioni"),
    ],
)
def test_the_address_says_the_language(client, shipment, address, language, nav_label):
    response = client.get(address)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    assert nav_label in [link["text"] for link in nav_links(response, "site-nav")]


def test_english_has_no_prefix_of_its_own(client, shipment):
    assert client.get("/en/shipments/").status_code == 404


def test_links_stay_in_the_page_language(client, shipment):
    response = client.get("/it/shipments/")
    hrefs = [link["href"] for link in nav_links(response, "site-nav")]
    assert hrefs == [
        "/it/",
        "/it/shipments/",
        "/it/countries/",
        "/it/donors/",
        "/it/recipients/",
        "/it/about/data/",
    ]
    assert "/it/shipments/REF-1/" in response.content.decode()


@pytest.mark.parametrize(
    "address",
    [
        "/shipments/?status=delivered&sort=-shipped_on",
        "/it/shipments/?status=delivered&sort=-shipped_on",
    ],
)
def test_the_switcher_keeps_the_path_and_the_query(client, shipment, address):
    links = switcher(client.get(address))
    query = "?status=delivered&sort=-shipped_on"
    assert links == {
        "en": f"/shipments/{query}",
        "it": f"/it/shipments/{query}",
        "zh-hans": f"/zh-hans/shipments/{query}",
    }


def test_the_switcher_marks_the_current_language(client, shipment):
    response = client.get("/zh-hans/countries/IT/")
    current = [link for link in nav_links(response, "languages") if "aria-current" in link]
    assert [link["hreflang"] for link in current] == ["zh-hans"]
    assert switcher(response)["en"] == "/countries/IT/"


def test_a_shared_page_has_each_readers_own_switcher(client, shipment):
    """The home page is rendered once for everybody (shipments/public/cache.py); the
    switcher's query is the reader's own, never the first reader's."""
    assert switcher(client.get("/?map=given"))["it"] == "/it/?map=given"
    assert switcher(client.get("/"))["it"] == "/it/"
    assert switcher(client.get("/?map=given&ref=x"))["it"] == "/it/?map=given&ref=x"


def test_a_shared_page_is_kept_once_per_language(client, shipment):
    english = client.get("/countries/IT/").content.decode()
    italian = client.get("/it/countries/IT/").content.decode()
    assert '<html lang="en">' in english
    assert '<html lang="it">' in italian


def test_a_page_not_found_offers_each_languages_home(client):
    response = client.get("/it/no-such-page/")
    assert response.status_code == 404
    assert switcher(response) == {"en": "/", "it": "/it/", "zh-hans": "/zh-hans/"}


# The reader's browser chooses the language of a first visit to `/`, and only that.


@pytest.mark.parametrize(
    ("accept", "home"),
    [("it-IT,it;q=0.9,en;q=0.5", "/it/"), ("zh-CN,zh;q=0.9", "/zh-hans/"), ("zh", "/zh-hans/")],
)
def test_a_first_visit_to_the_home_page_follows_the_browser(accept, home):
    response = Client(headers={"accept-language": accept}).get("/")
    assert response.status_code == 302
    assert response["Location"] == home
    assert response.cookies[COOKIE].value == home.strip("/")
    assert {"accept-language", "cookie"} <= {
        name.strip().lower() for name in response["Vary"].split(",")
    }


@pytest.mark.parametrize("accept", ["en-GB,en;q=0.9", "de-DE,de;q=0.9", ""])
def test_a_browser_in_english_or_another_language_stays_on_the_english_home_page(db, accept):
    response = Client(headers={"accept-language": accept}).get("/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_after_the_first_visit_the_home_page_is_english(db):
    browser = Client(headers={"accept-language": "it"})
    assert browser.get("/").status_code == 302
    response = browser.get("/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_the_browser_does_not_choose_the_language_of_other_pages(shipment):
    response = Client(headers={"accept-language": "it"}).get("/shipments/REF-1/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


# Files for programs: locale-neutral, one address each.

FILES = [
    "/shipments.csv",
    "/items.csv",
    "/shipments.json",
    "/datapackage.json",
    "/openapi.json",
    "/shipments.atom",
]


@pytest.mark.parametrize("address", FILES)
def test_files_are_the_same_bytes_in_every_language(shipment, address):
    english = b"".join(Client().get(address))
    for language in ["it", "zh-hans"]:
        browser = Client(headers={"accept-language": language})
        browser.cookies[COOKIE] = language
        response = browser.get(address)
        assert response.status_code == 200
        assert b"".join(response) == english


@pytest.mark.parametrize("address", FILES)
def test_files_have_no_language_prefix(client, shipment, address):
    assert client.get(f"/it{address}").status_code == 404


# The staff admin is in the staff member's language.


@pytest.mark.parametrize(
    ("accept", "sign_in"), [("it", "Accedi"), ("zh-hans", "登录"), ("en", "Log in")]
)
def test_the_admin_follows_the_browser(db, accept, sign_in):
    response = Client(headers={"accept-language": accept}).get("/admin/login/")
    assert response.status_code == 200
    assert sign_in in response.content.decode()


# The pages whose text is translated read in the page's language.


@pytest.mark.parametrize(
    ("address", "title", "heading"),
    [
        ("/it/countries/", "Paesi · AidTracker", "Paesi"),
        ("/zh-hans/countries/", "国家和地区 · AidTracker", "国家和地区"),
        ("/it/no-such-page/", "Pagina non trovata · AidTracker", "Pagina non trovata"),
        ("/zh-hans/no-such-page/", "找不到页面 · AidTracker", "找不到页面"),
    ],
)
def test_translated_pages_read_in_their_language(client, shipment, address, title, heading):
    content = client.get(address).content.decode()
    assert f"<title>{title}</title>" in content
    assert f"<h1>{heading}</h1>" in content


def test_the_pages_links_in_a_translated_page_stay_in_its_language(client, shipment):
    content = client.get("/it/no-such-page/").content.decode()
    assert '<a href="/it/countries/IT/">/it/countries/IT/</a>' in content
    assert '<a href="/it/">Vai alla panoramica</a>' in content


def test_a_shipment_is_named_in_the_page_language(client, shipment):
    shipment.destination_country = "IT"
    shipment.save()
    italian = client.get("/it/shipments/REF-1/").content.decode()
    chinese = client.get("/zh-hans/shipments/REF-1/").content.decode()
    assert ", destinazione Italia" in italian
    assert " 援助意大利" in chinese


def test_a_partys_shipments_table_reads_in_the_page_language(client, shipment):
    donor = shipment.donors.get()
    content = client.get(f"/zh-hans/donors/{donor.slug}/").content.decode()
    assert '<th scope="col">编号</th>' in content
    assert "1 批已发布的货运" in content
    assert 'data-label="物资"' in content
    assert 'title="从中国到' in content


@pytest.mark.parametrize(
    ("address", "heading", "count"),
    [("/it/donors/", "Donatori", "1 donatore"), ("/zh-hans/recipients/", "受援方", "1 个受援方")],
)
def test_the_party_indexes_read_in_the_page_language(client, shipment, address, heading, count):
    content = client.get(address).content.decode()
    assert f"<h1>{heading}</h1>" in content
    assert count in content


def test_a_party_index_error_reads_in_the_page_language(client, shipment):
    response = client.get("/it/donors/?country=Italy")
    assert response.status_code == 400
    assert "Indica il paese con il suo codice ISO di due lettere" in response.content.decode()


def test_labels_read_in_the_page_language(client, shipment):
    """Statuses, verification badges and kinds of party come in the page's language; the
    files keep their codes (test_files_are_the_same_bytes_in_every_language)."""
    shipment.status = "delivered"
    shipment.verification = "media_reported"
    shipment.save()
    donor = shipment.donors.get()
    italian = client.get(f"/it/donors/{donor.slug}/").content.decode()
    chinese = client.get(f"/zh-hans/donors/{donor.slug}/").content.decode()
    assert 'status-delivered">Consegnata</span>' in italian
    assert '<span class="visually-hidden">Verifica: </span>Riportata dai media' in italian
    assert 'status-delivered">已交付</span>' in chinese
    english = client.get(f"/donors/{donor.slug}/").content.decode()
    assert 'status-delivered">Delivered</span>' in english
    assert '<span class="visually-hidden">Verification: </span>Media-reported' in english


@pytest.mark.parametrize(
    ("language", "whole", "fraction"),
    [
        ("en", "1,234,567", "1,234.5"),
        ("it", "1.234.567", "1.234,5"),
        ("zh-hans", "1,234,567", "1,234.5"),
    ],
)
def test_figures_are_written_the_languages_way(language, whole, fraction):
    """The tables' figures and the counts (intcomma) group thousands alike."""
    with translation.override(language):
        assert figure(Decimal("1234567"), 1) == whole
        assert figure(Decimal("1234.5"), 1) == fraction
        assert intcomma(1234567) == whole


def test_a_country_page_reads_in_the_page_language(client, shipment):
    italian = client.get("/it/countries/IT/").content.decode()
    chinese = client.get("/zh-hans/countries/IT/").content.decode()
    assert "Italia: aiuti ricevuti</h2>" in italian
    assert "Spedizioni ricevute, per paese donatore" in italian
    assert "意大利收到的物资</h2>" in chinese
    assert "收到 1 批已发布的货运,捐出 0 批。" in chinese


def test_the_admin_names_itself_in_the_staff_members_language(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "it"
    content = admin_client.get("/admin/").content.decode()
    assert "AidTracker: area staff" in content
    assert "Spedizioni, parti e fonti" in content
