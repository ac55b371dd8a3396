import argparse
import time

from django.core.management.base import BaseCommand, CommandError

from shipments.synthetic.loader import SyntheticDataError, load_synthetic_data


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number.") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1.")
    return value


class ProgressBar:
    """Rewrites one line with the running count and rate: `  412,000 / 1,000,000 (38,000/s)`."""

    def __init__(self, out, what):
        self.out = out
        self.what = what
        self.started = time.monotonic()

    def __call__(self, done, total):
        elapsed = time.monotonic() - self.started
        rate = done / elapsed if elapsed > 0 else 0
        line = f"\r  {done:,} / {total:,} {self.what}  ({rate:,.0f}/s)"
        self.out.write(line, ending="\n" if done == total else "")
        self.out.flush()


class Command(BaseCommand):
    help = (
        "Generate a large, realistic data set for benchmarks: parties in about 250 countries, "
        "shipments with several lines each, a share unpublished. The same seed gives the same "
        "data. Shipment references start with SYN- and party slugs with syn-, so the set never "
        "mixes with real or demo data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--shipments", type=positive_int, required=True, metavar="N", help="How many."
        )
        parser.add_argument(
            "--items-per-shipment",
            type=positive_int,
            default=5,
            metavar="M",
            help="Mean number of lines per shipment; each has between 1 and 2M-1 (default 5).",
        )
        parser.add_argument(
            "--seed", type=int, default=0, help="Seed for the random draws (default 0)."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the synthetic data already in the database first.",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        progress = ProgressBar(self.stdout, "shipments") if options["verbosity"] > 0 else None
        try:
            counts = load_synthetic_data(
                options["shipments"],
                options["items_per_shipment"],
                options["seed"],
                replace=options["replace"],
                progress=progress,
            )
        except SyntheticDataError as error:
            raise CommandError(error) from None
        summary = ", ".join(f"{count:,} {what}" for what, count in counts.items())
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Synthetic data written in {elapsed:.0f}s: {summary}.")
        )
