"""Site-wide pages: the home page, the data dictionary and the health check."""

from django.db import DatabaseError, connections
from django.http import HttpResponse
from django.shortcuts import render

from aidtracker.replicas import PRIMARY, replica_aliases
from donors.models import Donor, Recipient
from shipments import glossary, summaries
from shipments.cache import cached_page
from shipments.columns import ITEM_COLUMNS, SHIPMENT_COLUMNS
from shipments.models import Shipment, SupplyCategory, Unit


def home(request):
    return cached_page(request, "home", "home.html", summaries.overview)


def about_data(request):
    """The data dictionary, generated from the export columns and the models' choices."""
    context = {
        "shipment_columns": SHIPMENT_COLUMNS,
        "item_columns": ITEM_COLUMNS,
        "column_kinds": glossary.COLUMN_KINDS,
        "statuses": glossary.entries(Shipment.Status, glossary.STATUSES),
        "terms": glossary.entries(Shipment.Terms, glossary.TERMS),
        "units": glossary.entries(Unit, glossary.UNITS),
        "donor_kinds": glossary.entries(Donor.Kind, glossary.DONOR_KINDS),
        "recipient_kinds": glossary.entries(Recipient.Kind, glossary.RECIPIENT_KINDS),
        "categories": SupplyCategory.objects.all(),
    }
    return render(request, "about_data.html", context)


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
