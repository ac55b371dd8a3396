"""Settings for the test suite: the real settings, with test-only secrets and speed-ups."""

import os

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "tests-only-q8Jf2-vL0xR7mZp4Tn9bWc3Ys6Hd1Ke5Ga0Uo8Ii7Pl2Qr4Ms6"
)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_HTTPS", "False")
# Tests download many exports from one address; the limit itself is tested with a lower one.
os.environ.setdefault("DJANGO_EXPORT_RATE", "10000/m")

from aidtracker.settings import *  # noqa: F403

# Hashing passwords properly is the slowest part of a login; tests need not pay for it.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the finders rather than a collected STATIC_ROOT.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# A replica for the routing tests: the primary's test database under a second
# alias (Django's test mirror). Public reads go to it only where a test turns
# on the router (tests/test_replicas.py).
DATABASES["replica"] = {  # noqa: F405
    **DATABASES["default"],  # noqa: F405
    "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),  # noqa: F405
    "TEST": {"MIRROR": "default"},
}
DATABASE_ROUTERS = []
