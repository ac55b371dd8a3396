"""The benchmark suite: public pages, the CSV export and load, on a large synthetic data set.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aidtracker_bench \\
        .venv/bin/python bench/run.py [--shipments 1000000] [--runs 20]

It migrates the database, loads `generate_synthetic --shipments N` unless a
synthetic set of that size is already there, then measures:

- the server time of `/shipments/` under a fixed set of filter combinations,
  of the largest country pages and of the home page (p95 of `--runs`
  requests each through the Django test client, in production settings,
  the median over `--passes` passes), and the most queries any page makes;
- the full `/items.csv` download against psql's COPY of the same query
  (bench/export.py), and the peak memory of the worker that served it;
- the same list pages, and shipment pages, as they stood on a past day (`as_of`), rebuilt
  from the change history, and the full `/items.csv` as of the latest change against the
  same COPY;
- requests per second of a filtered list page and of `/healthz` under
  gunicorn with 2 workers on loopback, driven by wrk.

It prints a table of every figure against its target and writes
bench/results.json. Noisy figures are medians of several runs.
"""

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.server import gunicorn, production_env  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"

# The list under the filters a reader combines most, and the costly corners:
# a page deep into the unfiltered list, a sort on a sparse column, text search.
LIST_QUERIES = [
    "",
    "recipient_country=IT",
    "donor_country=CN&category=masks",
    "shipped_after=2020-03-01&shipped_before=2020-03-31",
    "q=ventilator",
    "q=mermi",
    "status=delivered",
    "sort=-value_usd",
    "page=1000",
    "recipient_country=ES&status=delivered&sort=-value_usd",
    "donor_country=US&recipient_country=IT&shipped_after=2020-01-01&shipped_before=2020-12-31",
    "category=ventilators&status=pledged&sort=-weight_kg",
    "donor_kind=foundation&category=gloves&shipped_after=2021-01-01",
    "q=hospital&recipient_country=BR&status=dispatched,delivered",
    "arrived_after=2020-03-01&arrived_before=2020-03-31",
    "recipient_country=IT&sort=-arrived_on",
]
# The list as it stood on a day the synthetic history is halfway through (it records
# each shipment as reported, through 2020 and 2021), under the same filters.
AS_OF = "2021-01-01"
# The list pages read as of it: fewer runs, being slower by design.
AS_OF_RUNS_SHARE = 0.5

# The page wrk loads: a filtered list, as a reader arriving from a country page sees it.
LOAD_PATH = "/shipments/?recipient_country=ES&status=delivered"
LARGEST_COUNTRIES = 3

# name: (target, "max" if the figure must stay at or below it, "min" if at or above)
TARGETS = {
    "list_p95_ms": (100, "max"),
    "list_queries": (10, "max"),
    "country_p95_ms": (100, "max"),
    "home_p95_ms": (50, "max"),
    "csv_vs_copy": (0.5, "min"),
    "csv_peak_rss_mb": (150, "max"),
    "as_of_list_p95_ms": (500, "max"),
    "as_of_page_p95_ms": (500, "max"),
    "as_of_csv_vs_copy": (0.3, "min"),
}


def setup_django(database_url):
    """Load the application as gunicorn does (aidtracker.wsgi), in production settings."""
    os.environ.update(production_env(database_url))
    os.environ["DJANGO_SETTINGS_MODULE"] = "aidtracker.settings"
    import aidtracker.wsgi  # noqa: F401


def prepare_data(shipments, items_per_shipment):
    """Migrate, and load the synthetic set unless one of this size is already there."""
    from django.core.management import call_command
    from django.db import connection

    from shipments.synthetic.loader import synthetic_data_counts

    call_command("migrate", verbosity=0)
    # As a deployment does: production settings serve hashed static names.
    call_command("collectstatic", interactive=False, verbosity=0)
    present = synthetic_data_counts()["shipments"]
    if present != shipments:
        print(f"Loading {shipments:,} synthetic shipments (found {present:,})...")
        call_command(
            "generate_synthetic",
            shipments=shipments,
            items_per_shipment=items_per_shipment,
            replace=present > 0,
        )
    # After a bulk load the visibility map is empty until autovacuum comes
    # by; index-only scans need it. A no-op when nothing changed since.
    with connection.cursor() as cursor:
        for table in [
            "shipments_shipment",
            "shipments_shipmentitem",
            "shipments_shipment_donors",
            "donors_donor",
            "donors_recipient",
            # Read by the pages as of a past moment.
            "shipments_historicalshipment",
            "shipments_historicalshipmentitem",
            "shipments_historicalshipment_donors",
            "shipments_historicalsource",
        ]:
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def percentile(samples, share):
    """Nearest-rank percentile: the smallest sample at or above `share` of them."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def time_pages(paths, runs, passes, before=None):
    """{path: (p95 ms, median ms, most queries)}: the median over `passes` of the p95 of
    `runs` requests each, after a warm-up. `before(path)`, if given, runs before each
    request, untimed.

    The paths take turns, so a burst of noise on the shared machine spreads
    over all of them rather than spoiling one; the median over passes keeps
    one noisy pass from deciding the figure.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    queries = dict.fromkeys(paths, 0)
    for path in paths:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    p95s, medians = {path: [] for path in paths}, {path: [] for path in paths}
    for _ in range(passes):
        timings = {path: [] for path in paths}
        for _ in range(runs):
            for path in paths:
                if before:
                    before(path)
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    client.get(path)
                    timings[path].append((time.perf_counter() - started) * 1000)
                queries[path] = max(queries[path], len(captured))
        for path, samples in timings.items():
            p95s[path].append(percentile(samples, 0.95))
            medians[path].append(statistics.median(samples))
    return {
        path: (statistics.median(p95s[path]), statistics.median(medians[path]), queries[path])
        for path in paths
    }


def largest_countries(count):
    """The countries that gave or received the most published shipments, largest first."""
    from shipments.models import Shipment

    published = Shipment.objects.published()
    totals = {}
    for rows in (published.count_by_donor_country(), published.count_by_recipient_country()):
        for row in rows:
            totals[row["country"]] = totals.get(row["country"], 0) + row["shipments"]
    return sorted(totals, key=totals.get, reverse=True)[:count]


def wrk(url, seconds, connections):
    output = subprocess.run(
        ["wrk", "--threads", "2", "--connections", str(connections), "--duration", f"{seconds}s",
         "--timeout", "30s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout  # fmt: skip
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses under load")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def measure_load(database_url, runs, seconds, connections):
    """Requests per second of a filtered list page and of /healthz, under gunicorn -w 2."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed for the load figures: apt-get install -y wrk")
    with gunicorn(database_url, workers=2) as (base_url, _):
        for path in (LOAD_PATH, "/healthz"):
            wrk(base_url + path, 2, connections)  # warm both workers
        rps_list, rps_trivial = [], []
        for _ in range(runs):
            rps_list.append(wrk(base_url + LOAD_PATH, seconds, connections))
            rps_trivial.append(wrk(base_url + "/healthz", seconds, connections))
    list_rate, trivial_rate = statistics.median(rps_list), statistics.median(rps_trivial)
    return {
        "rps_list": round(list_rate, 1),
        "rps_trivial": round(trivial_rate, 1),
        "rps_ratio": round(list_rate / trivial_rate, 3),
    }


def as_of_references(count=3):
    """References of shipments published as of AS_OF, some changed since."""
    from shipments import as_of
    from shipments.models import Shipment

    with as_of.reading_as_of(as_of.parse(AS_OF)):
        published = Shipment.objects.published().order_by("-shipped_on", "reference")
        return list(published.values_list("reference", flat=True)[:count])


def verdict(name, value):
    if name not in TARGETS:
        return "", ""
    target, sense = TARGETS[name]
    met = value <= target if sense == "max" else value >= target
    return f"{'<=' if sense == 'max' else '>='} {target}", "met" if met else "NOT MET"


def print_table(results):
    print(f"\n{'figure':<18} {'value':>12}  {'target':<8}  ")
    for name, value in results["figures"].items():
        target, met = verdict(name, value)
        shown = f"{value:,}" if isinstance(value, int) else f"{value:,.3f}".rstrip("0").rstrip(".")
        print(f"{name:<18} {shown:>12}  {target:<8}  {met}")
    print("\nper page (p95 ms, median ms, queries):")
    for path, (p95, median, queries) in results["pages"].items():
        print(f"  {p95:8.1f} {median:8.1f} {queries:3d}  {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shipments", type=int, default=1_000_000)
    parser.add_argument("--items-per-shipment", type=int, default=5)
    parser.add_argument("--runs", type=int, default=20, help="timed requests per page and pass")
    parser.add_argument("--passes", type=int, default=3, help="p95 is the median over passes")
    parser.add_argument("--export-runs", type=int, default=3)
    parser.add_argument("--load-runs", type=int, default=3)
    parser.add_argument("--load-seconds", type=int, default=10)
    parser.add_argument("--load-connections", type=int, default=4)
    parser.add_argument(
        "--skip", action="append", default=[], choices=["pages", "as_of", "export", "load"]
    )
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database, e.g. postgres://host/aidtracker_bench")
    setup_django(database_url)
    prepare_data(args.shipments, args.items_per_shipment)

    from shipments.models import Shipment, ShipmentItem

    figures, pages = {}, {}
    if "pages" not in args.skip:
        countries = [f"/countries/{code}/" for code in largest_countries(LARGEST_COUNTRIES)]
        lists = [f"/shipments/?{query}" if query else "/shipments/" for query in LIST_QUERIES]
        pages = time_pages([*lists, *countries, "/"], args.runs, args.passes)
        figures["list_p95_ms"] = round(max(pages[path][0] for path in lists), 1)
        figures["list_queries"] = max(pages[path][2] for path in lists)
        figures["country_p95_ms"] = round(max(pages[path][0] for path in countries), 1)
        figures["home_p95_ms"] = round(pages["/"][0], 1)
    if "as_of" not in args.skip:
        lists = [f"/shipments/?as_of={AS_OF}&{query}".rstrip("&") for query in LIST_QUERIES]
        details = [f"/shipments/{reference}/?as_of={AS_OF}" for reference in as_of_references()]
        runs = max(5, round(args.runs * AS_OF_RUNS_SHARE))
        as_of_pages = time_pages([*lists, *details], runs, args.passes)
        pages.update(as_of_pages)
        figures["as_of_list_p95_ms"] = round(max(as_of_pages[path][0] for path in lists), 1)
        figures["as_of_page_p95_ms"] = round(max(as_of_pages[path][0] for path in details), 1)
    if "export" not in args.skip:
        from bench.export import measure

        export = measure(database_url, args.export_runs, as_of="as_of" not in args.skip)
        figures.update({name: value for name, value in export.items() if name != "rows"})
    if "load" not in args.skip:
        figures.update(
            measure_load(database_url, args.load_runs, args.load_seconds, args.load_connections)
        )
    results = {
        "data_set": {
            "shipments": Shipment.objects.count(),
            "published_shipments": Shipment.objects.published().count(),
            "items": ShipmentItem.objects.count(),
        },
        "settings": vars(args),
        "figures": figures,
        "targets": {name: {"target": t, "sense": s} for name, (t, s) in TARGETS.items()},
        "pages": {path: list(values) for path, values in pages.items()},
    }
    print_table(results)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
