"""Build `world.json`, the country shapes of the public map, from Natural Earth.

Source: Natural Earth's Admin 0 countries, version 4.1.0, public domain
(https://www.naturalearthdata.com/about/terms-of-use/), as redistributed in
TopoJSON by the npm package `world-atlas` 2.0.2 (ISC licence): the shapes
from `countries-110m.json` (1:110m), and from `countries-50m.json` (1:50m)
only a point for each country too small for the 110m file (Singapore, Malta,
Hong Kong, ...), drawn as a dot.

Rebuild (the same input gives the same bytes):

    mkdir /tmp/atlas && npm install --prefix /tmp/atlas world-atlas@2.0.2
    python -m shipments.public.geodata.build_shapes /tmp/atlas/node_modules/world-atlas

This module decodes the TopoJSON itself, projects each arc with the Equal
Earth projection (equal-area, so a country's size on the map is its size on
the ground), simplifies the arcs (shared borders stay shared, since each arc
is simplified once for both its countries), rounds to a tenth of a unit, and
writes SVG path data. Antarctica is left out: no aid went there, and it
would take a fifth of the map's height.

Natural Earth names countries by ISO 3166-1 numeric code; the site uses
alpha-2 codes, converted through django-countries. Three shapes have no
numeric code: Northern Cyprus and Somaliland are drawn as part of Cyprus
(CY) and Somalia (SO), the countries ISO 3166 counts them in; Kosovo has no
ISO 3166 code the site knows, so it is drawn unlinked, under its own name.
"""

import itertools
import json
import math
import sys
from pathlib import Path

from django_countries.data import ALT_CODES

OUTPUT = Path(__file__).resolve().parent / "world.json"
SOURCE = (
    "Natural Earth Admin 0 countries 4.1.0 (public domain), 1:110m shapes and 1:50m points "
    "of small countries, from the npm package world-atlas 2.0.2"
)

WIDTH = 960
MARGIN = 4
# Simplification tolerance and the smallest island kept, in the map's units.
TOLERANCE = 0.6
SMALLEST_AREA = 1.0
DIGITS = 1

ANTARCTICA = "010"
# Shapes without a numeric code, drawn as part of the country ISO 3166 counts them in.
PART_OF = {"N. Cyprus": "CY", "Somaliland": "SO"}
# Where the European Union's marker stands (longitude, latitude): in the
# Atlantic off France, so that it covers no member's shape.
EU_MARKER = (-17.0, 46.0)

NUMERIC_TO_ALPHA2 = {f"{numeric:03d}": alpha2 for alpha2, (_, numeric) in ALT_CODES.items()}

# Equal Earth (Šavrič, Patterson and Jenny, 2018).
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2
# Half the projected width of the whole world, on the unit sphere.
HALF_WIDTH = math.pi / (M * A1)


def equal_earth(longitude, latitude):
    """(x, y) on the unit sphere for degrees; y grows northwards."""
    theta = math.asin(M * math.sin(math.radians(latitude)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = (
        math.radians(longitude)
        * math.cos(theta)
        / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    )
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


SCALE = (WIDTH - 2 * MARGIN) / (2 * HALF_WIDTH)


def project(longitude, latitude):
    """The point in map units, x from the left edge, y downwards from the equator."""
    x, y = equal_earth(longitude, latitude)
    return (x + HALF_WIDTH) * SCALE + MARGIN, -y * SCALE


def decode_arcs(topology):
    """Each arc as a list of (longitude, latitude), undoing the quantisation and deltas."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points = []
        x = y = 0
        for position in arc:
            if transform:
                x += position[0]
                y += position[1]
                (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((position[0], position[1]))
        arcs.append(points)
    return arcs


def _distance(point, start, end):
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    if not length:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def simplify(points, tolerance):
    """Douglas-Peucker: the points to keep, always the first and the last."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, index = 0.0, None
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > farthest:
                farthest, index = d, i
        if index is not None and farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def simplify_arc(points, tolerance):
    """A simplified arc; a closed one (an island) is split at its farthest point first."""
    if len(points) > 3 and points[0] == points[-1]:
        far = max(range(len(points)), key=lambda i: math.dist(points[0], points[i]))
        return simplify(points[: far + 1], tolerance) + simplify(points[far:], tolerance)[1:]
    return simplify(points, tolerance)


def _rounded(value):
    return round(value, DIGITS)


def split_at_antimeridian(arc):
    """An arc (longitude, latitude) cut where it crosses the 180th meridian: a list of chains.

    Natural Earth's rings cross it (Russia, Fiji) with a step from +180 to
    -180; each side's part ends on the meridian, where the drawing's edge is.
    """
    chains = [[arc[0]]]
    for (lon0, lat0), (lon1, lat1) in itertools.pairwise(arc):
        if abs(lon1 - lon0) > 180:
            edge = math.copysign(180, lon0)
            unwrapped = lon1 + 2 * edge
            share = (edge - lon0) / (unwrapped - lon0) if unwrapped != lon0 else 0
            latitude = lat0 + share * (lat1 - lat0)
            if abs(lon0) != 180:
                chains[-1].append((edge, latitude))
            chains.append([] if abs(lon1) == 180 else [(-edge, latitude)])
        chains[-1].append((lon1, lat1))
    return [chain for chain in chains if chain]


def projected_arcs(topology, tolerance):
    """Each arc projected and simplified, as its chains (one unless it crosses the 180th
    meridian)."""
    return [
        [
            simplify_arc([project(lon, lat) for lon, lat in chain], tolerance)
            for chain in split_at_antimeridian(arc)
        ]
        for arc in decode_arcs(topology)
    ]


def join_arcs(indexes, arcs):
    """A ring's chains from its arc indexes (~i is arc i reversed); arcs meet at shared ends."""
    chains = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else [chain[::-1] for chain in arcs[~index][::-1]]
        for number, chain in enumerate(arc):
            if chains and number == 0:
                chains[-1].extend(chain[1:])
            else:
                chains.append(list(chain))
    return chains


def _rounded_ring(points):
    ring = []
    for x, y in points:
        point = (_rounded(x), _rounded(y))
        if not ring or point != ring[-1]:
            ring.append(point)
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    return ring


def ring_points(indexes, arcs):
    """A ring's rounded points, without repeats or closing point: one ring, or two (the parts
    either side of the 180th meridian) for a ring that crosses it."""
    chains = join_arcs(indexes, arcs)
    if len(chains) == 1:
        return [_rounded_ring(chains[0])]
    sides = {True: [], False: []}
    for chain in chains:
        sides[sum(x for x, _ in chain) / len(chain) < WIDTH / 2].extend(chain)
    return [_rounded_ring(points) for points in sides.values() if points]


def area(ring):
    """The ring's area (shoelace), positive whatever its direction."""
    return abs(
        sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))
        / 2
    )


def centroid(ring):
    """The centre of mass of a ring; its mean point when it has no area."""
    twice_area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        twice_area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if not twice_area:
        return sum(x for x, _ in ring) / len(ring), sum(y for _, y in ring) / len(ring)
    return cx / (3 * twice_area), cy / (3 * twice_area)


def polygons(geometry):
    """A geometry's polygons, each a list of rings of arc indexes."""
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def _number(value):
    text = f"{value:.{DIGITS}f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        return "0"
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def _pair(dx, dy):
    first, second = _number(dx), _number(dy)
    return f"{first}{'' if second.startswith('-') else ' '}{second}"


def path_data(rings):
    """SVG path data for rings of rounded points: an absolute move, then relative lines."""
    parts = []
    for ring in rings:
        (x, y), rest = ring[0], ring[1:]
        steps = []
        for nx, ny in rest:
            steps.append(_pair(_rounded(nx - x), _rounded(ny - y)))
            x, y = nx, ny
        joined = "".join(step if step.startswith("-") else f" {step}" for step in steps).lstrip()
        parts.append(f"M{_pair(*ring[0])}l{joined}z")
    return "".join(parts)


def code_of(geometry):
    """The site's country code for a Natural Earth geometry, or None."""
    name = geometry.get("properties", {}).get("name", "")
    if name in PART_OF:
        return PART_OF[name]
    return NUMERIC_TO_ALPHA2.get(geometry.get("id", ""))


def _label(point):
    return {"x": _rounded(point[0]), "y": _rounded(point[1])}


def build(shapes_topology, points_topology=None, tolerance=TOLERANCE):
    """The map's data: shapes by country code, points for small countries, and the EU's marker.

    Coordinates are in map units (WIDTH wide), shifted so that the top of
    the northernmost shape is at MARGIN.
    """
    arcs = projected_arcs(shapes_topology, tolerance)
    rings_by_code, unassigned, labels = {}, [], {}
    for geometry in shapes_topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") == ANTARCTICA:
            continue
        rings = []
        for polygon in polygons(geometry):
            outers = [
                ring
                for ring in ring_points(polygon[0], arcs)
                if len(ring) > 2 and area(ring) >= SMALLEST_AREA
            ]
            if outers:
                rings += outers
                rings += [
                    r for holes in polygon[1:] for r in ring_points(holes, arcs) if len(r) > 2
                ]
        if not rings:
            continue
        code = code_of(geometry)
        if code is None:
            unassigned.append((geometry["properties"]["name"], rings))
        else:
            rings_by_code.setdefault(code, []).extend(rings)
    for code, rings in rings_by_code.items():
        labels[code] = centroid(max(rings, key=area))
    points = {}
    if points_topology is not None:
        # Small countries: a ring each is enough for a centre, whatever the meridian.
        point_arcs = [[arc] for arc in decode_arcs(points_topology)]
        for geometry in points_topology["objects"]["countries"]["geometries"]:
            code = code_of(geometry)
            if code is None or code in rings_by_code or geometry.get("id") == ANTARCTICA:
                continue
            outers = [
                [project(lon, lat) for lon, lat in join_arcs(polygon[0], point_arcs)[0]]
                for polygon in polygons(geometry)
            ]
            largest = max(outers, key=area, default=None)
            if largest:
                points[code] = centroid(largest)
    all_y = [y for rings in rings_by_code.values() for ring in rings for _, y in ring]
    all_y += [y for _, rings in unassigned for ring in rings for _, y in ring]
    top, bottom = min(all_y), max(all_y)
    shift = MARGIN - top

    def moved(ring):
        return [(x, _rounded(y + shift)) for x, y in ring]

    def moved_point(point):
        return _label((point[0], point[1] + shift))

    return {
        "source": SOURCE,
        "projection": "Equal Earth",
        "width": WIDTH,
        "height": math.ceil(bottom + shift + MARGIN),
        "shapes": [
            {"code": code, "d": path_data([moved(r) for r in rings_by_code[code]])}
            | moved_point(labels[code])
            for code in sorted(rings_by_code)
        ],
        "points": [{"code": code} | moved_point(points[code]) for code in sorted(points)],
        "unassigned": [
            {"name": name, "d": path_data([moved(r) for r in rings])}
            for name, rings in sorted(unassigned, key=lambda pair: pair[0])
        ],
        "markers": {"EU": moved_point(project(*EU_MARKER))},
    }


def dump(data):
    """The JSON text written to world.json: keys sorted, no spaces, one final newline."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def main(argv):
    if len(argv) != 2:
        sys.exit(
            f"usage: python -m shipments.public.geodata.build_shapes PATH_TO_WORLD_ATLAS\n{__doc__}"
        )
    folder = Path(argv[1])
    shapes = json.loads((folder / "countries-110m.json").read_text())
    points = json.loads((folder / "countries-50m.json").read_text())
    OUTPUT.write_text(dump(build(shapes, points)))
    print(f"Wrote {OUTPUT} ({OUTPUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main(sys.argv)
