"""Public pages about shipments: the filterable list and one shipment."""

from django.shortcuts import get_object_or_404, render

from shipments import listing, summaries
from shipments.filters import PAGE_PARAM, ShipmentFilter
from shipments.models import Shipment


def shipment_list(request):
    filterset = ShipmentFilter(request.GET)
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "ignored": listing.ignored_parameters(filterset),
    }
    # An invalid value is shown as the form's error: filtering without it
    # would silently list more than was asked for.
    if not filterset.is_valid():
        return render(request, "shipments/shipment_list.html", context, status=400)
    shipments = filterset.qs.select_related("recipient").prefetch_related("donors")
    categories = filterset.form.cleaned_data.get("category") or ()
    context.update(
        page=listing.paginate(shipments, request.GET.get(PAGE_PARAM)),
        params=listing.filter_params(filterset),
        active_filters=listing.active_filters(filterset),
        headings=listing.sort_headings(filterset),
        downloads=listing.downloads(filterset),
        totals=summaries.selection_totals(filterset.qs, categories),
    )
    return render(request, "shipments/shipment_list.html", context)


def shipment_detail(request, reference):
    shipment = get_object_or_404(
        Shipment.objects.published()
        .select_related("recipient", "pledge")
        .prefetch_related("donors", "items__category", "sources"),
        reference=reference,
    )
    return render(request, "shipments/shipment_detail.html", {"shipment": shipment})
