"""Typed readers for settings that come from the environment.

Each reader names the variable in its error, so a typo in a deployment
stops start-up with a message that says what to fix.
"""

import os
import re

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def parse_bool(name, raw):
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of "
        f"{', '.join(sorted(TRUE_WORDS | FALSE_WORDS))}."
    )


def parse_int(name, raw, minimum=0):
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


def parse_list(raw):
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_bool(name, default):
    raw = os.environ.get(name)
    return default if raw is None or raw.strip() == "" else parse_bool(name, raw)


def env_int(name, default, minimum=0):
    raw = os.environ.get(name)
    return default if raw is None or raw.strip() == "" else parse_int(name, raw, minimum)


def env_list(name, default):
    raw = os.environ.get(name)
    return list(default) if raw is None else parse_list(raw)


def env_str(name, default=""):
    return os.environ.get(name, default).strip()


# Django's own start-project template marks throwaway keys with this prefix.
INSECURE_KEY_PREFIX = "django-insecure"
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_UNIQUE_CHARACTERS = 5


def check_secret_key(raw, debug):
    """Return the secret key to use, refusing a missing or weak one in production."""
    key = (raw or "").strip()
    if debug:
        return key or f"{INSECURE_KEY_PREFIX}-local-development-only-never-use-in-production"
    if not key:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    if (
        key.startswith(INSECURE_KEY_PREFIX)
        or len(key) < MIN_SECRET_KEY_LENGTH
        or len(set(key)) < MIN_SECRET_KEY_UNIQUE_CHARACTERS
    ):
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY is too weak for production: use at least "
            f"{MIN_SECRET_KEY_LENGTH} random characters."
        )
    return key


RATE_PATTERN = re.compile(r"^[1-9][0-9]*/[1-9]?[0-9]*[smhd]$")


def parse_rate(name, raw):
    """A request rate such as 20/m (per minute) or 100/5m; s, m, h or d."""
    rate = raw.strip()
    if not RATE_PATTERN.match(rate):
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a rate: write a count per period, e.g. 20/m, 100/h or 5/10s."
        )
    return rate


def env_rate(name, default):
    raw = os.environ.get(name)
    return default if raw is None or raw.strip() == "" else parse_rate(name, raw)
