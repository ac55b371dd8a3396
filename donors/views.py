from django.shortcuts import get_object_or_404, render

from donors.models import Donor, Recipient
from shipments.models import Shipment


def _party_page(request, party, shipments):
    shipments = (
        shipments.select_related("recipient").prefetch_related("donors").order_by("-shipped_on")
    )
    return render(request, "donors/party_detail.html", {"party": party, "shipments": shipments})


def donor_detail(request, slug):
    donor = get_object_or_404(Donor, slug=slug)
    return _party_page(request, donor, Shipment.objects.published().filter(donors=donor))


def recipient_detail(request, slug):
    recipient = get_object_or_404(Recipient, slug=slug)
    return _party_page(request, recipient, Shipment.objects.published().filter(recipient=recipient))
