"""AidTracker settings, read from the environment (see README, "Configuration")."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from aidtracker.env import check_secret_key, env_bool, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = check_secret_key(env_str("DJANGO_SECRET_KEY"), DEBUG)
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must name the site's host names when DJANGO_DEBUG is off "
        "(comma-separated, e.g. aid.example.org)."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "django_filters",
    "csp",
    "axes",
    "django_ratelimit",
    "simple_history",
    "import_export",
    "donors",
    "shipments",
]

MIDDLEWARE = [
    "aidtracker.middleware.RequestLogMiddleware",
    "aidtracker.middleware.SendTimeoutMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "aidtracker.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: from the URL's prefix on the public pages, from the browser
    # in the staff admin (aidtracker/middleware.py).
    "aidtracker.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Sends the public's reads to a replica, when there are any. After
    # AuthenticationMiddleware: it asks request.user whether someone signed in.
    "aidtracker.replicas.PublicReadsMiddleware",
    # Records the signed-in user on every change history row.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out user or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "aidtracker.urls"
WSGI_APPLICATION = "aidtracker.wsgi.application"

# The pages readers see are Jinja2 templates (templates/, and templates/public/
# for the reader pages); the admin and its overrides (templates/staff/) are
# Django templates. Neither engine can find the other's files: Django's
# would raise a syntax error on a Jinja2 file rather than pass the name on.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "shipments.public.jinja2.environment"},
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates" / "staff"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]


# SQLite needs no set-up, for the demo and local tests; production and CI
# point DATABASE_URL at PostgreSQL.
def database(url, connect_timeout, statement_timeout=None):
    """Django's settings for the database at `url`; the timeouts in seconds (PostgreSQL only)."""
    config = dj_database_url.parse(
        url,
        conn_max_age=env_int("DJANGO_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    if config["ENGINE"] == "django.db.backends.postgresql":
        # The site's queries are short; JIT compilation of the large aggregates
        # took longer than running them. The database is read from memory or SSD,
        # where a random read costs little more than a sequential one: with the
        # default cost (4, for spinning disks) PostgreSQL reads a million rows
        # rather than follow an index to the few thousand it needs.
        server_settings = "-c jit=off -c random_page_cost=1.1"
        if statement_timeout:
            server_settings += f" -c statement_timeout={statement_timeout * 1000}"
        options = config.setdefault("OPTIONS", {})
        options["options"] = server_settings
        # A server that accepts connections but never answers must not hold
        # a request (and its thread) for ever.
        options["connect_timeout"] = connect_timeout
        # Data sent and not acknowledged for this long (a lost network) ends the connection.
        options["tcp_user_timeout"] = connect_timeout * 1000
    return config


DATABASES = {
    "default": database(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), connect_timeout=10
    )
}
# Read replicas of the primary, comma-separated: the public's page views and
# downloads read from them (aidtracker/replicas.py); staff and writes use the primary.
# A replica that does not connect within the connect timeout is left alone for
# a while; a public query that runs longer than the statement timeout is stopped
# (downloads set their own, longer, on connections of their own).
REPLICA_CONNECT_TIMEOUT = env_int("DJANGO_REPLICA_CONNECT_TIMEOUT", 2, minimum=2)
REPLICA_STATEMENT_TIMEOUT = env_int("DJANGO_REPLICA_STATEMENT_TIMEOUT", 30, minimum=1)
REPLICA_RETRY_SECONDS = env_int("DJANGO_REPLICA_RETRY_SECONDS", 30, minimum=1)
for number, url in enumerate(env_list("DATABASE_REPLICA_URL", []), start=1):
    DATABASES["replica" if number == 1 else f"replica{number}"] = {
        **database(url, REPLICA_CONNECT_TIMEOUT, REPLICA_STATEMENT_TIMEOUT),
        # Tests have no replication: a replica reads the primary's test database.
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["aidtracker.replicas.ReplicaRouter"] if len(DATABASES) > 1 else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, with each process's memory standing in while
            # Redis does not answer (aidtracker/cache.py).
            "BACKEND": "aidtracker.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "aidtracker",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The public pages are in these languages: English at the unprefixed URLs,
# the others under their code (/it/shipments/, /zh-hans/countries/IT/). The
# names are the languages' own, as the language switcher shows them.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("it", "Italiano"), ("zh-hans", "简体中文")]
# The project's catalogues (README, "Adding a language"); Django's and
# django-countries' own come with them.
LOCALE_PATHS = [BASE_DIR / "locale"]
# English pages write dates and numbers as in Britain, Chinese ones group thousands
# with commas (aidtracker/formats).
FORMAT_MODULE_PATH = ["aidtracker.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed files with content-hashed names, served by whitenoise.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The European Union gives and receives aid as a body of its own.
COUNTRIES_OVERRIDE = {"EU": "European Union"}

# HTTPS-only behaviour is on by default in production. DJANGO_HTTPS=False
# serves plain HTTP, e.g. on loopback behind nothing, and changes only these.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
# Load balancers probe the app servers directly over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# Marks a reader's first visit to `/` as made (aidtracker.middleware.LanguageMiddleware).
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000) if HTTPS else 0
# Both bind every subdomain (and, for preload, browsers' built-in lists), so
# they are opt-in.
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = HTTPS and env_bool("DJANGO_HSTS_PRELOAD", False)
# Behind a TLS-terminating proxy: trust its X-Forwarded-Proto, and take the
# client's address from the last X-Forwarded-For hop (aidtracker.client_address).
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Staff sign in at the admin, and land there when the `next` they came with is
# refused (another site's address), not on Django's /accounts/profile/, a 404 here.
LOGIN_REDIRECT_URL = "admin:index"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_HOURS", 8, minimum=1) * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Features no page of the site uses, denied to it and to anything it embeds.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

# No inline script or style anywhere unless it carries the request's nonce;
# every asset is served from this site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Admin login throttling: after LOGIN_FAILURE_LIMIT failures for a user name
# from an address, or LOGIN_ADDRESS_FAILURE_LIMIT from an address whatever the
# names, every attempt from there (even with the right password) is refused
# until the cool-off has passed. A user name alone is never locked: anyone
# who knows it could lock its owner out (aidtracker/login_throttle.py).
LOGIN_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
if LOGIN_ADDRESS_FAILURE_LIMIT < LOGIN_FAILURE_LIMIT:
    raise ImproperlyConfigured(
        f"DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT ({LOGIN_ADDRESS_FAILURE_LIMIT}) must be at least "
        f"DJANGO_LOGIN_FAILURE_LIMIT ({LOGIN_FAILURE_LIMIT}): it counts the failures for "
        "every user name tried from an address."
    )
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = "aidtracker.login_throttle.failure_limit"
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "aidtracker.client_address.client_address"

# Exports are expensive: an address may start this many per minute. The count
# lives in the cache, so it is shared by every app server when REDIS_URL is set.
EXPORT_RATE = env_rate("DJANGO_EXPORT_RATE", "20/m")
# CSV downloads streaming at once (shipments/exports/slots.py): per process,
# fewer than its threads (ops/gunicorn.conf.py) so that pages always find one
# free; and per client address, across every app server.
DOWNLOADS_PER_PROCESS = env_int("DJANGO_DOWNLOADS_PER_PROCESS", 2, minimum=1)
DOWNLOADS_PER_CLIENT = env_int("DJANGO_DOWNLOADS_PER_CLIENT", 2, minimum=1)
# A client that takes longer than this to accept one chunk of a response
# (64 KB) has stopped reading: it is cut off and its thread freed.
SEND_TIMEOUT = env_int("DJANGO_SEND_TIMEOUT", 30, minimum=1)
SILENCED_SYSTEM_CHECKS = [
    # django-ratelimit lists only third-party Redis backends; Django's own
    # RedisCache increments atomically too.
    "django_ratelimit.W001",
]
if HTTPS and not SECURE_HSTS_INCLUDE_SUBDOMAINS:
    # Deliberately opt-in (see DJANGO_HSTS_INCLUDE_SUBDOMAINS): it binds every subdomain.
    SILENCED_SYSTEM_CHECKS.append("security.W005")
if HTTPS and not SECURE_HSTS_PRELOAD:
    # Deliberately opt-in (see DJANGO_HSTS_PRELOAD): browsers' lists are hard to leave.
    SILENCED_SYSTEM_CHECKS.append("security.W021")
if not REDIS_URL:
    # The in-process cache counts per worker: fine for the demo and tests,
    # documented as such; production sets REDIS_URL.
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

# The change history is for accountability: reverting from it would bypass
# the form's rules, including who may publish.
SIMPLE_HISTORY_REVERT_DISABLED = True
# Importing adds shipments, so it needs the permission to add them.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
# An uploaded file waits between preview and confirmation; with Redis every
# app server can see it, without it one machine's temporary folder does.
if REDIS_URL:
    IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"
# What one import file may hold, checked before it is parsed
# (shipments.imports.files). Each row costs the preview time and memory (a
# file of 260,000 lines took twelve minutes and a gigabyte); 20,000 rows of
# the template's 26 columns are 520,000 cells.
IMPORT_MAX_FILE_BYTES = env_int("DJANGO_IMPORT_MAX_FILE_MB", 40, minimum=1) * 1024 * 1024
IMPORT_MAX_ROWS = env_int("DJANGO_IMPORT_MAX_ROWS", 20_000, minimum=1)
IMPORT_MAX_CELLS = env_int("DJANGO_IMPORT_MAX_CELLS", 1_000_000, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["stdout"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # RequestLogMiddleware logs every request once; Django's own access
        # warnings for 4xx would repeat them.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
    },
}
