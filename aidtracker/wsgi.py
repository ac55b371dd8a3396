"""WSGI entry point: `gunicorn aidtracker.wsgi`.

Most objects alive once the application has loaded, and once it has served
its first request (which loads the URL patterns and compiles templates),
live as long as the process. Python's full garbage collections scan them
all, and each such scan paused whichever request triggered it for some 50 ms
about every hundred requests; frozen (gc.freeze), they are left out of it.

A page of the shipment list makes a few hundred thousand objects, nearly
all gone when it is sent; at Python's default threshold (a young collection
every 700 new objects) collections still added half again to one request in
twenty at a million shipments. Collecting every YOUNG_OBJECTS instead cut
the excess of that one request in twenty over the median to a third.
"""

import gc
import os

from django.core.signals import request_finished
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aidtracker.settings")

YOUNG_OBJECTS = 20_000


def freeze_long_lived_objects():
    """Collect what is garbage now, then exempt everything still alive from later scans."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS, 20, 20)


def freeze_after_first_request(**kwargs):
    request_finished.disconnect(freeze_after_first_request)
    freeze_long_lived_objects()


application = get_wsgi_application()
freeze_long_lived_objects()
request_finished.connect(freeze_after_first_request)
