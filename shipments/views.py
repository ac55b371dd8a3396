from django.shortcuts import get_object_or_404, render

from shipments.models import Shipment


def shipment_detail(request, reference):
    shipment = get_object_or_404(
        Shipment.objects.published()
        .select_related("recipient", "pledge")
        .prefetch_related("donors", "items__category", "sources"),
        reference=reference,
    )
    return render(request, "shipments/shipment_detail.html", {"shipment": shipment})
