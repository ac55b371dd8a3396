"""Public pages about shipments: the filterable list, one shipment, the countries."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django_countries import countries

from shipments import listing, summaries
from shipments.cache import cached_page
from shipments.filters import PAGE_PARAM, ShipmentFilter
from shipments.models import Shipment, ShipmentItem


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
    totals = summaries.cached_list_totals(filterset)
    page = listing.paginate(
        filterset.qs.select_related("recipient").prefetch_related("donors"),
        request.GET.get(PAGE_PARAM),
        count=totals.shipments if totals else None,
    )
    # Adding up a large selection on every visit would take seconds: one
    # within the count limit is added up from the keys the paginator read; of
    # a larger one, only the totals kept in the cache are shown.
    if totals is None and page.paginator.keys is not None:
        selection = Shipment.objects.published().filter(pk__in=page.paginator.keys)
        totals = summaries.selection_totals(selection, filterset.category_slugs())
    context.update(
        page=page,
        params=listing.filter_params(filterset),
        active_filters=listing.active_filters(filterset),
        headings=listing.sort_headings(filterset),
        downloads=listing.downloads(filterset),
        totals=totals,
        count_limit=listing.COUNT_LIMIT,
    )
    return render(request, "shipments/shipment_list.html", context)


def shipment_detail(request, reference):
    shipment = get_object_or_404(
        Shipment.objects.published()
        .select_related("recipient", "pledge")
        .prefetch_related(
            "donors",
            Prefetch("items", queryset=ShipmentItem.objects.select_related("category")),
            "sources",
            Prefetch(
                "deliveries",
                queryset=Shipment.objects.published().order_by("shipped_on", "reference"),
                to_attr="published_deliveries",
            ),
        ),
        reference=reference,
    )
    return render(request, "shipments/shipment_detail.html", {"shipment": shipment})


def country_list(request):
    sort = request.GET.get("sort") or summaries.DEFAULT_COUNTRY_SORT
    if sort not in summaries.COUNTRY_SORTS:
        context = {"sort_error": sort, "sorts": summaries.COUNTRY_SORTS}
        return render(request, "shipments/country_list.html", context, status=400)
    return cached_page(
        request,
        f"countries:{sort}",
        "shipments/country_list.html",
        lambda: {"countries": summaries.country_index(sort), "sort": sort},
    )


def country_detail(request, code):
    if code.upper() not in countries:
        raise Http404("No country has this code.")
    if code != code.upper():
        return redirect("country-detail", code=code.upper(), permanent=True)
    return cached_page(
        request,
        f"country:{code}",
        "shipments/country_detail.html",
        lambda: {
            "code": code,
            "name": summaries.country_name(code),
            **summaries.country_profile(code),
        },
    )
