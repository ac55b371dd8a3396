"""Benchmark the full /items.csv download against PostgreSQL's own COPY of the same query,
and the same file as of the latest change, rebuilt from the change history (as_of).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aidtracker_bench \
        .venv/bin/python bench/export.py [--runs 3] [--min-items 1000000]

The data set must already be loaded (python manage.py generate_synthetic
--shipments 200000 at least). Prints rows per second for both, their ratio
and the peak resident memory of the gunicorn worker that served the export.
Both figures are medians of several runs in the same process, because the
machine is shared and noisy.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import gunicorn, peak_rss_mb, production_env, worker_pids


def setup_django(database_url):
    os.environ.update(production_env(database_url))
    os.environ["DJANGO_SETTINGS_MODULE"] = "aidtracker.settings"
    import django

    django.setup()


def export_sql(base_url):
    """The exact SQL the /items.csv view streams for an unfiltered request."""
    from django.http import QueryDict

    from shipments.exports.csv import ItemsExport
    from shipments.filters import ShipmentFilter

    filterset = ShipmentFilter(QueryDict(""))
    assert filterset.is_valid()
    export = ItemsExport(filterset, base_url=f"{base_url}/shipments/")
    sql, params = export.copy_sql()
    text = export.copy_stream.mogrify(sql, params, named=export.base_url)
    rows = export.count()
    export.close()
    return text, rows


def time_download(url):
    started = time.perf_counter()
    lines = 0
    with urllib.request.urlopen(url, timeout=3600) as response:
        expected = int(response.headers["X-Row-Count"])
        while chunk := response.read(1 << 20):
            lines += chunk.count(b"\n")
    elapsed = time.perf_counter() - started
    if lines != expected + 1:
        raise RuntimeError(f"download has {lines - 1} rows, header promised {expected}")
    return elapsed, expected


def time_copy(database_url, sql):
    started = time.perf_counter()
    subprocess.run(
        [
            "psql",
            database_url,
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)",
        ],
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - started


def measure(database_url, runs, as_of=True):
    """The export's figures; with `as_of`, also the same file as of the latest change,
    rebuilt from the change history, against the same COPY of today's data."""
    with gunicorn(database_url, workers=1) as (base_url, master):
        sql, rows = export_sql(base_url)
        csv_times, copy_times, as_of_times = [], [], []
        for _ in range(runs):
            csv_times.append(time_download(f"{base_url}/items.csv")[0])
            copy_times.append(time_copy(database_url, sql))
            if as_of:
                url = f"{base_url}/items.csv?as_of={latest_change_stamp()}"
                elapsed, as_of_rows = time_download(url)
                if as_of_rows != rows:
                    raise RuntimeError(f"as_of gave {as_of_rows} rows, today {rows}")
                as_of_times.append(elapsed)
        [worker] = worker_pids(master)
        rss = peak_rss_mb(worker)
    csv_rate = rows / statistics.median(csv_times)
    copy_rate = rows / statistics.median(copy_times)
    figures = {
        "rows": rows,
        "csv_rows_per_s": round(csv_rate),
        "copy_rows_per_s": round(copy_rate),
        "csv_vs_copy": round(csv_rate / copy_rate, 3),
        "csv_peak_rss_mb": round(rss, 1),
    }
    if as_of:
        as_of_rate = rows / statistics.median(as_of_times)
        figures["as_of_rows_per_s"] = round(as_of_rate)
        figures["as_of_csv_vs_copy"] = round(as_of_rate / copy_rate, 3)
    return figures


def latest_change_stamp():
    """The as_of that reads the data as it is now, from the history alone."""
    from shipments import as_of

    return as_of.current_stamp()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--min-items", type=int, default=1_000_000)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database holding a synthetic data set.")
    setup_django(database_url)
    from shipments.models import ShipmentItem

    items = ShipmentItem.objects.published().count()
    if items < args.min_items:
        sys.exit(
            f"Only {items:,} published items; load more with "
            "python manage.py generate_synthetic --shipments 200000 (or lower --min-items)."
        )
    results = measure(database_url, args.runs)
    width = max(map(len, results))
    for name, value in results.items():
        print(
            f"{name:<{width}}  {value:>12,}"
            if isinstance(value, int)
            else f"{name:<{width}}  {value:>12}"
        )


if __name__ == "__main__":
    main()
