"""The parties to a donation: who gives and who receives."""

from django.db import models
from django.urls import reverse
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords


class PartyQuerySet(models.QuerySet):
    """Bulk updates of parties keep their shipments' derived data in step, as saves do
    through signals: the data version, and the columns a party's fields go into
    (`shipments.search`)."""

    def update(self, **kwargs):
        from shipments import search
        from shipments.models import DataVersion, bulk_writing

        if bulk_writing():
            return super().update(**kwargs)
        shipment_ids = []
        if not self.model.COPIED_TO_SHIPMENTS.isdisjoint(kwargs):
            shipment_ids = [pk for pk in self.values_list("shipments", flat=True) if pk]
        rows = super().update(**kwargs)
        search.refresh(shipment_ids)
        DataVersion.bump()
        return rows


class Party(models.Model):
    """Fields and behaviour shared by donors and recipients."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="Short name used in this party's web address and in export filters, "
        "e.g. jack-ma-foundation. Lower-case letters, digits and hyphens.",
    )
    country = CountryField(
        db_index=True,
        help_text="Where the party is based (EU for the European Union as a body).",
    )
    website = models.URLField(blank=True)
    notes = models.TextField(
        blank=True,
        help_text="Public: shown on the party's page, e.g. how it was identified. Nothing "
        "confidential.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(inherit=True, excluded_fields=["updated_at"])

    objects = PartyQuerySet.as_manager()

    # Fields copied into the derived columns of the party's shipments
    # (`shipments.search`): a recipient's name is in their search text.
    COPIED_TO_SHIPMENTS = frozenset({"name"})

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Donor(Party):
    class Kind(models.TextChoices):
        NATIONAL_GOVERNMENT = "national-government", "National government"
        REGIONAL_GOVERNMENT = "regional-government", "Regional government"
        COMPANY = "company", "Company"
        FOUNDATION = "foundation", "Foundation"
        NGO = "ngo", "NGO or charity"
        MULTILATERAL = "multilateral", "Multilateral body"
        INDIVIDUAL = "individual", "Individual"
        OTHER = "other", "Other"

    kind = models.CharField(
        max_length=32,
        choices=Kind,
        db_index=True,
        help_text="What sort of body gives. A state-owned company is a company; a group "
        "of governments acting together (e.g. EU member states) is a national government.",
    )

    # A donor's name is in its shipments' search text, its country and kind
    # in their donor columns.
    COPIED_TO_SHIPMENTS = frozenset({"name", "country", "kind"})

    class Meta(Party.Meta):
        pass

    def get_absolute_url(self):
        return reverse("donor-detail", args=[self.slug])


class Recipient(Party):
    class Kind(models.TextChoices):
        NATIONAL_GOVERNMENT = "national-government", "National government"
        REGIONAL_GOVERNMENT = "regional-government", "Regional or local government"
        HOSPITAL = "hospital", "Hospital"
        RED_CROSS = "red-cross", "Red Cross or Red Crescent"
        NGO = "ngo", "NGO"
        OTHER = "other", "Other"

    kind = models.CharField(
        max_length=32,
        choices=Kind,
        db_index=True,
        help_text="What sort of body receives. Use Other for an unnamed recipient the "
        "source describes only by place.",
    )
    city = models.CharField(max_length=120, blank=True)

    class Meta(Party.Meta):
        pass

    def get_absolute_url(self):
        return reverse("recipient-detail", args=[self.slug])
