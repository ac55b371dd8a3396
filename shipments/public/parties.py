"""The indexes of donors and recipients: every party named on a published shipment, with
how many it gave or received, searchable by name and filterable by country and kind.

The whole index of one kind of party is one grouped query, kept in the cache until the
data changes; searching, filtering and paging it is done on that list, so a page costs
the same few queries whatever the number of parties or shipments.
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import BadRequest
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy
from django_countries import countries

from shipments.models import Shipment
from shipments.public.cache import cached
from shipments.public.jinja2 import country_name

PAGE_SIZE = 100


@dataclass(frozen=True)
class PartyRow:
    """One party of the index and its published shipments."""

    name: str
    slug: str
    kind: str
    country: str
    city: str
    shipments: int


def index(model):
    """Every donor or recipient (`model`) of a published shipment, most shipments first,
    then by name."""

    def compute():
        rows = Shipment.objects.published().count_by_party(model)
        parties = [
            PartyRow(
                row["name"],
                row["slug"],
                row["kind"],
                row["country"],
                row.get("city", ""),
                row["shipments"],
            )
            for row in rows
        ]
        return sorted(parties, key=lambda row: (-row.shipments, row.name.casefold(), row.slug))

    return cached(f"parties:{model._meta.model_name}", compute)


INVALID_KIND = {
    "donor": gettext_lazy("“%(value)s” is not a kind of donor: use one of %(kinds)s."),
    "recipient": gettext_lazy("“%(value)s” is not a kind of recipient: use one of %(kinds)s."),
}


class PartyIndexForm(forms.Form):
    """The index's parameters: a name to search for, a country and a kind."""

    q = forms.CharField(
        label=gettext_lazy("Name"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Part of a name, e.g. foundation. Every word must appear."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    country = forms.CharField(label=gettext_lazy("Country"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)

    def __init__(self, data, model, parties):
        super().__init__(data)
        # Any kind or country is valid (one with no party lists none); the choices offered
        # are those of the parties listed, and the one asked for.
        self.fields["kind"].choices = [("", gettext("Any kind")), *model.Kind.choices]
        # %(value)s stays for the form to fill in with the value given.
        self.fields["kind"].error_messages["invalid_choice"] = INVALID_KIND[
            model._meta.model_name
        ] % {"value": "%(value)s", "kinds": ", ".join(model.Kind.values)}
        asked = {name: str(data.get(name, "")).strip() for name in ("kind", "country")}
        kinds = {party.kind for party in parties} | {asked["kind"]}
        self.kind_choices = [
            (value, label) for value, label in model.Kind.choices if value in kinds
        ]
        codes = {party.country for party in parties} | {asked["country"].upper()}
        self.country_choices = sorted(
            ((code, country_name(code)) for code in codes if code in countries),
            key=lambda choice: choice[1],
        )

    def clean_country(self):
        code = self.cleaned_data["country"].strip().upper()
        if code and code not in countries:
            raise forms.ValidationError(
                gettext("Give a country as its two-letter ISO code, e.g. IT or EU."),
                code="invalid",
            )
        return code

    def select(self, parties):
        """The parties matching the valid form's search, country and kind."""
        words = self.cleaned_data["q"].casefold().split()
        country = self.cleaned_data["country"]
        kind = self.cleaned_data["kind"]
        return [
            party
            for party in parties
            if (not country or party.country == country)
            and (not kind or party.kind == kind)
            and all(word in party.name.casefold() for word in words)
        ]


class IndexPaginator(Paginator):
    # The index counts every row it pages (see _paging.html and donors/_count.html).
    count_is_exact = True


def paginate(rows, number):
    """The requested page of `rows`; a page that is not a number is a 400, one past the
    end a 404, as on the list of shipments."""
    paginator = IndexPaginator(rows, PAGE_SIZE)
    try:
        if int(number or 1) < 1:
            raise PageNotAnInteger
        return paginator.page(number or 1)
    except (ValueError, PageNotAnInteger) as error:
        raise BadRequest("The page must be a whole number from 1, e.g. page=2.") from error
    except EmptyPage as error:
        raise Http404(f"There is no page {number} in this index.") from error
