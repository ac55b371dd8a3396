"""/shipments.atom: the public changes of a selection of shipments as an Atom feed (RFC 4287).

The feed takes the list's filters, so a reader can follow one country, donor or category.
It has an entry per public change (publication included) of the selected shipments, the
newest `FEED_ENTRIES` first, each saying what changed ("Masks to Italy: 40,000 →
45,000"). Each shipment's latest change is its `last_changed`, so the newest entries are
all among the `FEED_ENTRIES` shipments changed last: only their change logs are rebuilt,
whatever the size of the selection.
"""

from django.db.models import F
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from shipments.changes import change_logs
from shipments.columns import DATETIME_FORMAT
from shipments.filters import ShipmentFilter
from shipments.public import change_log, listing

FEED_ENTRIES = 50
# Feed readers ask again every few minutes; a change shows within this.
MAX_AGE = 5 * 60
# The year in every entry's tag: URI (RFC 4151), a date the site's host name was its own.
TAG_YEAR = "2020"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"


def problems(filterset):
    """What is wrong with the query string, one line each; none when it can be served."""
    lines = []
    known = sorted(filterset.filters)
    for name in sorted(filterset.data):
        if name not in known:
            lines.append(f"{name}: unknown parameter. The feed takes the list's filters.")
    if not filterset.is_valid():
        for name, errors in filterset.errors.items():
            lines.extend(f"{name}: {error}" for error in errors)
    if lines:
        lines += ["", "Known parameters: " + ", ".join(known) + "."]
    return lines


def bad_request(lines):
    text = "Bad request.\n\n" + "\n".join(lines) + "\n"
    return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")


def newest_changes(filterset, limit=FEED_ENTRIES):
    """[(shipment, change_log.Entry)] of the selection, the newest first, at most `limit`."""
    shipments = list(
        filterset.qs.select_related("recipient")
        .prefetch_related("items")
        .order_by(F("last_changed").desc(nulls_last=True), F("id").desc())[:limit]
    )
    logs = change_logs(shipments)
    changes = [
        (shipment, entry)
        for shipment in shipments
        for entry in change_log.entries(logs[shipment.pk], shipment)
    ]
    changes.sort(key=lambda pair: (pair[1].when, pair[0].pk), reverse=True)
    return changes[:limit]


def feed_title(filterset):
    """ "AidTracker: changes to shipments", and the filters in words: "… (Recipient country:
    Italy; Status: Delivered)"."""
    title = "AidTracker: changes to published shipments"
    active = listing.active_filters(filterset)
    if active:
        title += " (" + "; ".join(f"{one.label}: {one.value}" for one in active) + ")"
    return title


def entry_id(host, shipment, entry):
    """A tag: URI (RFC 4151) that names this change for ever: the shipment's key and the
    change's time (its reference may be corrected)."""
    return f"tag:{host},{TAG_YEAR}:shipment-{shipment.pk}-{entry.when.strftime(DATETIME_FORMAT)}"


def summary(entry):
    """Every change of the entry, as HTML."""
    if not entry.rows:
        return format_html("<p>{}: {}.</p>", entry.heading, entry.subject)
    items = format_html_join("", "<li>{}</li>", ((row.words(),) for row in entry.rows))
    return format_html("<p>{}:</p><ul>{}</ul>", entry.heading, items)


@csrf_exempt
@require_safe
def shipments_atom(request):
    filterset = ShipmentFilter(request.GET)
    wrong = problems(filterset)
    if wrong:
        return bad_request(wrong)
    params = listing.filter_params(filterset)
    params.pop("sort", None)
    query = f"?{params.urlencode()}" if params else ""
    list_url = request.build_absolute_uri(reverse("shipment-list") + query)
    self_url = request.build_absolute_uri(reverse("shipments-atom") + query)
    host = request.get_host().split(":")[0]
    feed = Atom1Feed(
        title=feed_title(filterset),
        link=list_url,
        description="Shipments newly published, and every change to their public figures, "
        "the newest first.",
        feed_url=self_url,
        feed_guid=self_url,
        language="en",
        author_name="AidTracker",
    )
    for shipment, entry in newest_changes(filterset):
        feed.add_item(
            title=entry.title(),
            link=request.build_absolute_uri(shipment.get_absolute_url()),
            description=summary(entry),
            unique_id=entry_id(host, shipment, entry),
            unique_id_is_permalink=False,
            pubdate=entry.when,
            updateddate=entry.when,
        )
    response = HttpResponse(content_type=CONTENT_TYPE)
    feed.write(response, "utf-8")
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    set_response_etag(response)
    return get_conditional_response(request, etag=response["ETag"], response=response)
