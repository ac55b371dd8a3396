"""The one FilterSet behind the public list, both CSVs and the JSON.

Every renderer validates first: an invalid value is answered with a 400
naming the parameter, never ignored, so a selection is never silently
broader than what was asked for.
"""

import difflib
import functools
from dataclasses import dataclass
from operator import or_

import django_filters
from django import forms
from django.core.validators import ProhibitNullCharactersValidator, validate_slug
from django.db.models import Q, Value
from django_countries import countries

from donors.models import Donor, Recipient
from shipments import as_of, search
from shipments.models import (
    GLIDE_EXAMPLE,
    Emergency,
    Shipment,
    SupplyCategory,
    Verification,
    is_glide,
    public_parties,
)
from shipments.sorts import DEFAULT_SORT, sort_choices, sort_expressions

# Parameters the renderers read themselves rather than through a filter.
PAGE_PARAM = "page"
RENDERING_PARAMS = {PAGE_PARAM, "bom", "hxl"}

MAX_VALUES = 50
MAX_SEARCH_LENGTH = 200
MAX_NAME_LENGTH = 200
MAX_MOMENT_LENGTH = 40
# Names read to suggest one for a name that matches none.
SUGGESTION_CANDIDATES = 200


@dataclass(frozen=True)
class UnknownParameter:
    """A query parameter nobody reads, and the known one it most resembles (or None)."""

    name: str
    suggestion: str | None


class MultipleValueField(forms.MultipleChoiceField):
    """Repeated parameters (`?status=a&status=b`) or comma-separated ones (`?status=a,b`)."""

    def __init__(self, *args, normalise=str.strip, **kwargs):
        self.normalise = normalise
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        values = []
        for raw in super().to_python(value):
            values.extend(self.normalise(part) for part in raw.split(",") if part.strip())
        if len(values) > MAX_VALUES:
            raise forms.ValidationError(f"Give at most {MAX_VALUES} values.")
        return values


class SlugListField(MultipleValueField):
    """Several slugs; any well-formed slug is accepted (an unknown one matches nothing)."""

    def valid_value(self, value):
        try:
            validate_slug(value)
        except forms.ValidationError:
            return False
        return len(value) <= 200


class GlideListField(MultipleValueField):
    """GLIDE numbers of emergencies, in any case. One not written as a GLIDE number, or that
    no emergency has, is an error that says so and names those there are: an empty list
    would read as "no aid for that crisis"."""

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        for glide in value:
            if not is_glide(glide):
                raise forms.ValidationError(
                    f"“{glide}” is not a GLIDE number: write it as XX-YYYY-NNNNNN-CCC, "
                    f"e.g. {GLIDE_EXAMPLE}.",
                    code="invalid",
                )
            if not self.valid_value(glide):
                known = "; ".join(f"{code} ({name})" for code, name in self.choices)
                raise forms.ValidationError(
                    f"No emergency has the GLIDE number {glide}. Those recorded: {known}.",
                    code="invalid_choice",
                )


class PartyNameField(MultipleValueField):
    """Names of donors or recipients, each as typed (see ShipmentFilterForm for how they are
    matched).

    Names may hold commas ("Ministry of Health, Italy"), so several are given
    by repeating the parameter only.
    """

    default_validators = [ProhibitNullCharactersValidator()]

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value, list | tuple):
            raise forms.ValidationError("Give names as text.")
        values = list(dict.fromkeys(str(raw).strip() for raw in value if str(raw).strip()))
        if len(values) > MAX_VALUES:
            raise forms.ValidationError(f"Give at most {MAX_VALUES} names.")
        if any(len(name) > MAX_NAME_LENGTH for name in values):
            raise forms.ValidationError(f"A name has at most {MAX_NAME_LENGTH} characters.")
        return values

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def run_validators(self, value):
        for name in value:
            super().run_validators(name)


@dataclass(frozen=True)
class PartyParameters:
    """The two parameters that choose parties of one kind (`model`): by slug and by name."""

    model: type
    slug: str
    name: str


PARTY_PARAMETERS = [
    PartyParameters(Donor, "donor", "donor_name"),
    PartyParameters(Recipient, "recipient", "recipient_name"),
]


class ShipmentFilterForm(forms.Form):
    """Matches the parties given by slug or by name, in one query for both kinds of party.

    A name is matched whole and in any case among the parties with published
    shipments, and becomes their names as published. A name that matches none
    is an error that suggests the closest one: an empty list would read as
    "none of them" when the name was simply mistyped. A slug that matches none
    selects nothing, as it always has; those that match are named in
    `slug_names`, so that the page can name them without asking again.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # {parameter: {slug: name}} of the slugs given that name a public party.
        self.slug_names = {}

    def clean(self):
        cleaned = super().clean()
        wanted = {}
        for party in PARTY_PARAMETERS:
            slugs = cleaned.get(party.slug) or []
            names = cleaned.get(party.name) or []
            if slugs or names:
                wanted[party] = (slugs, names)
        # One query for donors and recipients alike, so that a list filtered by
        # both stays within its budget of queries.
        found = {party: [] for party in wanted}
        for party, slug, name in self.find_parties(wanted):
            found[party].append((slug, name))
        for party, (slugs, names) in wanted.items():
            self.slug_names[party.slug] = {
                slug: name for slug, name in found[party] if slug in slugs
            }
            if names:
                matched = self.match_names(party, names, [name for _, name in found[party]])
                if matched is not None:
                    cleaned[party.name] = matched
        return cleaned

    @staticmethod
    def find_parties(wanted):
        """(PartyParameters, slug, name) of the public parties {PartyParameters: (slugs,
        names)} asks for, by slug or by name in any case."""
        queries = [
            public_parties(party.model)
            .filter(
                functools.reduce(
                    or_, [Q(slug__in=slugs), *(Q(name__iexact=name) for name in names)]
                )
            )
            .annotate(parameter=Value(party.slug))
            .order_by()
            .values_list("parameter", "slug", "name")
            for party, (slugs, names) in wanted.items()
        ]
        if not queries:
            return []
        by_parameter = {party.slug: party for party in wanted}
        rows = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
        return [(by_parameter[parameter], slug, name) for parameter, slug, name in rows]

    def match_names(self, party, names, published):
        """The published names `names` match, in any case; None, with an error, if one
        matches none."""
        matched = []
        for name in names:
            matches = sorted({one for one in published if one.casefold() == name.casefold()})
            if not matches:
                self.add_error(party.name, unknown_name_message(party.model, name))
                return None
            matched.extend(one for one in matches if one not in matched)
        return matched


def unknown_name_message(model, name):
    message = f"No {model._meta.verbose_name} with published shipments is named “{name}”."
    suggestion = closest_name(model, name)
    if suggestion:
        message += f" Did you mean “{suggestion}”?"
    return message


def closest_name(model, name):
    """The published name of a `model` party most like `name`, among those sharing its start
    or its longest word, or whose slug it is; None when none is close."""
    longest = max(name.split(), key=len)
    candidates = list(
        public_parties(model)
        .filter(Q(name__istartswith=name[:3]) | Q(name__icontains=longest) | Q(slug=name.lower()))
        .order_by("name")
        .values_list("name", "slug")[:SUGGESTION_CANDIDATES]
    )
    for candidate, slug in candidates:
        if slug == name.lower():
            return candidate
    folded = {candidate.casefold(): candidate for candidate, _ in candidates}
    close = difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


class PartyNameWidget(forms.TextInput):
    """A text box for a name, drawn once for each name given (see _fields.html)."""

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)


class MultipleValueFilter(django_filters.MultipleChoiceFilter):
    field_class = MultipleValueField


class SlugListFilter(django_filters.MultipleChoiceFilter):
    field_class = SlugListField


class GlideListFilter(django_filters.MultipleChoiceFilter):
    field_class = GlideListField


class PartyNameFilter(django_filters.MultipleChoiceFilter):
    field_class = PartyNameField


class SplitValuesMixin:
    """Shows values as the filter reads them: `?status=a,b` and `?recipient_country=it`
    come back selected in the form."""

    def __init__(self, *args, normalise=str.strip, **kwargs):
        self.normalise = normalise
        super().__init__(*args, **kwargs)

    def format_value(self, value):
        return [
            self.normalise(part)
            for raw in super().format_value(value)
            for part in raw.split(",")
            if part.strip()
        ]


class ChoiceListWidget(SplitValuesMixin, forms.SelectMultiple):
    """A list of hundreds of countries; the list page draws it with a Jinja2 macro
    (templates/public/shipments/_fields.html)."""


class CheckboxListWidget(SplitValuesMixin, forms.CheckboxSelectMultiple):
    """A checkbox for each choice; the list page draws them with a Jinja2 macro."""


class SortWidget(forms.Select):
    """Shows the default order as selected when none is asked for, so resubmitting keeps it."""

    def __init__(self, *args, default=DEFAULT_SORT, **kwargs):
        self.default = default
        super().__init__(*args, **kwargs)

    def format_value(self, value):
        return super().format_value(value) if value else [self.default]


# The parameters that select by arrival date, and the order a selection by them
# takes when none is asked for.
ARRIVAL_PARAMETERS = ("arrived_after", "arrived_before")
ARRIVAL_SORT = "-arrived_on"


def default_sort(data):
    """The order of a query string that asks for none: the latest arrived first when it
    selects by arrival date, else the latest shipped first.

    A range of early arrivals read in shipping order would be found only at
    the far end of a million shipments: the two dates go together, which the
    database's statistics cannot tell.
    """
    if data is not None and any(str(data.get(name) or "").strip() for name in ARRIVAL_PARAMETERS):
        return ARRIVAL_SORT
    return DEFAULT_SORT


class SlugListWidget(forms.TextInput):
    """A text box for several slugs, separated by commas; reads repeated parameters too."""

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(part for part in value if part) or None
        return super().format_value(value)


def supply_categories():
    """(slug, name, key) of every category, in their order."""
    return list(SupplyCategory.objects.values_list("slug", "name", "pk"))


def emergencies():
    """(GLIDE number, name, key) of every emergency, in their order."""
    return list(Emergency.objects.in_order().values_list("glide", "name", "pk"))


def country_choices():
    return [(code, name) for code, name in countries]


def upper_code(value):
    return value.strip().upper()


def lower_slug(value):
    return value.strip().lower()


DATE_FORMAT = "YYYY-MM-DD"


class StrictDateField(forms.DateField):
    """A date written one way only, as the exports write it.

    A text box rather than the browser's date picker: the picker shows the
    reader's local format (mm/dd/yyyy) where the page and its messages say
    YYYY-MM-DD, and empties itself of a value it cannot read, which the
    reader then cannot correct.
    """

    input_formats = ["%Y-%m-%d"]
    widget = forms.DateInput(
        attrs={"placeholder": DATE_FORMAT, "autocomplete": "off", "spellcheck": "false"},
        format="%Y-%m-%d",
    )
    default_error_messages = {"invalid": f"Enter a date as {DATE_FORMAT}, e.g. 2020-03-18."}


class AsOfField(forms.CharField):
    """A moment in the change history: the data is read as it stood then (`shipments.as_of`).

    The view reads it before the form does, since the form's own queries (the parties'
    names, the categories) must read the past as well; the form checks it again so that
    a wrong one is answered like any other invalid value.
    """

    widget = forms.TextInput(
        attrs={"placeholder": "YYYY-MM-DD", "autocomplete": "off", "spellcheck": "false"}
    )

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        if len(value) > MAX_MOMENT_LENGTH:
            raise forms.ValidationError(f"Give a date or a date-time, e.g. {as_of.EXAMPLE}.")
        try:
            return as_of.parse(value)
        except as_of.AsOfError as error:
            raise forms.ValidationError(str(error)) from None


class AsOfFilter(django_filters.Filter):
    field_class = AsOfField


class StrictDateFilter(django_filters.DateFilter):
    field_class = StrictDateField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", f"{DATE_FORMAT}, e.g. 2020-03-18.")
        super().__init__(*args, **kwargs)


class ShipmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label="Search",
        max_length=MAX_SEARCH_LENGTH,
        help_text="Reference, party, supply description or notes.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    donor_country = MultipleValueFilter(
        method="filter_donor_country",
        label="Donor country",
        choices=country_choices,
        normalise=upper_code,
        widget=ChoiceListWidget(normalise=upper_code, attrs={"size": 6}),
        help_text="The country of any of the donors; each with how many published shipments "
        "its donors gave. Select several to see any of them.",
    )
    recipient_country = MultipleValueFilter(
        field_name="recipient__country",
        label="Recipient country",
        choices=country_choices,
        normalise=upper_code,
        distinct=False,
        widget=ChoiceListWidget(normalise=upper_code, attrs={"size": 6}),
        help_text="Each with how many published shipments it received. "
        "Select several to see any of them.",
    )
    donor_name = PartyNameFilter(
        method="filter_donor_name",
        label="Donor",
        widget=PartyNameWidget(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="Its name as published, in any case, e.g. Jack Ma Foundation.",
    )
    recipient_name = PartyNameFilter(
        method="filter_recipient_name",
        label="Recipient",
        widget=PartyNameWidget(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="Its name as published, in any case, e.g. Lombardy.",
    )
    donor = SlugListFilter(
        method="filter_donor",
        label="Donor",
        normalise=lower_slug,
        widget=SlugListWidget(),
        help_text="The short name in the donor's page address, e.g. jack-ma-foundation; "
        "separate several with commas.",
    )
    recipient = SlugListFilter(
        field_name="recipient__slug",
        label="Recipient",
        normalise=lower_slug,
        distinct=False,
        widget=SlugListWidget(),
        help_text="The short name in the recipient's page address; separate several with commas.",
    )
    donor_kind = MultipleValueFilter(
        method="filter_donor_kind",
        label="Donor kind",
        choices=Donor.Kind.choices,
        widget=CheckboxListWidget(),
    )
    category = MultipleValueFilter(
        method="filter_category",
        label="Category",
        # Set per filterset from the categories it reads once (see __init__).
        choices=(),
        normalise=lower_slug,
        widget=CheckboxListWidget(normalise=lower_slug),
        help_text="Shipments holding any supply of these categories.",
    )
    status = MultipleValueFilter(
        field_name="status",
        label="Status",
        choices=Shipment.Status.choices,
        normalise=lower_slug,
        distinct=False,
        widget=CheckboxListWidget(normalise=lower_slug),
    )
    quality = MultipleValueFilter(
        method="filter_quality",
        label="Quality",
        choices=[("rejected", "Some supplies rejected or returned")],
        normalise=lower_slug,
        widget=CheckboxListWidget(normalise=lower_slug),
        help_text="Shipments with supplies rejected or sent back, e.g. as defective.",
    )
    verification = MultipleValueFilter(
        field_name="verification",
        label="Verification",
        choices=Verification.choices,
        normalise=lower_slug,
        distinct=False,
        widget=CheckboxListWidget(normalise=lower_slug),
        help_text="How far the facts are established: the strongest claim of the shipment's "
        "sources.",
        error_messages={
            "invalid_choice": "“%(value)s” is not a verification level: use "
            + ", ".join(Verification.values[:-1])
            + f" or {Verification.values[-1]}."
        },
    )
    crisis = GlideListFilter(
        method="filter_crisis",
        label="Emergency",
        # Set per filterset from the emergencies it reads once (see __init__).
        choices=(),
        normalise=upper_code,
        widget=CheckboxListWidget(normalise=upper_code),
        help_text="Shipments sent for any of these emergencies, by GLIDE number.",
    )
    shipped_after = StrictDateFilter(
        field_name="shipped_on", lookup_expr="gte", label="Shipped on or after"
    )
    shipped_before = StrictDateFilter(
        field_name="shipped_on", lookup_expr="lte", label="Shipped on or before"
    )
    arrived_after = StrictDateFilter(
        field_name="arrived_on", lookup_expr="gte", label="Arrived on or after"
    )
    arrived_before = StrictDateFilter(
        field_name="arrived_on", lookup_expr="lte", label="Arrived on or before"
    )
    as_of = AsOfFilter(
        method="read_as_of",
        label="As it stood at",
        help_text="A date (its first moment) or a date-time, in UTC, e.g. 2020-04-01 or "
        "2020-04-01T12:00:00Z: the published data exactly as it stood then. Empty for "
        "today's.",
    )
    sort = django_filters.ChoiceFilter(
        method="sort_by",
        label="Sort by",
        choices=sort_choices,
        empty_label=None,
        widget=SortWidget(),
    )

    class Meta:
        model = Shipment
        fields = []
        form = ShipmentFilterForm

    def __init__(self, data=None, queryset=None, categories=None, crises=None, **kwargs):
        """`categories` and `crises`, when the caller has them (e.g. from a cache), spare
        reading them: the (slug, name, key) of every category, as `supply_categories()` gives
        them, and the (GLIDE number, name, key) of every emergency, as `emergencies()` does."""
        if queryset is None:
            queryset = Shipment.objects.published()
        super().__init__(data, queryset, **kwargs)
        self.default_sort = default_sort(data)
        self.filters["sort"].extra["widget"] = SortWidget(default=self.default_sort)
        # Read once, when first needed: validating, naming the active filters
        # and drawing the form would each query the categories again.
        self.categories = functools.cache(
            supply_categories if categories is None else lambda: categories
        )
        self.filters["category"].extra["choices"] = lambda: [
            (slug, name) for slug, name, _ in self.categories()
        ]
        self.crises = functools.cache(emergencies if crises is None else lambda: crises)
        self.filters["crisis"].extra["choices"] = lambda: [
            (glide, name) for glide, name, _ in self.crises()
        ]

    @classmethod
    def repeatable_parameters(cls):
        """The parameters that may repeat, or take comma-separated values, meaning any of them."""
        return [
            name
            for name, one in cls.base_filters.items()
            if issubclass(one.field_class, forms.MultipleChoiceField)
        ]

    def known_parameters(self):
        """Every parameter a list or an export reads, in alphabetical order."""
        return sorted(set(self.filters) | RENDERING_PARAMS)

    def unknown_parameters(self):
        """Names in the query string that no filter or renderer reads (e.g. typos), each
        with the known name it most resembles."""
        if self.data is None:
            return []
        known = self.known_parameters()
        return [
            UnknownParameter(name, next(iter(difflib.get_close_matches(name, known, n=1)), None))
            for name in sorted(self.data)
            if name not in known
        ]

    def filter_queryset(self, queryset):
        # Applying an invalid filterset would drop the invalid filters and
        # silently return more than was asked for.
        if self.is_bound and not self.is_valid():
            raise ValueError("Invalid filters are answered with a 400, never applied.")
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):
            queryset = self.sort_by(queryset, "sort", self.default_sort)
        return queryset

    def search(self, queryset, name, value):
        # Reference, recipient, donors, supply lines, notes and arrival point,
        # gathered in one column (see shipments.search).
        return queryset.filter(search.matches(value.strip())) if value.strip() else queryset

    def filter_donor_country(self, queryset, name, value):
        return queryset.with_donor_country(value) if value else queryset

    def filter_donor(self, queryset, name, value):
        return queryset.with_donor(value) if value else queryset

    def filter_donor_name(self, queryset, name, value):
        return queryset.with_donor_named(value) if value else queryset

    def filter_recipient_name(self, queryset, name, value):
        return queryset.filter(recipient__name__in=value) if value else queryset

    def filter_donor_kind(self, queryset, name, value):
        return queryset.with_donor_kind(value) if value else queryset

    def filter_quality(self, queryset, name, value):
        # "rejected" is the only quality recorded so far.
        return queryset.with_rejections() if value else queryset

    def filter_category(self, queryset, name, value):
        if not value:
            return queryset
        # By key rather than through a join on the slug, so that PostgreSQL
        # can tell a common category from a rare one and plan accordingly.
        keys = [pk for slug, _, pk in self.categories() if slug in value]
        return queryset.holding_categories(keys)

    def filter_crisis(self, queryset, name, value):
        if not value:
            return queryset
        # By key, as categories are: no join to the emergencies.
        return queryset.filter(
            emergency__in=[pk for glide, _, pk in self.crises() if glide in value]
        )

    def read_as_of(self, queryset, name, value):
        # Not a filter of the selection: the view reads the whole request as of it.
        return queryset

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*sort_expressions(value or self.default_sort))

    def filters_in_use(self):
        """The validated values of each filter the request uses, in the form's order, each
        as a list, e.g. `{"status": ["delivered"], "shipped_after": [date(2020, 3, 1)]}`.

        The sort order is not a filter: it changes no selection; nor is `as_of`, which
        changes the data the selection is made from (`as_of_moment()`).
        """
        used = {}
        for name, value in self.form.cleaned_data.items():
            if name in ("sort", "as_of") or value in (None, "", []):
                continue
            used[name] = list(value) if isinstance(value, list) else [value]
        return used

    def sort_key(self):
        """The validated sort key in use, e.g. `-shipped_on`."""
        return self.form.cleaned_data.get("sort") or self.default_sort

    def as_of_moment(self):
        """The validated moment the data is read as of, or None for today's data."""
        return self.form.cleaned_data.get("as_of")

    def category_slugs(self):
        """The validated `category` values; exports of items keep only these lines."""
        return self.form.cleaned_data.get("category") or []
