"""Server time of the pages whose templates cost the most: the list, the home page, a country.

    createdb -h 127.0.0.1 -U postgres aidtracker_jinja_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aidtracker_jinja_bench \\
        .venv/bin/python bench/templates.py [--shipments 20000] [--runs 30] [--passes 3]

It prepares the database as bench/run.py does (migrate, collectstatic, load
`generate_synthetic --shipments N` unless a set of that size is there), then
times each page through the Django test client in production settings, in
turns with /healthz. The machine is shared and noisy, so each figure is also
given as a ratio to /healthz timed in the same passes: compare ratios, not
milliseconds, between runs.

The home and country pages are kept whole in the cache (shipments.public.cache):
their page is dropped before each request, so that the time includes drawing
it, and their figures are added up once, so that it does not include the
seconds that takes (the figures change only with the data).
"""

import argparse
import functools
import os
import sys
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import largest_countries, prepare_data, setup_django, time_pages  # noqa: E402

LIST_QUERIES = ["", "recipient_country=IT", "q=mask", "category=masks&status=delivered"]
BASELINE = "/healthz"


def drop_cached_page(name):
    """Forget a page kept whole in the cache, keeping the figures it was drawn from."""
    from django.core.cache import cache

    from shipments.models import DataVersion

    cache.delete(f"public:{DataVersion.current()}:page:{name}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shipments", type=int, default=20_000)
    parser.add_argument("--items-per-shipment", type=int, default=5)
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page and pass")
    parser.add_argument("--passes", type=int, default=3, help="figures are medians over passes")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database, e.g. postgres://host/aidtracker_bench")
    setup_django(database_url)
    prepare_data(args.shipments, args.items_per_shipment)

    [country] = largest_countries(1)
    # Each path, and the name of the cached page behind it if there is one.
    pages = {f"/shipments/?{query}" if query else "/shipments/": None for query in LIST_QUERIES}
    pages.update(
        {
            "/": "home:map=received",
            f"/countries/{country}/": f"country:{country}:map=default",
            BASELINE: None,
        }
    )

    def before(path):
        if pages[path]:
            drop_cached_page(pages[path])

    from shipments.public import summaries

    with (
        mock.patch.object(summaries, "overview", functools.cache(summaries.overview)),
        mock.patch.object(summaries, "country_profile", functools.cache(summaries.country_profile)),
    ):
        results = time_pages(list(pages), args.runs, args.passes, before=before)

    base_p95, base_median, _ = results[BASELINE]
    print(f"\n{'median ms':>10} {'p95 ms':>8} {'median/base':>12} {'p95/base':>9} queries  page")
    for path, (p95, median, queries) in results.items():
        print(
            f"{median:10.2f} {p95:8.2f} {median / base_median:12.1f} {p95 / base_p95:9.1f}"
            f" {queries:7d}  {path}"
        )
    print(f"\nbase: {BASELINE}; {args.runs} requests a page in each of {args.passes} passes")


if __name__ == "__main__":
    main()
