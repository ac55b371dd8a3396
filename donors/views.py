"""Public pages of the parties: one donor or recipient, its totals and its shipments."""

from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, render

from donors.models import Donor, Recipient
from shipments import listing, summaries
from shipments.cache import cached
from shipments.filters import DEFAULT_SORT, PAGE_PARAM, sort_expressions
from shipments.models import Shipment


def _party_page(request, party, shipments, list_param):
    ordered = (
        shipments.order_by(*sort_expressions(DEFAULT_SORT))
        .select_related("recipient")
        .prefetch_related("donors")
    )
    # A large donor's totals take a second to add up: they are kept in the
    # cache until the data changes, and say how many shipments to page through.
    totals = cached(
        f"totals:{list_param}={party.slug}", lambda: summaries.selection_totals(shipments)
    )
    context = {
        "party": party,
        "page": listing.paginate(ordered, request.GET.get(PAGE_PARAM), count=totals.shipments),
        "totals": totals,
        "list_url": summaries.list_url(**{list_param: party.slug}),
        "params": request.GET,
    }
    return render(request, "donors/party_detail.html", context)


def public_parties(model, shipment_field):
    """Parties named on at least one published shipment.

    A party entered only for unpublished shipments is not known to the public
    yet: its page is a 404, like the shipments' own pages.
    """
    published = Shipment.objects.published().filter(**{shipment_field: OuterRef("pk")})
    return model.objects.filter(Exists(published))


def donor_detail(request, slug):
    donor = get_object_or_404(public_parties(Donor, "donors"), slug=slug)
    shipments = Shipment.objects.published().filter(donors=donor)
    return _party_page(request, donor, shipments, "donor")


def recipient_detail(request, slug):
    recipient = get_object_or_404(public_parties(Recipient, "recipient"), slug=slug)
    shipments = Shipment.objects.published().filter(recipient=recipient)
    return _party_page(request, recipient, shipments, "recipient")
