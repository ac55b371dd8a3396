from django.core.cache import cache
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Empty the cache shared by the app servers (cached pages and totals, download "
        "counters). Run it after restoring the database from a backup (ops/restore.sh)."
    )

    def handle(self, *args, **options):
        cache.clear()
        self.stdout.write("Cache emptied: every page and total is computed afresh.")
