"""The health check, for load balancers and uptime monitors. Pages live in their audiences'
packages (`shipments.public`, `shipments.exports`)."""

from django.db import DatabaseError, connections
from django.http import HttpResponse

from aidtracker.replicas import PRIMARY, replica_aliases


def healthz(request):
    """Liveness and database check for load balancers and uptime monitors.

    503 when the primary database does not answer: nothing works without it.
    A replica that does not answer is named, but the site still serves (the
    primary takes its reads), so the answer stays 200.
    """
    try:
        check_database(PRIMARY)
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    silent = []
    for alias in replica_aliases():
        try:
            check_database(alias)
        except DatabaseError:
            silent.append(alias)
    if silent:
        return HttpResponse(f"ok; not answering: {', '.join(silent)}\n", content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def check_database(alias):
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
