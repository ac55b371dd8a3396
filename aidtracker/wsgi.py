"""WSGI entry point: `gunicorn aidtracker.wsgi`.

Most objects alive once the application has loaded, and once it has served
its first request (which loads the URL patterns and compiles templates),
live as long as the process. Python's full garbage collections scan them
all, and each such scan paused whichever request triggered it for some 50 ms
about every hundred requests; frozen (gc.freeze), they are left out of it.
"""

import gc
import os

from django.core.signals import request_finished
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aidtracker.settings")


def freeze_long_lived_objects():
    """Collect what is garbage now, then exempt everything still alive from later scans."""
    gc.collect()
    gc.freeze()


def freeze_after_first_request(**kwargs):
    request_finished.disconnect(freeze_after_first_request)
    freeze_long_lived_objects()


application = get_wsgi_application()
freeze_long_lived_objects()
request_finished.connect(freeze_after_first_request)
