"""Site-wide pages: the home page and the health check."""

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render

from shipments.models import Shipment, ShipmentItem


def home(request):
    shipments = Shipment.objects.published()
    latest = (
        shipments.select_related("recipient")
        .prefetch_related("donors")
        .order_by("-updated_at", "reference")[:10]
    )
    context = {
        "shipment_count": shipments.count(),
        "latest": latest,
        "totals": ShipmentItem.objects.published().totals_by_category(),
    }
    return render(request, "home.html", context)


def healthz(request):
    """Liveness and database check for load balancers and uptime monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
