from django.core.management.base import BaseCommand, CommandError

from shipments.models import Shipment


class Command(BaseCommand):
    help = (
        "List published shipments that lack their evidence (a source, and supply lines or a "
        "weight); exits with status 1 if there are any, for monitoring."
    )

    def handle(self, *args, **options):
        published = Shipment.objects.published()
        lacking = published.lacking_evidence().order_by("reference")
        problems = [shipment.missing_evidence() for shipment in lacking]
        if problems:
            for problem in problems:
                self.stdout.write(problem)
            raise CommandError(
                f"{len(problems)} published shipment{'s' if len(problems) != 1 else ''} "
                "lack their evidence: add a source and supply lines or a weight, or unpublish "
                "them."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"All {published.count()} published shipments cite a source and give their "
                "supplies or weight."
            )
        )
