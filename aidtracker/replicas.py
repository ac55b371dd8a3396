"""Public reads from PostgreSQL replicas, when DATABASE_REPLICA_URL names any.

The public site only reads, and a reader does not notice a change arriving
a second late; staff, who write, must see their own changes at once. So
only the anonymous public's reads go to a replica: `PublicReadsMiddleware`
marks a GET, HEAD or OPTIONS request outside the admin from anyone not
signed in, and while it runs `ReplicaRouter` sends its reads to the replica
chosen for it (another one, or the primary, when that one does not answer: a
replica that fails is left alone for a while, so that no request after the
first waits for it). Whether a request is signed in is read from its session,
on the primary, and never guessed from the cookie: anyone can send a made-up
session cookie. Everything else reads and writes the primary (`default`): the
admin, logins, every write, management commands and background work.

A request reads one replica from start to end, so its figures agree with one
another. Cached pages are keyed by the data version the replica shows
(`shipments.public.cache`): a change reaches the cache once it has reached the
replica, and a replica that lags never stores old figures under a new version.
"""

import contextlib
import contextvars
import logging
import random
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, OperationalError, connections
from django.urls import reverse

logger = logging.getLogger(__name__)

# The alias a public request reads from; None reads the primary.
_read_alias = contextvars.ContextVar("aidtracker_read_alias", default=None)

PRIMARY = "default"
ROUTER = "aidtracker.replicas.ReplicaRouter"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def replica_aliases():
    """The aliases of the replicas the public reads from, in settings order; none without any."""
    if ROUTER not in settings.DATABASE_ROUTERS:
        return []
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


@contextmanager
def reads_from(alias):
    """Route reads within the block to `alias` (None: the primary), then restore the routing."""
    token = _read_alias.set(alias)
    try:
        yield alias
    finally:
        _read_alias.reset(token)


def is_public_read(request):
    """True for a request the public makes to read a page or a download."""
    return (
        request.method in SAFE_METHODS
        and not request.path.startswith(reverse("admin:index"))
        and not is_signed_in(request)
    )


def is_signed_in(request):
    """True for a request with the session of a user who has signed in.

    Without a session cookie nobody has signed in, and the session is not
    touched. With one, `request.user` (set lazily by AuthenticationMiddleware)
    looks the session up by its key, before any read is sent to a replica, so
    on the primary, where a sign-in a moment ago is already stored; then, if
    someone signed in with it, the user, who will be needed anyway.
    """
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated


class PublicReadsMiddleware:
    """Sends a public request's reads to one replica, chosen at random per request.

    Views whose response streams after this returns (the exports) pin the
    alias their query was routed to (`QuerySet.db`) before they return.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        aliases = replica_aliases()
        if not aliases or not is_public_read(request):
            return self.get_response(request)
        with reads_from(answering_replica(random.sample(aliases, len(aliases)))):
            return self.get_response(request)

    def process_exception(self, request, exception):
        """A replica that failed mid-request is left alone for a while, by this process.

        Not for a query the replica stopped itself (its statement timeout):
        the replica answers, the query was too heavy.
        """
        alias = _read_alias.get()
        cancelled = getattr(exception.__cause__, "pgcode", None) == QUERY_CANCELED
        if alias is not None and isinstance(exception, OperationalError) and not cancelled:
            mark_down(alias, exception)


# PostgreSQL's SQLSTATE for a statement stopped by statement_timeout.
QUERY_CANCELED = "57014"

# When each replica that failed may be tried again, by this process (time.monotonic()).
_down_until = {}


def mark_down(alias, error):
    """Leave `alias` alone for REPLICA_RETRY_SECONDS: its reads go to another database."""
    logger.warning(
        "Replica %s does not answer (%s); reading another database for %s s.",
        alias,
        str(error).strip() or type(error).__name__,
        settings.REPLICA_RETRY_SECONDS,
    )
    _down_until[alias] = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    # Its connection may be half-open; the next try starts afresh.
    with contextlib.suppress(DatabaseError):
        connections[alias].close()


def is_marked_down(alias):
    return time.monotonic() < _down_until.get(alias, 0.0)


def answering_replica(aliases):
    """The first of `aliases` whose database answers; None (the primary) if none does.

    A replica that is down, restarting or hung costs the public nothing but
    its share of the load, which the primary takes on meanwhile. One that
    failed to connect (within its connect timeout) is not tried again for
    REPLICA_RETRY_SECONDS, so no further request waits for it.
    """
    for alias in aliases:
        if is_marked_down(alias):
            continue
        try:
            connections[alias].ensure_connection()
        except DatabaseError as error:
            mark_down(alias, error)
            continue
        return alias
    return None


class ReplicaRouter:
    """Reads go where `PublicReadsMiddleware` says (the primary by default); writes to the primary.

    Every alias holds the same data, so relations between objects read from
    different ones are allowed; the schema is migrated on the primary only,
    which the replicas copy.
    """

    def db_for_read(self, model, **hints):
        alias = _read_alias.get()
        # What a write reads along the way (signals, checks) it reads from
        # the primary it is writing to, never from a replica behind it.
        if alias and not connections[PRIMARY].in_atomic_block:
            return alias
        # Objects related to one already read come from where it came from.
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
