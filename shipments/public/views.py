"""Every page a reader sees: the home page, the data dictionary, the list of shipments,
one shipment, the countries, and the donors' and recipients' pages."""

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django_countries import countries

from donors.models import Donor, Recipient
from shipments import as_of, changes, duplicates, facets
from shipments.columns import EU_ALPHA3, ITEM_COLUMNS, SHIPMENT_COLUMNS
from shipments.filters import PAGE_PARAM, ShipmentFilter
from shipments.licence import ATTRIBUTION, CODE_LICENCE, DATA_LICENCE
from shipments.models import (
    Emergency,
    QuantityKind,
    Rejection,
    Shipment,
    ShipmentItem,
    SupplyCategory,
    Unit,
    Verification,
    public_parties,
)
from shipments.public import (
    api_page,
    change_log,
    form_choices,
    glossary,
    listing,
    maps,
    openapi,
    parties,
    pledges,
    shipment_page,
    summaries,
)
from shipments.public.cache import cached, cached_page
from shipments.sorts import DEFAULT_SORT, sort_choices, sort_expressions


def _bad_map_mode(request, error):
    return render(request, "400.html", {"reason": str(error)}, status=400)


def home(request):
    try:
        mode = maps.mode_of(request.GET) or maps.DEFAULT_MODE
    except maps.MapModeError as error:
        return _bad_map_mode(request, error)
    return cached_page(
        request,
        f"home:map={mode}",
        "public/home.html",
        lambda: {**summaries.overview(), "world_map": maps.world_map(mode)},
    )


def about_data(request):
    """The data dictionary, generated from the export columns and the models' choices."""
    context = {
        "shipment_columns": SHIPMENT_COLUMNS,
        "item_columns": ITEM_COLUMNS,
        "eu_alpha3": EU_ALPHA3,
        "column_kinds": glossary.COLUMN_KINDS,
        "totals_fields": glossary.TOTALS_FIELDS,
        "facets": glossary.FACETS,
        "facet_fields": glossary.FACET_FIELDS,
        "statuses": glossary.entries(Shipment.Status, glossary.STATUSES),
        "verification_levels": glossary.entries(Verification, glossary.VERIFICATION),
        "terms": glossary.entries(Shipment.Terms, glossary.TERMS),
        "units": glossary.entries(Unit, glossary.UNITS),
        "quantity_kinds": glossary.entries(QuantityKind, glossary.QUANTITY_KINDS),
        "rejection_kinds": glossary.entries(Rejection.Kind, glossary.REJECTION_KINDS),
        "rejection_reasons": glossary.entries(Rejection.Reason, glossary.REJECTION_REASONS),
        "donor_kinds": glossary.entries(Donor.Kind, glossary.DONOR_KINDS),
        "recipient_kinds": glossary.entries(Recipient.Kind, glossary.RECIPIENT_KINDS),
        "categories": SupplyCategory.objects.all(),
        "emergencies": Emergency.objects.in_order(),
        "parameters": glossary.PARAMETERS,
        "repeatable": ShipmentFilter.repeatable_parameters(),
        "sorts": sort_choices(),
        "data_licence": DATA_LICENCE,
        "attribution": ATTRIBUTION,
        "code_licence": CODE_LICENCE,
        "datapackage_url": request.build_absolute_uri(reverse("datapackage-json")),
        # The columns the data package gives an enum or a pattern of allowed values.
        "enumerated": list(
            dict.fromkeys(
                column.name
                for column in [*SHIPMENT_COLUMNS, *ITEM_COLUMNS]
                if column.choices is not None
            )
        ),
    }
    return render(request, "public/about_data.html", context)


def site_url(request):
    """The site's address, without a trailing slash: the API description's server."""
    return request.build_absolute_uri("/").rstrip("/")


@csrf_exempt
@require_safe
def openapi_json(request):
    """The OpenAPI description of /shipments.json and both CSVs, generated. Read-only, like
    the endpoints it describes: another method is a 405, not a 403 for want of a CSRF
    token."""
    return JsonResponse(
        openapi.description(site_url(request)), json_dumps_params={"ensure_ascii": False}
    )


def api_docs(request):
    """The API's description read out as a page."""
    description = openapi.description(site_url(request))
    operations = api_page.operations(description)
    context = {
        "info": description["info"],
        "openapi_version": description["openapi"],
        "operations": operations,
        "refusing_empty": api_page.refusing_empty(operations),
        "short_list": api_page.SHORT_LIST,
        "export_rate": openapi.rate_words(),
        "downloads_per_client": settings.DOWNLOADS_PER_CLIENT,
    }
    return render(request, "public/api.html", context)


def as_of_notice(moment, today_url):
    """What a page read as of a past moment says of it, or None for today's data."""
    if moment is None:
        return None
    return {"shown": as_of.shown(moment), "stamp": as_of.stamp(moment), "today_url": today_url}


def _bad_as_of(request, reason):
    return render(request, "400.html", {"reason": reason}, status=400)


@as_of.view_as_of()
def shipment_list(request):
    choices = form_choices.form_choices()
    filterset = ShipmentFilter(request.GET, categories=choices.categories, crises=choices.crises)
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "offered": form_choices.offered(choices, filterset.form),
        "ignored": filterset.unknown_parameters(),
        "as_of": None,
    }
    # An invalid value is shown as the form's error: filtering without it
    # would silently list more than was asked for.
    if not filterset.is_valid():
        return render(request, "public/shipments/shipment_list.html", context, status=400)
    cached_summary = summaries.cached_list_summary(filterset)
    totals, counts = cached_summary or (None, None)
    page = listing.paginate(
        filterset.qs.for_tables(),
        request.GET.get(PAGE_PARAM),
        count=totals.shipments if totals else None,
        fields=facets.SHIPMENT_FIELDS,
    )
    paginator = page.paginator
    # Adding up a large selection on every visit would take seconds: one
    # within the count limit is added up from the keys the paginator read; of
    # a larger one, only the totals kept in the cache are shown.
    if totals is None and paginator.keys is not None:
        selection = Shipment.objects.published().filter(pk__in=paginator.keys)
        totals = summaries.selection_totals(selection, filterset.category_slugs())
    # Facets are always shown: of a large selection, counted on the rows the
    # paginator read, each then a lower bound.
    if counts is None:
        counts = facets.of_head(
            paginator.head,
            filterset.categories(),
            filterset.crises(),
            exact=paginator.count_is_exact,
        )
    context.update(
        page=page,
        params=listing.filter_params(filterset),
        active_filters=listing.active_filters(filterset),
        summary=listing.selection_summary(filterset, paginator),
        headings=listing.sort_headings(filterset),
        downloads=listing.downloads(filterset),
        feed_url=listing.feed_url(filterset),
        totals=totals,
        facets=[
            facet
            for facet in listing.facets(filterset, counts)
            # One emergency is no choice: the form offers none either.
            if facet.name != "crisis" or len(choices.crises) > 1
        ],
        facets_exact=counts.exact,
        count_limit=listing.COUNT_LIMIT,
        cite_title=listing.selection_title(filterset),
        cite_moment=as_of.reading() or as_of.latest_change(),
        as_of=as_of_notice(
            filterset.as_of_moment(), listing.url_with(listing.filter_params(filterset), as_of=None)
        ),
    )
    return render(request, "public/shipments/shipment_list.html", context)


def merged_shipment_redirect(request, reference):
    """A permanent redirect from a shipment merged into another to the one it was merged
    into, with the same query string; None unless that one is published."""
    merged = Shipment.objects.filter(reference=reference, merged_into__isnull=False).first()
    kept = duplicates.follow_merges(merged) if merged is not None else None
    if kept is None or not kept.is_published:
        return None
    query = request.META.get("QUERY_STRING", "")
    url = kept.get_absolute_url()
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


@as_of.view_as_of(refuse=_bad_as_of)
def shipment_detail(request, reference):
    try:
        return _shipment_page(request, reference)
    except Http404:
        # A duplicate merged away: its address, cited before the merge, still leads on.
        moved = merged_shipment_redirect(request, reference)
        if moved is None:
            raise
        return moved


def _shipment_page(request, reference):
    shipment = get_object_or_404(
        Shipment.objects.published()
        .select_related("recipient", "pledge", "emergency")
        .prefetch_related(
            "donors",
            Prefetch("items", queryset=ShipmentItem.objects.select_related("category")),
            "sources",
            Prefetch(
                "rejections",
                queryset=Rejection.objects.select_related("item", "source").order_by(
                    "item__position", "item_id", "date", "pk"
                ),
            ),
        )
        .with_published_deliveries(),
        reference=reference,
    )
    donors = list(shipment.donors.all())
    items = list(shipment.items.all())
    sources = list(shipment.sources.all())
    context = {
        "shipment": shipment,
        "sources": sources,
        # The sources its verification rests on: those supporting the strongest claim.
        "establishing": [one for one in sources if one.supports == shipment.verification],
        "donors": donors,
        "donor_names": shipment_page.donor_names(donors),
        "items": items,
        "columns": shipment_page.supply_columns(items),
        "not_reported": shipment_page.not_reported(shipment, items),
        "unclear_terms": glossary.TERMS[Shipment.Terms.UNCLEAR],
        "changes": change_log.entries(changes.change_logs([shipment])[shipment.pk], shipment),
    }
    if shipment.status == Shipment.Status.PLEDGED:
        context["fulfilment"] = pledges.fulfilment(shipment)
    context["as_of"] = as_of_notice(as_of.reading(), shipment.get_absolute_url())
    context["cite_moment"] = as_of.reading() or as_of.latest_change()
    return render(request, "public/shipments/shipment_detail.html", context)


def country_list(request):
    sort = request.GET.get("sort") or summaries.DEFAULT_COUNTRY_SORT
    if sort not in summaries.COUNTRY_SORTS:
        context = {"sort_error": sort, "sorts": summaries.COUNTRY_SORTS}
        return render(request, "public/shipments/country_list.html", context, status=400)
    return cached_page(
        request,
        f"countries:{sort}",
        "public/shipments/country_list.html",
        lambda: {"countries": summaries.country_index(sort), "sort": sort},
    )


def country_detail(request, code):
    if code.upper() not in countries:
        raise Http404("No country has this code.")
    if code != code.upper():
        return redirect("country-detail", code=code.upper(), permanent=True)
    try:
        mode = maps.mode_of(request.GET)
    except maps.MapModeError as error:
        return _bad_map_mode(request, error)

    def context():
        profile = summaries.country_profile(code)
        shown = mode or maps.default_country_mode(profile["received"].count, profile["given"].count)
        return {
            "code": code,
            "name": summaries.country_name(code),
            "feeds": {
                "received": f"{reverse('shipments-atom')}?recipient_country={code}",
                "given": f"{reverse('shipments-atom')}?donor_country={code}",
            },
            **profile,
            "world_map": maps.country_map(code, shown),
        }

    # Without a `map` parameter the page shows the direction the data suggests.
    return cached_page(
        request,
        f"country:{code}:map={mode or 'default'}",
        "public/shipments/country_detail.html",
        context,
    )


# The parties' pages.


def _party_page(request, party, shipments, list_param):
    ordered = shipments.order_by(*sort_expressions(DEFAULT_SORT)).for_tables()
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
        # A donor's shipments may have other donors too (a recipient's never
        # have another recipient): the page says how their totals count.
        "given": list_param == "donor",
        "params": request.GET,
    }
    return render(request, "public/donors/party_detail.html", context)


def _party_index(request, model, noun):
    everyone = parties.index(model)
    form = parties.PartyIndexForm(request.GET, model, everyone)
    context = {
        "form": form,
        "noun": noun,
        "kinds": dict(model.Kind.choices),
        "anyone": bool(everyone),
    }
    # An invalid value is shown as the form's error, not silently dropped.
    if not form.is_valid():
        return render(request, "public/donors/party_index.html", context, status=400)
    params = request.GET.copy()
    params.pop(PAGE_PARAM, None)
    context.update(
        page=parties.paginate(form.select(everyone), request.GET.get(PAGE_PARAM)),
        params=params,
        searched=any(form.cleaned_data.values()),
    )
    return render(request, "public/donors/party_index.html", context)


def donor_list(request):
    return _party_index(request, Donor, "donor")


def recipient_list(request):
    return _party_index(request, Recipient, "recipient")


def donor_detail(request, slug):
    donor = get_object_or_404(public_parties(Donor), slug=slug)
    shipments = Shipment.objects.published().filter(donors=donor)
    return _party_page(request, donor, shipments, "donor")


def recipient_detail(request, slug):
    recipient = get_object_or_404(public_parties(Recipient), slug=slug)
    shipments = Shipment.objects.published().filter(recipient=recipient)
    return _party_page(request, recipient, shipments, "recipient")
