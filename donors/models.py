"""The parties to a donation: who gives and who receives."""

from django.db import models
from django.dispatch import Signal
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from aidtracker.versions import versioned_history

# Sent by a bulk update of donors or recipients, which sends no post_save, so
# that what is copied from the parties (into their shipments) can follow:
# with the model as sender, `pks` (the parties updated) and `update_fields`
# (the names of the fields written).
parties_updated = Signal()


class PartyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """Update these parties, and send `parties_updated`."""
        # Read first, where the update writes: it may move the parties out of
        # this queryset, and a replica may lag behind.
        self._for_write = True
        pks = list(self.values_list("pk", flat=True))
        rows = super().update(**kwargs)
        parties_updated.send(sender=self.model, pks=pks, update_fields=frozenset(kwargs))
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

    history = versioned_history(inherit=True, excluded_fields=["updated_at"])

    objects = PartyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Donor(Party):
    class Kind(models.TextChoices):
        NATIONAL_GOVERNMENT = "national-government", _("National government")
        REGIONAL_GOVERNMENT = "regional-government", _("Regional government")
        COMPANY = "company", _("Company")
        FOUNDATION = "foundation", _("Foundation")
        NGO = "ngo", _("NGO or charity")
        MULTILATERAL = "multilateral", _("Multilateral body")
        INDIVIDUAL = "individual", _("Individual")
        OTHER = "other", _("Other")

    kind = models.CharField(
        max_length=32,
        choices=Kind,
        db_index=True,
        help_text="What sort of body gives. A state-owned company is a company; a group "
        "of governments acting together (e.g. EU member states) is a national government.",
    )

    class Meta(Party.Meta):
        pass

    def get_absolute_url(self):
        return reverse("donor-detail", args=[self.slug])


class Recipient(Party):
    class Kind(models.TextChoices):
        NATIONAL_GOVERNMENT = "national-government", _("National government")
        REGIONAL_GOVERNMENT = "regional-government", _("Regional or local government")
        HOSPITAL = "hospital", _("Hospital")
        RED_CROSS = "red-cross", _("Red Cross or Red Crescent")
        NGO = "ngo", _("NGO")
        OTHER = "other", _("Other")

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
