"""What the shipment list shows around its rows: active filters, sort links, downloads, pages.

Every link keeps the reader's filters as they were given (minus the page),
so a link to a download or another sort order selects exactly the same
shipments as the page it is on.
"""

from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.core.exceptions import BadRequest
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import Http404, QueryDict
from django.urls import reverse
from django_countries import countries

from shipments.facets import COUNT_LIMIT
from shipments.filters import PAGE_PARAM
from shipments.public.jinja2 import in_sentence
from shipments.sorts import DESCENDING, SORTS

PAGE_SIZE = 50

# The export endpoints of the public contract; they read the same filters.
DOWNLOADS = [
    ("Shipments (CSV)", "shipments-csv", True),
    ("Supply lines (CSV)", "items-csv", True),
    ("Shipments (JSON)", "shipments-json", False),
]


def filter_params(filterset):
    """The request's filter parameters as given, without the page, rendering flags or blanks."""
    params = QueryDict(mutable=True)
    for name in filterset.filters:
        values = [value for value in filterset.data.getlist(name) if value.strip()]
        if values:
            params.setlist(name, values)
    return params


def url_with(params, **changes):
    """The list's address for `params` changed by `changes` (None removes a parameter)."""
    params = params.copy()
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        elif isinstance(value, list):
            if value:
                params.setlist(name, value)
            else:
                params.pop(name, None)
        else:
            params[name] = value
    query = params.urlencode()
    return f"{reverse('shipment-list')}?{query}" if query else reverse("shipment-list")


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    value: str
    remove_url: str


def active_filters(filterset):
    """One ActiveFilter per value the reader asked for, each with a link that drops only it.

    Call only on a valid filterset. Values are named as a reader knows them
    (country and category names rather than codes).
    """
    used = filterset.filters_in_use()
    params = filter_params(filterset)
    names = {
        "donor_country": dict(countries),
        "recipient_country": dict(countries),
        # Only parties the public may know: a slug of any other reads as given.
        **filterset.form.slug_names,
    }
    active = []
    for name, values in used.items():
        form_field = filterset.form.fields[name]
        if isinstance(form_field, forms.MultipleChoiceField):
            labels = names.get(name) or dict(form_field.choices)
            for one in values:
                rest = [other for other in values if other != one]
                active.append(
                    ActiveFilter(
                        form_field.label,
                        labels.get(one, one),
                        url_with(params, **{name: rest, PAGE_PARAM: None}),
                    )
                )
        else:
            [value] = values
            shown = value.isoformat() if hasattr(value, "isoformat") else f"“{value}”"
            active.append(
                ActiveFilter(
                    form_field.label, shown, url_with(params, **{name: None, PAGE_PARAM: None})
                )
            )
    return active


@dataclass(frozen=True)
class FacetLink:
    """One value of a facet: how many listed shipments hold it, and a link that adds it to
    the filters (or, when `selected`, removes it)."""

    value: str
    label: str
    count: int
    url: str
    selected: bool


@dataclass(frozen=True)
class Facet:
    """A facet's values with the most shipments (and every selected one); `more` counts the
    values left out, which the filter form offers."""

    name: str
    label: str
    values: list[FacetLink]
    more: int = 0


# Values shown per facet: a page with every country of a large selection linked
# took a third longer to draw. /shipments.json gives them all.
FACET_SIZE = 10


def facets(filterset, counts):
    """The list's Facets from `counts` (shipments.facets.FacetCounts) of its selection.

    Several values of one filter select shipments holding any of them, so a
    link that adds a value to a filter in use widens the selection.
    """
    used = filterset.filters_in_use()
    params = filter_params(filterset)
    found = []
    for name, values in counts.values().items():
        chosen = used.get(name, [])
        shown = [one for rank, one in enumerate(values) if rank < FACET_SIZE or one.value in chosen]
        links = []
        for one in shown:
            selected = one.value in chosen
            if selected:
                target = [other for other in chosen if other != one.value]
            else:
                target = [*chosen, one.value]
            url = url_with(params, **{name: target, PAGE_PARAM: None})
            links.append(FacetLink(one.value, one.label, one.count, url, selected))
        label = filterset.form.fields[name].label
        found.append(Facet(name, label, links, more=len(values) - len(shown)))
    return found


def _any_of(words):
    """ "masks", "masks or gloves", "masks, gloves or ventilators"."""
    words = list(words)
    return " or ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def selection_summary(filterset, paginator):
    """Words saying what the list holds, e.g. "12 shipments of masks from China to Italy,
    delivered" (call only on a valid filterset)."""
    count = paginator.count
    if paginator.count_is_exact:
        head = f"{count:,} shipment{'' if count == 1 else 's'}"
    else:
        head = f"More than {paginator.limit:,} shipments"
    return head + selection_words(filterset)


def selection_title(filterset):
    """The selection named as a title, e.g. "Shipments of masks from China to Italy,
    delivered" (call only on a valid filterset)."""
    return "Shipments" + selection_words(filterset)


def selection_words(filterset):
    """The words after "shipments" that name the selection, e.g. " of masks from China to
    Italy, delivered"; empty for the whole list."""
    rest = dict(filterset.filters_in_use())
    words = [""]

    def labels(name):
        choices = dict(filterset.form.fields[name].choices)
        return [str(choices.get(value, value)) for value in rest.pop(name, [])]

    if "q" in rest:
        words.append(f"matching “{rest.pop('q')[0]}”")
    if "category" in rest:
        words.append("of " + _any_of(in_sentence(label) for label in labels("category")))
    if "crisis" in rest:
        words.append("for " + _any_of(labels("crisis")))
    if "donor_country" in rest:
        words.append("from " + _any_of(labels("donor_country")))
    if "recipient_country" in rest:
        words.append("to " + _any_of(labels("recipient_country")))
    if "donor_kind" in rest:
        kinds = _any_of(label.lower() for label in labels("donor_kind"))
        words.append(f"given by a donor of kind {kinds}")
    after, before = rest.pop("shipped_after", [None])[0], rest.pop("shipped_before", [None])[0]
    if after and before:
        words.append(f"shipped from {after.isoformat()} to {before.isoformat()}")
    elif after or before:
        words.append(
            f"shipped on or {'after' if after else 'before'} {(after or before).isoformat()}"
        )
    if "verification" in rest:
        words.append(_any_of(label.lower() for label in labels("verification")))
    sentence = " ".join(words)
    if "status" in rest:
        sentence += ", " + _any_of(label.lower() for label in labels("status"))
    if rest:
        sentence += f", with {len(rest)} more filter{'' if len(rest) == 1 else 's'}"
    return sentence


# The list's columns: (heading, sort key or None, CSS class, hint). The Date column shows
# each shipment's best-known date (arrived, else shipped, else announced); its heading
# sorts by shipping date, the list's own order, and says so. The arrival and
# announcement sorts stay in the form's "Sort by".
COLUMNS = [
    ("Reference", "reference", "", ""),
    # What was shipped comes first, so a phone shows it without scrolling sideways.
    ("Supplies", None, "supplies", ""),
    ("Donors", None, "", ""),
    ("Recipient", "recipient", "", ""),
    ("Route", "origin_country", "", ""),
    ("Status", "status", "", ""),
    ("Date", "shipped_on", "", "sorts by shipped date"),
    ("Weight (kg)", "weight_kg", "num", ""),
    ("Value (USD)", "value_usd", "num", ""),
]


@dataclass(frozen=True)
class Heading:
    label: str
    url: str = ""
    aria_sort: str = ""
    css_class: str = ""
    hint: str = ""


def sort_headings(filterset):
    """Column headings; a sortable one links to its sort, reversed when it is the current one."""
    params = filter_params(filterset)
    current = filterset.sort_key()
    headings = []
    for label, key, css_class, hint in COLUMNS:
        if key is None:
            headings.append(Heading(label, css_class=css_class, hint=hint))
            continue
        if current == key:
            target, aria_sort = DESCENDING + key, "ascending"
        elif current == DESCENDING + key:
            target, aria_sort = key, "descending"
        else:
            target, aria_sort = SORTS[key].first_direction + key, ""
        headings.append(
            Heading(
                label,
                url_with(params, sort=target, **{PAGE_PARAM: None}),
                aria_sort,
                css_class,
                hint,
            )
        )
    return headings


@dataclass(frozen=True)
class Download:
    label: str
    url: str
    excel_url: str = ""
    hxl_url: str = ""


def feed_url(filterset):
    """The address of the Atom feed of the same selection's changes (in its own order)."""
    params = filter_params(filterset)
    params.pop("sort", None)
    path = reverse("shipments-atom")
    return f"{path}?{params.urlencode()}" if params else path


def downloads(filterset):
    """Links to the exports of the same selection; each CSV also in an Excel-friendly variant
    and with HXL hashtags."""
    params = filter_params(filterset)
    query = params.urlencode()
    with_bom = params.copy()
    with_bom["bom"] = "1"
    with_hxl = params.copy()
    with_hxl["hxl"] = "1"
    links = []
    for label, url_name, is_csv in DOWNLOADS:
        path = reverse(url_name)
        url = f"{path}?{query}" if query else path
        excel_url = f"{path}?{with_bom.urlencode()}" if is_csv else ""
        hxl_url = f"{path}?{with_hxl.urlencode()}" if is_csv else ""
        links.append(Download(label, url, excel_url, hxl_url))
    return links


# Counting every row of a large selection, or adding it up, takes longer than
# showing a page of it: beyond COUNT_LIMIT (1,000), the list says "more than
# 1,000", shows the totals only of the selections kept in the cache, and
# facets counted on the rows it read. Counting ten times as far took up to a
# third of a second for a combination of filters at a million shipments.
# Far beyond any data; keeps the row offset within what databases accept.
MAX_PAGE = 10**9


class ListPaginator(Paginator):
    """Pages of a selection that may hold millions of rows, in a constant number of queries.

    Unless the caller knows the count (e.g. from cached totals), one query
    reads the keys of up to `limit` + 1 rows of the selection (`head`), each
    with the columns `fields` names: their number is the count, exact up to
    `limit` (`count_is_exact`), and within it they are the whole selection
    (`keys`), so that its totals and facets need not filter it again.
    Beyond it, pages are numbered but not counted, and a page past the end
    is found empty. Each page is one query: the keys of its rows,
    which the index of the list's order gives without reading the table,
    then those rows.
    """

    def __init__(self, object_list, per_page, count=None, limit=None, fields=()):
        super().__init__(object_list, per_page)
        self.known_count = count
        self.limit = COUNT_LIMIT if limit is None else limit
        self.fields = fields

    @cached_property
    def head(self):
        """Up to `limit` + 1 rows, in no order, each a key then `fields` (unread when the
        count is known)."""
        rows = self.object_list.order_by().values_list("pk", *self.fields)
        return list(rows[: self.limit + 1])

    @cached_property
    def count(self):
        return self.known_count if self.known_count is not None else len(self.head)

    @cached_property
    def count_is_exact(self):
        return self.known_count is not None or self.count <= self.limit

    @cached_property
    def keys(self):
        """Every key of the selection when it is within the limit, else None."""
        if self.known_count is None and self.count <= self.limit:
            return [row[0] for row in self.head]
        return None

    @cached_property
    def num_pages(self):
        return super().num_pages if self.count_is_exact else None

    def validate_number(self, number):
        if self.count_is_exact:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("That page number is not an integer") from error
        if not 1 <= number <= MAX_PAGE:
            raise EmptyPage("That page contains no results")
        return number

    def page(self, number):
        number = self.validate_number(number)
        offset = (number - 1) * self.per_page
        if self.keys is None:
            # The keys of the page's rows first, which the index of the list's
            # order gives without reading the table, however deep the page.
            keys = self.object_list.values("pk")[offset : offset + self.per_page + 1]
            rows = list(self.object_list.filter(pk__in=keys))
        else:
            # Within the count limit the head holds every key of the selection: a
            # page is sorted out of those few rows, rather than found by walking the
            # list's order until enough rows pass the filters, far down it for a
            # narrow selection.
            selection = self.object_list.filter(pk__in=self.keys)
            rows = list(selection[offset : offset + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        return ListPage(rows[: self.per_page], number, self, has_next=len(rows) > self.per_page)


class ListPage(Page):
    def __init__(self, object_list, number, paginator, has_next):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self):
        return self._has_next

    def end_index(self):
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0


def paginate(queryset, number, count=None, fields=()):
    """The requested page; a page that is not a number is a 400, one past the end a 404.

    `count`, when the caller knows it, spares counting the selection; else
    the rows read to count it hold the columns `fields` names.
    """
    paginator = ListPaginator(queryset, PAGE_SIZE, count=count, fields=fields)
    try:
        return paginator.page(number or 1)
    except PageNotAnInteger as error:
        raise BadRequest("The page must be a whole number, e.g. page=2.") from error
    except EmptyPage as error:
        raise Http404(f"There is no page {number} in this list.") from error
