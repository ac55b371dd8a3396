"""The home page: headline totals, categories, top countries, latest shipments, charts."""

from datetime import date

import pytest

from tests.factories import (
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    category,
)
from tests.pages import elements, hrefs, listed_references, title

pytestmark = pytest.mark.django_db


def test_home_lists_published_shipments_only(client):
    ShipmentFactory(reference="PUBLIC-1")
    ShipmentFactory(reference="DRAFT-1", is_published=False)
    response = client.get("/")
    assert response.status_code == 200
    assert listed_references(response) == ["PUBLIC-1"]
    assert b"DRAFT-1" not in response.content
    assert title(response) == "Medical aid for COVID-19 · AidTracker"


def test_home_shows_headline_totals_by_status(client):
    ShipmentFactory.create_batch(2, status="delivered", weight_kg=1000)
    ShipmentFactory(status="pledged", weight_kg=31000)
    content = client.get("/").content.decode()
    assert '<span class="figure">2</span> <span class="status status-delivered">' in content
    assert '<span class="figure">1</span> <span class="status status-pledged">' in content
    assert ">2,000<" in content
    assert ">31,000<" in content
    assert "33,000" not in content


def test_home_totals_by_category_keep_units_and_unknowns(client):
    ShipmentItemFactory(category=category("gloves"), unit="pairs", quantity=250_000)
    ShipmentItemFactory(category=category("gloves"), unit="boxes", quantity=10)
    ShipmentItemFactory(category=category("ventilators"), quantity=None, quantity_note="dozens")
    content = client.get("/").content.decode()
    assert ">250,000<" in content
    assert ">10<" in content
    assert "250,010" not in content
    assert "1 of 1" in content


def test_home_shows_top_countries_and_links_to_them(client):
    china = DonorFactory(country="CN")
    ShipmentFactory.create_batch(2, donors=[china], recipient=RecipientFactory(country="IT"))
    ShipmentFactory(donors=[china], recipient=RecipientFactory(country="BE"))
    links = hrefs(client.get("/"))
    assert "/shipments/?donor_country=CN" in links
    assert "/shipments/?recipient_country=IT" in links
    assert "/countries/BE/" in links


def test_home_lists_the_latest_shipments_newest_first(client):
    ShipmentFactory(reference="OLD", shipped_on=date(2020, 1, 1))
    ShipmentFactory(reference="NEW", shipped_on=date(2020, 3, 1))
    ShipmentFactory(reference="UNDATED", shipped_on=None)
    assert listed_references(client.get("/")) == ["NEW", "OLD", "UNDATED"]


def test_home_draws_its_charts_each_with_a_text_alternative(client):
    ShipmentItemFactory(shipment=ShipmentFactory(shipped_on=date(2020, 3, 16)))
    response = client.get("/")
    svgs = elements(response, "svg")
    # a quantity panel (one category, one unit), the timeline, and the top
    # donor and recipient countries; and the map (tests/public/test_map.py)
    assert len([svg for svg in svgs if "map-svg" not in svg["class"]]) == 4
    for svg in svgs:
        assert svg["role"] == "img"
        assert svg["aria-labelledby"]
    content = response.content.decode()
    assert "Supplies by category and status" in content
    assert "Timeline: shipments per day, by best-known date" in content
    assert "all 1 dated shipment on 2020-03-16" in content


def test_home_charts_leave_drafts_out(client):
    ShipmentItemFactory(shipment=ShipmentFactory(shipped_on=date(2020, 3, 16)))
    ShipmentItemFactory(
        category=category("medicines"),
        shipment=ShipmentFactory(
            is_published=False,
            shipped_on=date(2021, 6, 7),
            donors=[DonorFactory(country="JP")],
        ),
    )
    content = client.get("/").content.decode()
    assert "2021-06-07" not in content
    # Japan is on the map, but with no shipment, and in no chart.
    assert "Japan:" not in content
    assert "donor_country=JP" not in content
    assert "category=medicines" not in content


def test_home_with_nothing_published_says_so(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b"No published shipments yet." in response.content


def test_home_query_count_is_constant(client, django_assert_num_queries):
    def fetch():
        # the data version; as the data changed since the last visit: the
        # data version again (the whole list's totals, kept apart), status
        # totals, category totals, rejections by category, donor countries, recipient countries,
        # the span of best-known dates, shipments per period of them, latest
        # shipments (with recipients), their donors, their supply lines (with categories);
        # the emergencies of published shipments; the data version again (the
        # map's routes, kept apart), shipments per route
        with django_assert_num_queries(15):
            assert client.get("/").status_code == 200

    ShipmentItemFactory()
    fetch()
    for day in range(1, 20):
        ShipmentItemFactory(
            shipment=ShipmentFactory(
                shipped_on=date(2020, 3, day), donors=[DonorFactory(country="JP")]
            )
        )
    fetch()


def test_home_unchanged_since_the_last_visit_reads_only_the_data_version(
    client, django_assert_num_queries
):
    ShipmentItemFactory()
    first = client.get("/")
    # the data version; the figures come from the cache
    with django_assert_num_queries(1):
        again = client.get("/")
    assert again.content == first.content


# The emergency the home page names ------------------------------------------------


def test_home_names_the_only_emergency_of_the_data(client):
    ShipmentFactory()
    response = client.get("/")
    assert title(response) == "Medical aid for COVID-19 · AidTracker"
    content = response.content.decode()
    assert "<h1>Medical aid for COVID-19 across borders</h1>" in content
    assert (
        '<meta name="description" content="Cross-border aid shipments of medical supplies for '
        'COVID-19: who gave what to whom, with the sources.">'
    ) in content


def test_a_second_emergency_in_the_data_names_both(client):
    from shipments.models import Emergency

    ShipmentFactory()
    covid_page = client.get("/")
    assert title(covid_page) == "Medical aid for COVID-19 · AidTracker"
    ebola = Emergency.objects.create(
        name="Ebola in the DRC", glide="EP-2018-000129-COD", started_on=date(2018, 8, 1)
    )
    ShipmentFactory(emergency=ebola)
    response = client.get("/")
    assert title(response) == "Medical aid shipments · AidTracker"
    content = response.content.decode()
    assert "<h1>Medical aid shipments across borders</h1>" in content
    assert "Who gave what to whom in 2 emergencies, Ebola in the DRC and COVID-19: 2" in content
    assert "medical supplies for Ebola in the DRC and COVID-19: who gave" in content


def test_an_emergency_with_nothing_published_is_not_named(client):
    from shipments.models import Emergency

    ShipmentFactory()
    ebola = Emergency.objects.create(name="Ebola in the DRC", glide="EP-2018-000129-COD")
    ShipmentFactory(emergency=ebola, is_published=False)
    response = client.get("/")
    assert title(response) == "Medical aid for COVID-19 · AidTracker"
    assert b"Ebola" not in response.content


def test_before_anything_is_published_no_emergency_is_named(client, db):
    response = client.get("/")
    assert title(response) == "Medical aid shipments · AidTracker"
    assert b"COVID" not in response.content


def test_renaming_the_emergency_shows_on_the_next_visit(client):
    from shipments.models import Emergency

    ShipmentFactory()
    assert title(client.get("/")) == "Medical aid for COVID-19 · AidTracker"
    covid = Emergency.objects.get()
    covid.name = "Coronavirus disease 2019"
    covid.save()
    assert title(client.get("/")) == "Medical aid for Coronavirus disease 2019 · AidTracker"
