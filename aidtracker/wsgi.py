"""WSGI entry point: `gunicorn aidtracker.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aidtracker.settings")

application = get_wsgi_application()
