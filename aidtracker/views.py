"""The health check, for load balancers and uptime monitors. Pages live in their audiences'
packages (`shipments.public`, `shipments.exports`)."""

from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpResponse

from aidtracker.cache import cache_answers
from aidtracker.replicas import PRIMARY, is_marked_down, mark_down, replica_aliases


def healthz(request):
    """Liveness and database check for load balancers and uptime monitors.

    503 when the primary database does not answer: nothing works without it.
    A replica that does not answer, and a lost cache, are named, but the site
    still serves (the primary takes the replica's reads, each process's memory
    stands in for the cache), so the answer stays 200. Each check is bounded
    in time by the connect and statement timeouts of the replicas and of the
    cache; a replica that failed recently is reported without waiting on it again.
    """
    try:
        check_database(PRIMARY)
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    problems = []
    silent = [alias for alias in replica_aliases() if not replica_answers(alias)]
    if silent:
        problems.append(f"not answering: {', '.join(silent)}")
    if not cache_answers(cache):
        problems.append("cache unavailable, pages served without it")
    return HttpResponse("; ".join(["ok", *problems]) + "\n", content_type="text/plain")


def replica_answers(alias):
    if is_marked_down(alias):
        return False
    try:
        check_database(alias)
    except DatabaseError as error:
        mark_down(alias, error)
        return False
    return True


def check_database(alias):
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
