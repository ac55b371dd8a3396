"""Staff forms: a shipment with its items and sources, as entered in the admin."""

from django import forms
from django.db import transaction
from django.utils import timezone
from django_countries import countries

from shipments.models import QuantityKind, Rejection, Shipment, ShipmentItem, Source

NEGATIVE = "{what} cannot be negative."


class ShipmentAdminForm(forms.ModelForm):
    """The shipment form; countries left blank are taken from the parties.

    It carries the version of the shipment it was opened on, and refuses to
    save over a newer one: two staff editing the same shipment never silently
    overwrite each other.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Shipment
        fields = [
            "reference",
            "donors",
            "recipient",
            "emergency",
            "status",
            "is_published",
            "origin_country",
            "destination_country",
            "announced_on",
            "shipped_on",
            "arrived_on",
            "transport_mode",
            "arrival_point",
            "weight_kg",
            "terms",
            "declared_value",
            "currency",
            "value_usd",
            "usd_rate",
            "rate_date",
            "rate_source",
            "pledge",
            "notes",
        ]
        error_messages = {
            "currency": {
                "invalid_choice": "%(value)s is not an ISO 4217 currency code in use, "
                "e.g. EUR, CNY or USD."
            },
            "weight_kg": {"min_value": NEGATIVE.format(what="A weight")},
            "declared_value": {"min_value": NEGATIVE.format(what="A value")},
            "value_usd": {"min_value": NEGATIVE.format(what="A value")},
            "usd_rate": {"min_value": "An exchange rate must be more than zero."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("origin_country", "destination_country"):
            if name in self.fields:
                self.fields[name].required = False
        self.fields["loaded_version"].initial = self.instance.version
        if "emergency" in self.fields:
            self.fields["emergency"].required = False

    def clean_emergency(self):
        # A form sent without one (a change held for review from before
        # emergencies were recorded) keeps the shipment's: a new one's is the
        # default emergency.
        chosen = self.cleaned_data.get("emergency")
        if chosen is None and self.instance.emergency_id is not None:
            return self.instance.emergency
        return chosen

    def clean(self):
        cleaned_data = super().clean()
        self.check_version(cleaned_data.get("loaded_version"))
        donors = cleaned_data.get("donors")
        recipient = cleaned_data.get("recipient")
        origin, destination = Shipment.countries_from_parties(donors or [], recipient)
        if not cleaned_data.get("origin_country") and "origin_country" not in self.errors:
            if origin:
                cleaned_data["origin_country"] = origin
            elif donors:
                self.add_error(
                    "origin_country", "The donors are from several countries: choose the origin."
                )
            else:
                self.add_error("origin_country", "Choose the origin, or the donors.")
        if not cleaned_data.get("destination_country") and "destination_country" not in self.errors:
            if destination:
                cleaned_data["destination_country"] = destination
            else:
                self.add_error("destination_country", "Choose the destination, or the recipient.")
        if cleaned_data.get("is_published") and self.instance.merged_into_id is not None:
            # Published again, the same delivery would be counted twice.
            self.add_error(
                "is_published",
                f"This shipment was merged into {self.instance.merged_into}, a report of the "
                "same delivery: publish that one.",
            )
        return cleaned_data

    def check_version(self, loaded_version):
        if self.instance._state.adding:
            return
        # Locked until the admin's transaction ends, so nobody can save in
        # between this check and this form's own save.
        with transaction.atomic():
            current = (
                Shipment.objects.select_for_update(of=("self",))
                .select_related("updated_by")
                .filter(pk=self.instance.pk)
                .first()
            )
        if current is None:
            raise forms.ValidationError("This shipment has been deleted since you opened it.")
        if loaded_version != current.version:
            who = current.updated_by.get_username() if current.updated_by else "someone"
            when = timezone.localtime(current.updated_at).strftime("%Y-%m-%d %H:%M:%S %Z")
            raise forms.ValidationError(
                f"This shipment was changed by {who} at {when} after you opened it, so your "
                "changes were not saved. Open the shipment again to see the latest version "
                "(and its history), then make your changes once more.",
                code="stale",
            )


class ShipmentItemInlineForm(forms.ModelForm):
    """A supply line: its figure, the kind of figure, and the bounds the words allow.

    Left blank, the kind is exact for a figure and "no figure" without one.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity_kind"].required = False

    def clean_quantity_kind(self):
        return self.cleaned_data["quantity_kind"] or QuantityKind.implied(
            self.cleaned_data.get("quantity")
        )

    class Meta:
        model = ShipmentItem
        fields = [
            "shipment",
            "category",
            "description",
            "quantity",
            "quantity_kind",
            "quantity_min",
            "quantity_max",
            "quantity_note",
            "unit",
            "value_usd",
            "position",
        ]
        error_messages = {
            "quantity": {
                "min_value": "A quantity cannot be negative; leave it blank if unknown.",
                "invalid": "Enter a whole number, without separators, e.g. 40000.",
            },
            "value_usd": {"min_value": NEGATIVE.format(what="A value")},
        }


class EvidenceFormSet(forms.BaseInlineFormSet):
    """Rows of a shipment's inline that a published shipment may not be left without.

    The shipment's own form has been validated before its inlines, so
    `self.instance` carries the publication as it will be saved.
    """

    def kept_rows(self):
        """How many rows the shipment will have: those stored and not deleted, and new ones."""
        deleted = {form.instance.pk for form in self.deleted_forms}
        stored = [
            pk for pk in self.get_queryset().values_list("pk", flat=True) if pk not in deleted
        ]
        added = [
            form
            for form in self.extra_forms
            if form.has_changed() and form not in self.deleted_forms
        ]
        return len(stored) + len(added)

    def needs_evidence(self):
        return self.instance.is_published and not self.kept_rows()


class SourcesFormSet(EvidenceFormSet):
    def clean(self):
        super().clean()
        if self.needs_evidence():
            raise forms.ValidationError(
                "A published shipment needs at least one source: give the report its "
                "figures come from, or leave the shipment unpublished."
            )


class SupplyLinesFormSet(EvidenceFormSet):
    def clean(self):
        super().clean()
        if self.needs_evidence() and self.instance.weight_kg is None:
            raise forms.ValidationError(
                "A published shipment needs its supplies (a line here) or its total weight."
            )


class RejectionForm(forms.ModelForm):
    class Meta:
        model = Rejection
        fields = [
            "item",
            "kind",
            "quantity",
            "quantity_note",
            "reason",
            "reason_detail",
            "date",
            "source",
        ]
        error_messages = {
            "quantity": {
                "min_value": "Give at least 1, or leave it blank and quote the source in the note.",
                "invalid": "Enter a whole number, without separators, e.g. 40000.",
            },
        }


class RejectionsFormSet(forms.BaseInlineFormSet):
    """A shipment's rejections, each of one of its own supply lines, citing one of its sources."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        shipment = self.instance if self.instance.pk is not None else None
        form.fields["item"].queryset = ShipmentItem.objects.filter(
            shipment=shipment
        ).select_related("category")
        form.fields["source"].queryset = Source.objects.filter(shipment=shipment)


# The largest key a database holds (a 64-bit integer): a larger one names no shipment, and
# would not reach the database.
LARGEST_KEY = 2**63 - 1


def key_field(**kwargs):
    return forms.IntegerField(min_value=1, max_value=LARGEST_KEY, **kwargs)


class CandidatesForm(forms.Form):
    """Which page of possible duplicates: from which shipment on, of which country."""

    anchor = key_field(required=False)
    partner = key_field(required=False)
    country = forms.ChoiceField(
        required=False,
        choices=[("", "All countries"), *countries],
        label="Destination",
    )


class PairForm(forms.Form):
    """Two shipments by their keys, for a merge or to mark them distinct; which to keep."""

    first = key_field()
    second = key_field()
    keep = key_field(required=False)
    across_countries = forms.BooleanField(required=False)
