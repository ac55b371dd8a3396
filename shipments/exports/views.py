"""The download endpoints: /shipments.csv, /items.csv and /shipments.json, and
/datapackage.json, which describes the two CSVs.

Validation comes first: an unknown parameter or an invalid value is a 400
with a plain-text reason naming the parameter, never a file that silently
holds more than was asked for. Then the address's rate limit, then, for the
CSVs, a download slot (`shipments.exports.slots`). HEAD answers with the
headers a GET would send.
"""

from django.core.paginator import EmptyPage, Paginator
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from shipments import as_of, facets
from shipments.exports.csv import (
    BOM,
    ItemsExport,
    ShipmentsExport,
    export_filename,
    header_line,
    hxl_line,
)
from shipments.exports.datapackage import data_package
from shipments.exports.json import facets_json, shipment_json, totals_json
from shipments.exports.ratelimit import over_limit, rate_limited
from shipments.exports.slots import take_slot
from shipments.filters import PAGE_PARAM, ShipmentFilter

JSON_PAGE_SIZE = 100
# The data package changes only with the code, never with the data: a reader
# or a cache may keep it for an hour, and ask again with its ETag.
DATA_PACKAGE_MAX_AGE = 60 * 60


def shipment_pages_url(request):
    """The absolute address each shipment's reference is appended to for its page's URL."""
    return request.build_absolute_uri(reverse("shipment-list"))


# Far beyond any page there is; keeps the number within what Python reads.
MAX_PAGE_DIGITS = 18


def page_number(text):
    """The page asked for, or None unless `text` is a whole number of 1 or more.

    Only the digits 0 to 9: `isdigit()` also accepts "²" and "①", which int()
    refuses.
    """
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_PAGE_DIGITS:
        return None
    number = int(text)
    return number if number >= 1 else None


def bad_request(lines):
    text = "Bad request.\n\n" + "\n".join(lines) + "\n"
    return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")


def validate(request):
    """(filterset, None) for a valid query string within the rate limit, else (None, a 4xx).

    An invalid request is answered before it is counted: a mistyped
    parameter does not use up the address's budget.
    """
    filterset = ShipmentFilter(request.GET)
    problems = []
    for unknown in filterset.unknown_parameters():
        suggestion = f" Did you mean {unknown.suggestion}?" if unknown.suggestion else ""
        problems.append(f"{unknown.name}: unknown parameter.{suggestion}")
    if request.GET.get("bom", "0") not in ("0", "1"):
        problems.append("bom: use bom=1 for a byte-order mark (for Excel), or leave it out.")
    if request.GET.get("hxl", "0") not in ("0", "1"):
        problems.append(
            "hxl: use hxl=1 for a row of HXL hashtags under the header, hxl=0 or nothing for none."
        )
    if not filterset.is_valid():
        for name, errors in filterset.errors.items():
            problems.extend(f"{name}: {error}" for error in errors)
    if problems:
        problems.append("")
        problems.append("Known parameters: " + ", ".join(filterset.known_parameters()) + ".")
        return None, bad_request(problems)
    if over_limit(request):
        return None, rate_limited()
    return filterset, None


class StreamedExport:
    """The response body: the header (and, asked for, the HXL hashtags), then the rows.
    Closing it frees the database and the slot."""

    def __init__(self, export, bom, slot, hxl=False):
        self.export = export
        self.bom = bom
        self.hxl = hxl
        self.slot = slot
        self.lines = None

    def __iter__(self):
        head = header_line(self.export.columns)
        if self.hxl:
            head += hxl_line(self.export.columns)
        yield (BOM if self.bom else b"") + head.encode()
        self.lines = self.export.lines()
        for chunk in self.lines:
            self.slot.renew()
            yield chunk

    def close(self):
        # The WSGI server calls this when the client has gone away, possibly
        # mid-file: end the rows first (stopping their query), then the export.
        try:
            if self.lines is not None:
                self.lines.close()
            self.export.close()
        finally:
            self.slot.release()


def csv_download(request, export_class):
    filterset, error = validate(request)
    if error:
        return error
    slot = None
    if request.method != "HEAD":
        slot, refusal = take_slot(request)
        if refusal:
            return refusal
    try:
        export = export_class(filterset, base_url=shipment_pages_url(request))
        rows = export.count()
        stamp = export.data_as_of()
        if slot is None:
            # HEAD: the headers a download would carry, without reading its rows.
            export.close()
            body = ()
        else:
            body = StreamedExport(
                export,
                bom=request.GET.get("bom") == "1",
                hxl=request.GET.get("hxl") == "1",
                slot=slot,
            )
    except BaseException:
        if slot is not None:
            slot.release()
        raise
    response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
    filename = export_filename(export.name, filterset, "csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Row-Count"] = str(rows)
    return dated(response, filterset, stamp=stamp)


def dated(response, filterset, stamp=None):
    """`response` with the moment its data is as of (`stamp`, if the caller has it): the one
    asked for, or that of the latest change, so that the same data can be asked for again
    with `as_of`."""
    if stamp is None:
        moment = filterset.as_of_moment()
        stamp = as_of.stamp(moment) if moment else as_of.current_stamp()
    response[as_of.HEADER] = stamp
    return response


def read_only(view):
    """GET and HEAD only: any other method is answered 405 with the methods allowed.

    Exempt from the CSRF check, which would otherwise refuse a POST with a 403
    before the view could say which methods it takes: these views change nothing.
    """
    return csrf_exempt(require_safe(view))


@read_only
@as_of.view_as_of()
def shipments_csv(request):
    return csv_download(request, ShipmentsExport)


@read_only
@as_of.view_as_of()
def items_csv(request):
    return csv_download(request, ItemsExport)


@read_only
@as_of.view_as_of()
def shipments_json(request):
    number = page_number(request.GET.get(PAGE_PARAM) or "1")
    if number is None:
        return bad_request([f"{PAGE_PARAM}: give a whole number of 1 or more."])
    filterset, error = validate(request)
    if error:
        return error
    shipments = (
        filterset.qs.select_related("recipient", "pledge", "emergency")
        .prefetch_related("donors", "items__category", "items__rejections", "sources")
        .with_published_deliveries()
    )
    paginator = Paginator(shipments, JSON_PAGE_SIZE)
    try:
        page = paginator.page(number)
    except EmptyPage:
        return JsonResponse(
            {
                "error": f"There is no page {request.GET[PAGE_PARAM]}; "
                f"the last page is {paginator.num_pages}."
            },
            status=404,
        )

    def page_url(number):
        query = request.GET.copy()
        query[PAGE_PARAM] = number
        return request.build_absolute_uri("?" + query.urlencode())

    base_url = shipment_pages_url(request)
    counts = facets.of_sample(filterset.qs, filterset.categories(), filterset.crises())
    moment = filterset.as_of_moment()
    stamp = as_of.stamp(moment) if moment else as_of.current_stamp()
    response = JsonResponse(
        {
            "as_of": stamp,
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "next": page_url(page.next_page_number()) if page.has_next() else None,
            "previous": page_url(page.previous_page_number()) if page.has_previous() else None,
            "totals": totals_json(filterset.qs.category_totals(filterset.category_slugs())),
            "facets": facets_json(counts.values()),
            "facets_exact": counts.exact,
            "results": [shipment_json(shipment, base_url) for shipment in page],
        },
        json_dumps_params={"ensure_ascii": False},
    )
    return dated(response, filterset, stamp=stamp)


@read_only
def datapackage_json(request):
    """The Frictionless data package of both CSVs, addressed at the host that was asked."""
    if request.GET:
        names = ", ".join(sorted(request.GET))
        return bad_request([f"{names}: unknown parameter. /datapackage.json takes none."])
    descriptor = data_package(
        shipments_url=request.build_absolute_uri(reverse("shipments-csv")),
        items_url=request.build_absolute_uri(reverse("items-csv")),
        home_url=request.build_absolute_uri(reverse("home")),
        about_url=request.build_absolute_uri(reverse("about-data")),
    )
    response = JsonResponse(descriptor, json_dumps_params={"ensure_ascii": False, "indent": 2})
    patch_cache_control(response, public=True, max_age=DATA_PACKAGE_MAX_AGE)
    set_response_etag(response)
    return get_conditional_response(request, etag=response["ETag"], response=response)
