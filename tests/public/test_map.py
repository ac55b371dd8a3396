"""The world map on the home and country pages: shading, flows, links, the table, the size."""

import itertools
import json
import re
from html.parser import HTMLParser

import pytest
from django_countries import countries

from shipments.models import Shipment
from shipments.public import maps
from shipments.public.geodata import build_shapes
from tests.factories import DonorFactory, RecipientFactory, ShipmentFactory

pytestmark = pytest.mark.django_db

# The page's figures are kept in the cache until the data changes; the map's
# JSON (geodata/world.json) is about 48 KB of the limit.
SIZE_LIMIT = 150_000


def ship(donor_country, recipient_country, count=1, published=True, donors=None):
    recipient = RecipientFactory(country=recipient_country)
    for _ in range(count):
        ShipmentFactory(
            donors=donors or [DonorFactory(country=donor_country)],
            recipient=recipient,
            is_published=published,
            origin_country=donor_country if donor_country not in (None, "EU") else "BE",
            destination_country=recipient_country,
        )


@pytest.fixture
def routes():
    """China gave Italy 3 shipments and Belgium 1; France gave Italy 1; the EU gave China 1."""
    ship("CN", "IT", 3)
    ship("CN", "BE")
    ship("FR", "IT")
    ship("EU", "CN")


def map_section(response):
    page = response.content.decode()
    found = re.search(r'<section class="world-map".*?</section>', page, re.S)
    assert found, "no map on the page"
    return found.group(0)


class _MapParser(HTMLParser):
    """The map's places (code -> shade, roles, tooltip), flows and table rows."""

    def __init__(self):
        super().__init__()
        self.places, self.flows, self.rows, self.switches = {}, [], {}, {}
        self._place = self._flow = self._row = None
        self._cell = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = attrs.get("class", "").split()
        if tag == "a" and {"map-country", "map-dot", "map-marker"} & set(classes):
            shade = next(int(c.rsplit("-", 1)[1]) for c in classes if c.startswith("map-shade-"))
            self._place = {
                "kind": classes[0],
                "shade": shade,
                "roles": {c for c in classes if c in ("map-focus", "map-partner")},
                "href": attrs["href"],
            }
            self.places[attrs["data-code"]] = self._place
        elif tag == "path" and "map-flow" in classes:
            self._flow = {"class": attrs["class"]}
            self.flows.append(self._flow)
        elif tag == "tr" and "data-code" in attrs:
            self._row = attrs["data-code"]
        elif tag == "td" and self._row:
            self._cell = ""
        elif tag == "a" and attrs.get("href", "").endswith("#map"):
            self.switches[attrs["href"]] = attrs.get("aria-current") == "true"
        self._text = ""

    def handle_data(self, data):
        self._text += data
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if tag == "title":
            if self._flow is not None:
                self._flow["title"] = self._text
            elif self._place is not None:
                self._place["title"] = self._text
        elif tag == "a" and self._place is not None and "title" in self._place:
            self._place = None
        elif tag == "path" and self._flow is not None:
            self._flow = None
        elif tag == "td" and self._row:
            self.rows[self._row] = int(self._cell.replace(",", ""))
            self._cell = self._row = None


def parse(response):
    parser = _MapParser()
    parser.feed(map_section(response))
    return parser


def shaded(parsed):
    return {code: place["shade"] for code, place in parsed.places.items() if place["shade"]}


def test_home_draws_the_map_with_a_text_alternative(client, routes):
    section = map_section(client.get("/"))
    svg = re.search(r"<svg [^>]*>", section).group(0)
    assert 'role="img"' in svg
    assert 'aria-labelledby="map-title map-desc"' in svg
    assert '<title id="map-title">Shipments received by country</title>' in section
    desc = re.search(r'<desc id="map-desc">(.*?)</desc>', section).group(1)
    assert "Most: Italy, with 4 shipments." in desc
    assert "The table beneath gives every figure." in desc
    # What the shading counts is said on the map.
    assert "Shipments, not quantities" in section


def test_every_country_on_the_map_links_to_its_page(client, routes):
    parsed = parse(client.get("/"))
    assert len(parsed.places) > 170
    for code, place in parsed.places.items():
        assert code in countries
        assert place["href"] == f"/countries/{code}/"
    assert client.get(parsed.places["IT"]["href"]).status_code == 200


def test_countries_are_shaded_by_what_they_received(client, routes):
    parsed = parse(client.get("/"))
    shades = shaded(parsed)
    assert set(shades) == {"IT", "BE", "CN"}
    assert shades["IT"] > shades["BE"] == shades["CN"]
    assert parsed.places["IT"]["title"] == "Italy: 4 shipments"
    assert parsed.places["FR"]["title"] == "France"


def test_countries_are_shaded_by_what_they_gave(client, routes):
    parsed = parse(client.get("/?map=given"))
    shades = shaded(parsed)
    assert set(shades) == {"CN", "FR", "EU"}
    assert shades["CN"] > shades["FR"]
    assert parsed.places["CN"]["title"] == "China: 4 shipments"
    assert "Shipments given by country" in map_section(client.get("/?map=given"))


@pytest.mark.parametrize("query", ["", "?map=received", "?map=given"])
def test_the_table_gives_the_shaded_figures(client, routes, query):
    parsed = parse(client.get(f"/{query}"))
    from_titles = {
        code: int(place["title"].split(": ")[1].split()[0])
        for code, place in parsed.places.items()
        if place["shade"]
    }
    assert parsed.rows == from_titles
    assert parsed.rows


def test_a_joint_donation_counts_once_for_each_donor_country(client):
    ship(None, "IT", donors=[DonorFactory(country="CN"), DonorFactory(country="JP")])
    ship(None, "IT", donors=[DonorFactory(country="CN"), DonorFactory(country="CN")])
    parsed = parse(client.get("/?map=given"))
    assert parsed.rows == {"CN": 2, "JP": 1}
    assert parse(client.get("/")).rows == {"IT": 2}


def test_the_switch_links_to_both_modes_and_marks_the_current_one(client, routes):
    assert parse(client.get("/")).switches == {
        "/?map=received#map": True,
        "/?map=given#map": False,
    }
    assert parse(client.get("/?map=given")).switches == {
        "/?map=received#map": False,
        "/?map=given#map": True,
    }
    assert parse(client.get("/countries/IT/")).switches == {
        "/countries/IT/?map=received#map": True,
        "/countries/IT/?map=given#map": False,
    }


@pytest.mark.parametrize("path", ["/", "/countries/IT/"])
@pytest.mark.parametrize("value", ["bogus", "", "RECEIVED", "<script>"])
def test_an_unknown_mode_is_a_bad_request_that_says_why(client, routes, path, value):
    response = client.get(path, {"map": value})
    assert response.status_code == 400
    content = response.content.decode()
    assert "use ?map=received or ?map=given" in content
    assert "<script>" not in content


def test_the_european_union_is_a_marker_not_a_shape(client, routes):
    response = client.get("/?map=given")
    parsed = parse(response)
    assert parsed.places["EU"]["kind"] == "map-marker"
    assert parsed.places["EU"]["href"] == "/countries/EU/"
    assert parsed.places["EU"]["shade"] > 0
    assert "European Union to China: 1 shipment" in [flow["title"] for flow in parsed.flows]
    marker = re.search(r'data-code="EU">.*?</a>', map_section(response)).group(0)
    assert "<circle" in marker and "<path" not in marker


def test_the_heaviest_flows_are_drawn_from_donor_to_recipient(client, routes):
    parsed = parse(client.get("/"))
    titles = [flow["title"] for flow in parsed.flows]
    # Drawn lightest first, so that the heaviest is on top.
    assert titles[-1] == "China to Italy: 3 shipments"
    assert sorted(titles) == [
        "China to Belgium: 1 shipment",
        "China to Italy: 3 shipments",
        "European Union to China: 1 shipment",
        "France to Italy: 1 shipment",
    ]
    assert parsed.flows[-1]["class"] == "map-flow map-flow-5"
    assert parsed.flows[0]["class"] == "map-flow map-flow-2"


def test_only_the_heaviest_flows_are_drawn(client):
    codes = ["DE", "FR", "ES", "PT", "NL", "BE", "AT", "PL", "SE", "DK", "FI", "NO", "IE", "GR"]
    for number, code in enumerate(codes):
        ship("CN", code, count=1 + (number == 0))
    parsed = parse(client.get("/"))
    assert len(parsed.flows) == maps.TOP_FLOWS
    assert parsed.flows[-1]["title"] == "China to Germany: 2 shipments"
    assert f"The {maps.TOP_FLOWS} heaviest of {len(codes)} flows" in map_section(client.get("/"))
    # The table still gives every country.
    assert len(parsed.rows) == len(codes)


def test_a_country_page_highlights_the_country_and_its_partners(client, routes):
    parsed = parse(client.get("/countries/IT/"))
    assert parsed.places["IT"]["roles"] == {"map-focus"}
    assert parsed.places["CN"]["roles"] == {"map-partner"}
    assert parsed.places["FR"]["roles"] == {"map-partner"}
    assert parsed.places["BE"]["roles"] == set()
    assert parsed.rows == {"CN": 3, "FR": 1}
    assert shaded(parsed).keys() == {"CN", "FR"}
    # Only Italy's flows.
    assert sorted(flow["title"] for flow in parsed.flows) == [
        "China to Italy: 3 shipments",
        "France to Italy: 1 shipment",
    ]
    assert "Shipments Italy received, by donor country" in map_section(client.get("/countries/IT/"))


def test_a_country_page_shows_what_it_gave(client, routes):
    parsed = parse(client.get("/countries/CN/?map=given"))
    assert parsed.places["CN"]["roles"] == {"map-focus"}
    assert parsed.rows == {"IT": 3, "BE": 1}
    assert sorted(flow["title"] for flow in parsed.flows) == [
        "China to Belgium: 1 shipment",
        "China to Italy: 3 shipments",
    ]


def test_a_country_that_only_gave_shows_what_it_gave_first(client, routes):
    section = map_section(client.get("/countries/FR/"))
    assert "Shipments France gave, by recipient country" in section
    # China received one shipment (from the EU): its page starts with that.
    assert "Shipments China received" in map_section(client.get("/countries/CN/"))


def test_small_countries_are_dots_where_they_have_shipments(client):
    ship("SG", "IT")
    parsed = parse(client.get("/?map=given"))
    assert parsed.places["SG"]["kind"] == "map-dot"
    assert parsed.rows == {"SG": 1}
    # Dots without shipments are left out: they would hide their neighbours.
    assert "MT" not in parsed.places


def test_nothing_unpublished_is_counted(client, routes):
    ship("JP", "IT", count=5, published=False)
    ship("JP", "KR", published=False)
    for path in ["/", "/?map=given", "/countries/IT/", "/countries/JP/?map=given"]:
        parsed = parse(client.get(path))
        assert "JP" not in parsed.rows and "KR" not in parsed.rows, path
        assert not any("Japan" in flow["title"] for flow in parsed.flows), path
    assert parse(client.get("/")).rows["IT"] == 4
    assert parse(client.get("/countries/JP/?map=given")).rows == {}


def test_route_counts_agree_with_the_country_counts(routes):
    ship(None, "IT", donors=[DonorFactory(country="CN"), DonorFactory(country="FR")])
    shipments = Shipment.objects.published()
    rows = shipments.count_by_route()
    given = {row["country"]: row["shipments"] for row in shipments.count_by_donor_country()}
    received = {row["country"]: row["shipments"] for row in shipments.count_by_recipient_country()}
    assert dict(maps.country_counts(rows, maps.GIVEN)) == given
    assert dict(maps.country_counts(rows, maps.RECEIVED)) == received


def test_the_map_keeps_each_mode_in_the_cache_apart(client, routes, django_assert_num_queries):
    received = client.get("/").content
    given = client.get("/?map=given").content
    assert received != given
    # the data version; the page comes from the cache
    with django_assert_num_queries(1):
        assert client.get("/?map=given").content == given


@pytest.mark.parametrize("path", ["/", "/?map=given", "/countries/IT/", "/countries/CN/?map=given"])
def test_the_map_adds_under_150_kb_to_a_page(client, path):
    # Shipments between many countries, so that every shape is shaded and titled.
    codes = [shape["code"] for shape in maps.world()["shapes"]][:60]
    for number, code in enumerate(codes):
        ship(code, codes[(number + 1) % len(codes)] if code != "IT" else "CN")
        ship("CN" if code != "CN" else "IT", code)
        ship(code, "IT" if code != "IT" else "CN")
    section = map_section(client.get(path)).encode()
    assert 60_000 < len(section) < SIZE_LIMIT


def test_the_map_is_drawn_without_inline_style_or_script(client, routes):
    response = client.get("/")
    section = map_section(response)
    assert "style=" not in section
    assert "<script" not in section
    # Colours and widths come from classes, under a policy without 'unsafe-inline'.
    assert "fill=" not in section and "stroke" not in section
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "style-src 'self'" in policy


# The shapes and the script that builds them.


def test_world_json_holds_a_shape_or_point_for_every_country_code_it_names():
    world = maps.world()
    assert world["projection"] == "Equal Earth"
    assert "Natural Earth" in world["source"]
    codes = [shape["code"] for shape in world["shapes"]]
    assert codes == sorted(set(codes))
    assert len(codes) > 170
    assert all(code in countries for code in codes)
    assert {"IT", "CN", "US", "CY", "SO"} <= set(codes)
    assert "AQ" not in codes
    points = [point["code"] for point in world["points"]]
    assert {"SG", "MT", "HK"} <= set(points)
    assert not set(points) & set(codes)
    assert [shape["name"] for shape in world["unassigned"]] == ["Kosovo"]
    assert set(world["markers"]) == {"EU"}
    for shape in world["shapes"]:
        assert re.fullmatch(r"(M[-\d. ]+l[-\d. ]+z)+", shape["d"]), shape["code"]
        assert 0 <= shape["x"] <= world["width"] and 0 <= shape["y"] <= world["height"]
    assert len(build_shapes.OUTPUT.read_bytes()) < 60_000


def _tiny_topology():
    """Italy as a square, Northern Cyprus, Antarctica, and Fiji across the 180th meridian, in
    quantised TopoJSON with delta-encoded arcs."""
    scale = 0.01

    def arc(*points):
        quantised = [(round((x + 180) / scale), round((y + 90) / scale)) for x, y in points]
        deltas = [quantised[0]]
        deltas += [(b[0] - a[0], b[1] - a[1]) for a, b in itertools.pairwise(quantised)]
        return [list(delta) for delta in deltas]

    return {
        "type": "Topology",
        "transform": {"scale": [scale, scale], "translate": [-180, -90]},
        "arcs": [
            arc((10, 40), (15, 40), (15, 45), (10, 45), (10, 40)),
            arc((33, 35), (34, 35), (34, 36), (33, 35)),
            arc((-170, -80), (170, -80), (170, -85), (-170, -80)),
            arc((178, -16), (-178, -16), (-178, -18), (178, -18), (178, -16)),
        ],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0]], "id": "380", "properties": {}},
                    {"type": "Polygon", "arcs": [[1]], "properties": {"name": "N. Cyprus"}},
                    {"type": "Polygon", "arcs": [[2]], "id": "010", "properties": {}},
                    {"type": "Polygon", "arcs": [[3]], "id": "242", "properties": {}},
                ],
            }
        },
    }


def test_the_build_script_gives_the_same_bytes_for_the_same_input():
    topology = _tiny_topology()
    first = build_shapes.dump(build_shapes.build(topology))
    second = build_shapes.dump(build_shapes.build(json.loads(json.dumps(topology))))
    assert first == second
    assert first.endswith("}\n")
    data = json.loads(first)
    # Antarctica is left out; Northern Cyprus is drawn as part of Cyprus.
    assert [shape["code"] for shape in data["shapes"]] == ["CY", "FJ", "IT"]
    fiji = next(shape for shape in data["shapes"] if shape["code"] == "FJ")
    # Cut at the 180th meridian into a ring each side, not one ring across the map.
    assert fiji["d"].count("M") == 2
    italy = next(shape for shape in data["shapes"] if shape["code"] == "IT")
    assert italy["d"].count("M") == 1
    xs = [build_shapes.project(lon, 0)[0] for lon in (10, 15)]
    assert xs[0] < italy["x"] < xs[1]
