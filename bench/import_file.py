"""Time the spreadsheet import of a generated file, as the admin runs it: preview, then confirm.

Usage (from the project root):

    .venv/bin/python bench/import_file.py                 # 10,000 lines, on SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aidtracker .venv/bin/python \\
        bench/import_file.py --lines 10000                # on PostgreSQL

The import runs in a throwaway database (a temporary SQLite file, or
test_<name> on PostgreSQL) that is dropped afterwards. It prints the seconds
taken by the preview (a dry run, rolled back), the confirmed import, and a
second import of the same file, which must change nothing.
"""

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aidtracker.settings")
os.environ.setdefault("DJANGO_DEBUG", "True")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from import_export.formats.base_formats import CSV  # noqa: E402

from shipments.imports.resource import ShipmentItemResource  # noqa: E402
from shipments.imports.rows import COLUMN_NAMES  # noqa: E402

DONOR_COUNTRIES = ["CN", "DE", "FR", "JP", "KR", "US", "AE", "TR", "EU"]
RECIPIENT_COUNTRIES = ["IT", "ES", "BE", "RS", "IR", "PK", "ZA", "BR", "PE", "GB"]
DONOR_KINDS = ["national-government", "company", "foundation", "ngo", "multilateral"]
RECIPIENT_KINDS = ["national-government", "hospital", "red-cross", "ngo"]
SUPPLIES = [
    ("masks", "Surgical masks", "pieces"),
    ("masks", "N95 respirator masks", "pieces"),
    ("protective-suits", "Protective suits", "pieces"),
    ("gloves", "Medical gloves", "pairs"),
    ("test-reagents", "Test kits", "kits"),
    ("ventilators", "Ventilators", "sets"),
    ("medicines", "Antiviral medicines", "boxes"),
    ("medical-equipment", "Patient monitors", "pieces"),
    ("other", "Disinfectant", "kg"),
]
LINES_PER_SHIPMENT = 5


def generate(path, lines, seed=2020):
    """Write an import file of `lines` supply lines, five per shipment, in /items.csv columns."""
    rng = random.Random(seed)
    donors = [
        (f"Donor {n:03d} {rng.choice(['Foundation', 'Group', 'Ministry'])}", country, kind)
        for n, (country, kind) in enumerate(
            (rng.choice(DONOR_COUNTRIES), rng.choice(DONOR_KINDS)) for _ in range(200)
        )
    ]
    recipients = [
        (f"Recipient {n:03d}", rng.choice(RECIPIENT_COUNTRIES), rng.choice(RECIPIENT_KINDS))
        for n in range(100)
    ]
    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES)
        writer.writeheader()
        for number in range((lines + LINES_PER_SHIPMENT - 1) // LINES_PER_SHIPMENT):
            givers = rng.sample(donors, rng.choice([1, 1, 1, 2, 3]))
            recipient = rng.choice(recipients)
            shipped_on = f"2020-{rng.randint(2, 11):02d}-{rng.randint(1, 28):02d}"
            shipment = {
                "shipment_reference": f"BENCH-{number:06d}",
                "status": rng.choice(["pledged", "dispatched", "delivered"]),
                "donors": "; ".join(name for name, _, _ in givers),
                "donor_countries": "; ".join(country for _, country, _ in givers),
                "donor_kinds": "; ".join(kind for _, _, kind in givers),
                "recipient": recipient[0],
                "recipient_country": recipient[1],
                "recipient_kind": recipient[2],
                "shipped_on": shipped_on,
                "terms": rng.choice(["donation", "donation", "sale", "unclear"]),
                "transport_mode": rng.choice(["air", "sea", ""]),
                "arrival_point": rng.choice(["", "Liege Airport", "Milan Malpensa"]),
            }
            if len({country for _, country, _ in givers}) > 1:
                shipment["origin_country"] = givers[0][1]
            count = min(LINES_PER_SHIPMENT, lines - number * LINES_PER_SHIPMENT)
            for category, description, unit in rng.sample(SUPPLIES, count):
                vague = rng.random() < 0.1
                writer.writerow(
                    {
                        **shipment,
                        "category": category,
                        "description": description,
                        "unit": unit,
                        "quantity": "" if vague else rng.randint(10, 2_000_000),
                        "quantity_note": "dozens" if vague else "",
                        "quantity_is_estimate": "true" if rng.random() < 0.2 else "false",
                    }
                )


def timed_import(data, user):
    """Preview then confirm, each through a fresh resource as the admin does; (seconds, result)."""
    start = time.perf_counter()
    dataset = CSV(encoding="utf-8-sig").create_dataset(data)
    preview = ShipmentItemResource().import_data(dataset, dry_run=True, user=user)
    previewed = time.perf_counter()
    if preview.has_errors() or preview.has_validation_errors():
        raise SystemExit(f"The preview found errors: {preview.invalid_rows[:3]}")
    dataset = CSV(encoding="utf-8-sig").create_dataset(data)
    result = ShipmentItemResource().import_data(dataset, dry_run=False, user=user)
    done = time.perf_counter()
    return previewed - start, done - previewed, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000, help="supply lines in the file")
    parser.add_argument("--keep-file", action="store_true", help="keep the generated file")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="aidtracker-bench-"))
    path = workdir / f"import-{options.lines}.csv"
    generate(path, options.lines)
    data = path.read_text(encoding="utf-8-sig")

    if connection.vendor == "sqlite":
        # On disk, like a real database, rather than Django's in-memory test one.
        connection.settings_dict["TEST"]["NAME"] = str(workdir / "bench.sqlite3")
    test_db = connection.creation.create_test_db(verbosity=0)
    try:
        user = User.objects.create_user("bench", is_staff=True)
        print(f"{options.lines} lines, {connection.vendor} ({test_db}), file {path}")
        preview, confirm, result = timed_import(data, user)
        totals = result.totals
        print(
            f"first import: preview {preview:.1f} s + confirm {confirm:.1f} s = "
            f"{preview + confirm:.1f} s ({totals['new']} lines, "
            f"{result.created['shipments']} shipments, {result.created['donors']} donors, "
            f"{result.created['recipients']} recipients created)"
        )
        preview, confirm, result = timed_import(data, user)
        print(
            f"same file again: preview {preview:.1f} s + confirm {confirm:.1f} s = "
            f"{preview + confirm:.1f} s ({result.totals['new']} new, "
            f"{result.totals['update']} updated, {result.totals['skip']} unchanged)"
        )
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)
        if not options.keep_file:
            path.unlink()


if __name__ == "__main__":
    main()
