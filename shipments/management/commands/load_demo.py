from django.core.management.base import BaseCommand

from shipments.demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo data set: every donation, delivery and pledge in two news reports "
        "of March 2020, each with its source. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        changes = load_demo()
        if any(changes.values()):
            summary = ", ".join(f"{count} {what}" for what, count in changes.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded ({summary} written)."))
        else:
            self.stdout.write("Demo data already up to date; nothing changed.")
