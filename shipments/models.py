"""Shipments of medical supplies, their itemised contents and their sources."""

import secrets
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Trunc
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from aidtracker.versions import versioned_history
from donors.models import Donor, Recipient
from shipments import search
from shipments.currencies import CURRENCY_CHOICES


class Unit(models.TextChoices):
    PIECES = "pieces", "pieces"
    PAIRS = "pairs", "pairs"
    SETS = "sets", "sets"
    KITS = "kits", "kits"
    TESTS = "tests", "tests"
    BOXES = "boxes", "boxes"
    KG = "kg", "kilograms"


class QuantityKind(models.TextChoices):
    """How a source gives an amount: "40,000", "about 20", "over 2 million", "dozens"."""

    EXACT = "exact", "exact"
    APPROXIMATE = "approximate", "approximate"
    AT_LEAST = "at_least", "at least"
    AT_MOST = "at_most", "at most"
    RANGE = "range", "a range"
    UNKNOWN = "unknown", "no figure"

    @classmethod
    def implied(cls, quantity, estimate=False):
        """The kind of a line given without one: no figure, an estimate, or exact."""
        if quantity is None:
            return cls.UNKNOWN
        return cls.APPROXIMATE if estimate else cls.EXACT


class Verification(models.TextChoices):
    """How far a shipment's facts are established, from the weakest claim to the strongest.

    Each source says which of these it supports; a shipment is as established
    as the strongest of its sources (`strongest`).
    """

    DONOR_REPORTED = "donor_reported", _("Reported by the donor")
    MEDIA_REPORTED = "media_reported", _("Reported by the media")
    RECIPIENT_CONFIRMED = "recipient_confirmed", _("Confirmed by the recipient")
    INDEPENDENTLY_VERIFIED = "independently_verified", _("Independently verified")

    @classmethod
    def strongest(cls, levels):
        """The strongest of `levels` (values), "" when there are none."""
        rank = {value: place for place, value in enumerate(cls.values)}
        return max(levels, key=rank.__getitem__, default="")


# Each level in a word or two, for the badge that pages show beside a shipment.
VERIFICATION_BADGES = {
    Verification.DONOR_REPORTED: _("Donor-reported"),
    Verification.MEDIA_REPORTED: _("Media-reported"),
    Verification.RECIPIENT_CONFIRMED: _("Recipient-confirmed"),
    Verification.INDEPENDENTLY_VERIFIED: _("Independently verified"),
}

# What each level rests on, in the words the admin, the shipment's page and
# /about/data/ use.
VERIFICATION_EVIDENCE = {
    Verification.DONOR_REPORTED: "The donor or its government says so: a press release, a "
    "ministry's or embassy's statement, the donor's own post. Nobody else has confirmed it yet.",
    Verification.MEDIA_REPORTED: "A news report by a publisher that is neither the donor nor "
    "the recipient, e.g. a news agency or newspaper, whatever its own sources.",
    Verification.RECIPIENT_CONFIRMED: "The recipient says it arrived: its statement, a letter "
    "of thanks or receipt, an official list of aid received.",
    Verification.INDEPENDENTLY_VERIFIED: "Evidence from neither party nor their statements: "
    "customs or trade data, dated photographs of the delivery, a third party's inspection.",
}


# Kinds whose figure is a bound the source sets.
BOUNDED_KINDS = [QuantityKind.AT_LEAST, QuantityKind.AT_MOST, QuantityKind.RANGE]


def bound_of_line(field):
    """A supply line's lower or upper bound (`field`), read through a shipment: an exact
    figure is its own."""
    return Case(
        When(items__quantity_kind=QuantityKind.EXACT, then=F("items__quantity")),
        default=F(f"items__{field}"),
    )


def words_of_lines(row):
    """The report's words (`quantity_note`) of the lines that keep a `totals_by_category()`
    row from being exact, when they can all be told.

    () when every line is exact; ("over 2 million",) for one such line, ("dozens", "over 2
    million") for two, in alphabetical order; None when there are more, or when one of them
    has no words (then only how many there are can be told).
    """
    lines = row["lines_estimated"]
    if lines == 0:
        return ()
    if lines > 2 or row["lines_worded"] != lines:
        return None
    return (row["words_first"],) if lines == 1 else (row["words_first"], row["words_last"])


def within(figure, low, high):
    """Whether `figure` (None: no figure) lies within the bounds that are given."""
    return figure is None or ((low is None or figure >= low) and (high is None or figure <= high))


class SupplyCategory(models.Model):
    """A kind of supply; the list is reference data created by a migration."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, help_text="What belongs in this category.")
    default_unit = models.CharField(max_length=16, choices=Unit, default=Unit.PIECES)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name_plural = "supply categories"

    def __str__(self):
        return self.name


# A GLIDE number (glidenumber.net, the GLobal IDEntifier of disasters that OCHA's
# FTS, IATI's humanitarian scope and ReliefWeb join records on): the hazard's
# two-letter code (EP epidemic, FL flood, EQ earthquake, ...), the year, a
# six-digit serial, and the ISO 3166 alpha-3 code of the country struck, or a
# three-digit code for an event of no one country (COVID-19: EP-2020-000012-001).
GLIDE_PATTERN = r"^[A-Z]{2}-[0-9]{4}-[0-9]{6}-[A-Z0-9]{3}$"
GLIDE_EXAMPLE = "EP-2020-000012-001"
glide_validator = RegexValidator(
    GLIDE_PATTERN,
    f"Write a GLIDE number as XX-YYYY-NNNNNN-CCC: the hazard's two letters, the year, "
    f"six digits and the country's three letters (or digits), e.g. {GLIDE_EXAMPLE}.",
)


def is_glide(text):
    """Whether `text` is written as a GLIDE number (upper case)."""
    return glide_validator.regex.match(text) is not None


# The emergency the tracker began with; migration 0017 creates it as the default.
COVID_19 = {"glide": GLIDE_EXAMPLE, "name": "COVID-19"}


class EmergencyQuerySet(models.QuerySet):
    def default(self):
        """The emergency new shipments belong to unless staff pick another; None if none is."""
        return self.filter(is_default=True).first()

    def in_order(self):
        """The earliest first, those with no start date last, on every database."""
        return self.order_by(F("started_on").asc(nulls_last=True), "name", "pk")

    def with_published_shipments(self):
        """Those the public knows shipments of: any with a published shipment."""
        published = Shipment.objects.published().filter(emergency=OuterRef("pk"))
        return self.filter(Exists(published))

    def covid_19(self):
        """COVID-19, which the demo and synthetic data sets are of (made again if deleted)."""
        emergency, _ = self.get_or_create(
            glide=COVID_19["glide"], defaults={"name": COVID_19["name"]}
        )
        return emergency


class Emergency(models.Model):
    """A crisis that aid is sent for, named by its GLIDE number; reference data, like the
    supply categories. COVID-19 is created by a migration."""

    name = models.CharField(max_length=100, help_text="As readers know it, e.g. COVID-19.")
    glide = models.CharField(
        "GLIDE number",
        # Longer than any GLIDE number, so a wrong one is told its format, not its length.
        max_length=30,
        unique=True,
        validators=[glide_validator],
        help_text=f"The emergency's GLIDE number (glidenumber.net), e.g. {GLIDE_EXAMPLE} for "
        "COVID-19. Files and links select shipments by it: do not change it once published.",
    )
    started_on = models.DateField(null=True, blank=True, help_text="When the emergency began.")
    description = models.TextField(blank=True, help_text="What the emergency was, in brief.")
    is_default = models.BooleanField(
        "default",
        default=False,
        help_text="New shipments, and imported files without a crisis column, belong to the "
        "default emergency. Only one emergency is the default.",
    )

    objects = EmergencyQuerySet.as_manager()
    history = versioned_history()

    class Meta:
        ordering = ["started_on", "name"]
        verbose_name_plural = "emergencies"
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="emergency_one_default",
                violation_error_message="Only one emergency is the default.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.glide})"

    def save(self, *args, **kwargs):
        # One default at a time: making this one the default makes it the only one.
        # Saved one by one (there is at most one), so the history records the change.
        with transaction.atomic(using=kwargs.get("using")):
            if self.is_default:
                for other in Emergency.objects.filter(is_default=True).exclude(pk=self.pk):
                    other.is_default = False
                    other.save(update_fields=["is_default"])
            super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        # Staff may type it in lower case, or paste it with spaces around.
        self.glide = (self.glide or "").strip().upper()
        super().clean_fields(exclude)


def default_emergency():
    """The key of the default emergency (a new shipment's), or None when there is none."""
    return Emergency.objects.filter(is_default=True).values_list("pk", flat=True).first()


_bulk_writing = ContextVar("bulk_writing", default=False)


@contextmanager
def bulk_write():
    """Suspend the upkeep of derived data while a loader writes or deletes rows by the million.

    Every deleted row sends a signal, and raising the data version or
    rewriting derived columns for each would take longer than the load
    (`shipments.signals`); the version is raised once at the end, and the
    loader writes the derived columns of the shipments it creates.
    """
    token = _bulk_writing.set(True)
    try:
        yield
    finally:
        _bulk_writing.reset(token)
    DataVersion.bump()


def bulk_writing():
    """True inside `bulk_write()`."""
    return _bulk_writing.get()


def new_data_token():
    """A data version no database has had before, nor will have again."""
    return secrets.token_hex(16)


class DataVersion(models.Model):
    """A token replaced by every change to what the public pages show.

    Cached public figures are keyed by it (see `shipments.public.cache`), so a
    change shows on the next request on every app server. It lives in the
    database rather than in the cache so that app servers with a cache each
    of their own agree on it, and so that a rolled-back change rolls it back.

    It is random rather than a counter: a database restored from a backup
    comes back to a version it had before, and counting on from there would
    give again numbers that earlier keyed other data (pages of since
    unpublished shipments), as would two databases sharing one cache. A
    token is never drawn twice.
    """

    token = models.CharField(max_length=32, default=new_data_token, editable=False)

    ROW = 1

    class Meta:
        verbose_name = "data version"

    def __str__(self):
        return f"data version {self.token}"

    @classmethod
    def current(cls):
        """The current token ("" in a database emptied since it was migrated)."""
        return cls.objects.filter(pk=cls.ROW).values_list("token", flat=True).first() or ""

    @classmethod
    def bump(cls):
        """Replace the token, within the caller's transaction (once at the end of a bulk
        write)."""
        if bulk_writing():
            return
        token = new_data_token()
        if not cls.objects.filter(pk=cls.ROW).update(token=token):
            cls.objects.update_or_create(pk=cls.ROW, defaults={"token": token})


# Sent by the bulk writes of shipments, of items and of sources (`update()`, and
# `bulk_create()`; `bulk_update()` goes through `update()`), which send no
# post_save, so that what is derived from the rows can keep in step
# (`shipments.signals`): with the model as sender, `shipment_ids` (the
# shipments whose rows were written, an item's old shipment and new) and
# `update_fields` (the names of the fields written; None for new rows, as for
# post_save). Not sent inside `bulk_write()`.
bulk_saved = Signal()


class BulkSavedQuerySet(models.QuerySet):
    """The rows of shipments or of their items or sources: bulk writes send `bulk_saved`."""

    # The field holding the shipment a row belongs to, and the names by which
    # an update may write it.
    shipment_field = "pk"
    moving_fields = frozenset()

    def update(self, **kwargs):
        if bulk_writing():
            return super().update(**kwargs)
        # Read first, where the update writes: it may move the rows out of
        # this queryset, and a replica may lag behind.
        self._for_write = True
        rows = dict(self.order_by().values_list("pk", self.shipment_field))
        count = super().update(**kwargs)
        shipment_ids = set(rows.values())
        if not self.moving_fields.isdisjoint(kwargs):
            # The shipments they moved to change as well.
            moved = self.model._default_manager.using(self.db).filter(pk__in=rows)
            shipment_ids.update(moved.values_list(self.shipment_field, flat=True))
        bulk_saved.send(
            sender=self.model, shipment_ids=shipment_ids, update_fields=frozenset(kwargs)
        )
        return count

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if not bulk_writing():
            shipment_ids = {getattr(row, self.shipment_field) for row in created}
            bulk_saved.send(sender=self.model, shipment_ids=shipment_ids, update_fields=None)
        return created


# The best-known date of a shipment, in the order it is trusted: arrived if
# known, else shipped, else announced. Tables date each shipment by it
# (Shipment.best_date), the latest shipments are the latest by it
# (ShipmentQuerySet.latest_first) and the timeline counts by it
# (ShipmentQuerySet.count_by_best_date). Pairs of (which, field).
BEST_DATE_FIELDS = (
    ("arrived", "arrived_on"),
    ("shipped", "shipped_on"),
    ("announced", "announced_on"),
)


def best_date_expression():
    """The best-known date in SQL, NULL when none is reported. PostgreSQL holds an index on
    it for the latest published shipments (shipment_public_best_date), which matches this
    expression exactly."""
    return Coalesce(*(field for _, field in BEST_DATE_FIELDS))


def duplicate_window_start():
    """The first date a shipment is known by, announced, else shipped, else arrived: where
    its window of dates begins when possible duplicates are paired (shipments.duplicates)."""
    return Coalesce("announced_on", "shipped_on", "arrived_on")


class ShipmentQuerySet(BulkSavedQuerySet):
    def published(self):
        """The only shipments the public may see."""
        return self.filter(is_published=True)

    def with_published_deliveries(self):
        """Each with `published_deliveries`: the published shipments that are part of it (a
        pledge's deliveries, of any status), by shipping date, then reference."""
        deliveries = Shipment.objects.published().order_by("shipped_on", "reference")
        return self.prefetch_related(
            Prefetch("deliveries", queryset=deliveries, to_attr="published_deliveries")
        )

    def for_tables(self):
        """Each with what a table of shipments shows: its recipient, its donors as a list
        (`table_donors`), and its supply lines (`table_items`, without their categories,
        which a table does not name), in three queries whatever the number of rows.

        Lists rather than managers: a table reads them for every row, and a
        related manager is built anew on every reading."""
        return self.select_related("recipient").prefetch_related(
            Prefetch("donors", to_attr="table_donors"),
            Prefetch("items", to_attr="table_items"),
        )

    def mark(self, status, user=None):
        """Move these shipments to `status`; return how many were not already there.

        Each change is recorded in the change history under `user`.
        """
        return self._save_with_history(user, status=status)

    def set_published(self, published, user=None):
        """Publish or unpublish these shipments; return how many changed.

        Refuses (ValidationError, nothing published) to publish any that
        lacks its evidence: see `lacking_evidence`.
        """
        if published:
            lacking = Shipment.objects.filter(pk__in=self.values("pk")).lacking_evidence()
            problems = [shipment.missing_evidence() for shipment in lacking.order_by("reference")]
            if problems:
                raise ValidationError(
                    "A published shipment needs at least one source, and supply lines or a "
                    "weight: " + "; ".join(problems) + "."
                )
        return self._save_with_history(user, is_published=published)

    def with_evidence(self):
        """Annotated with `has_source` and `has_supplies`: what publishing needs, or a weight."""
        return self.annotate(
            has_source=Exists(Source.objects.filter(shipment=OuterRef("pk"))),
            has_supplies=Exists(ShipmentItem.objects.filter(shipment=OuterRef("pk"))),
        )

    def lacking_evidence(self):
        """Those that may not be public: without a source, or without supplies and a weight.

        Every public figure cites its source, and a shipment with neither
        supplies nor a weight states nothing that could be checked.
        """
        return self.with_evidence().filter(
            Q(has_source=False) | Q(has_supplies=False, weight_kg__isnull=True)
        )

    def _save_with_history(self, user, **values):
        # A queryset update() would bypass the change history, so the rows
        # are saved in bulk together with one history row each.
        with transaction.atomic():
            # Locked and read afresh: the queryset may carry annotations that
            # cannot be locked (e.g. an admin's counts).
            pks = self.exclude(**values).values("pk")
            shipments = list(Shipment.objects.filter(pk__in=pks).select_for_update())
            now = timezone.now()
            for shipment in shipments:
                for name, value in values.items():
                    setattr(shipment, name, value)
                shipment.updated_by = user
                shipment.updated_at = now
                shipment.version += 1
            fields = [*values, "updated_by", "updated_at", "version"]
            # What is derived from the rows follows once their history is recorded: a
            # shipment's public change log is read from it.
            with bulk_write():
                Shipment.objects.bulk_update(shipments, fields)
            records = record_versions(shipments, user=user)
            # What that rewrites of the derived columns goes into these versions.
            bulk_saved.send(
                sender=Shipment,
                shipment_ids={shipment.pk for shipment in shipments},
                update_fields=frozenset(fields),
                versions={record.id: record for record in records},
            )
        return len(shipments)

    def totals_by_status(self):
        """Shipments, weight and USD value per status, with how many lack a weight or value.

        Statuses stay apart, so a pledge is never added to a delivery; `weighed`
        and `valued` count the shipments behind each sum, so a partial sum
        never passes for a whole one. `routes` counts the (origin, destination)
        pairs among them: weights and values mean something added up only
        along one route, never across several (China to Italy plus EU
        countries to China is no total of anything).
        """
        return (
            self.order_by()
            .values("status")
            .annotate(
                shipments=Count("id"),
                routes=Count(
                    Concat(
                        "origin_country",
                        Value(">"),
                        "destination_country",
                        output_field=models.CharField(),
                    ),
                    distinct=True,
                ),
                total_weight_kg=Sum("weight_kg"),
                weighed=Count("weight_kg"),
                total_value_usd=Sum("value_usd"),
                valued=Count("value_usd"),
            )
            .order_by("status")
        )

    def totals_by_category(self, categories=()):
        """Quantities of these shipments' items per category, unit and status.

        Cancelled shipments are left out. Pledged and delivered quantities are
        separate rows, so a reader never sees them added together, and so are
        units; `unknown_lines` counts the lines without a number, which are
        never added as zero. Beside the sum of the figures, each row carries
        what the lines' kinds allow: `quantity_min`, the sum of the lower
        bounds (a line without one adds none), `quantity_max`, the sum of the
        upper bounds, meaningful only when `unbounded_lines` is 0, and how many
        lines were estimated (every kind but exact), approximate, or bounded
        (at least, at most, a range, or no figure with a lower bound). Only
        the lines of `categories` (slugs), if given.
        The report's words of the lines not exact (their `quantity_note`) come
        as the first and last in alphabetical order, `words_first` and
        `words_last`, with `lines_worded`, how many have any: enough to quote
        one or two lines (see `words_of_lines`) for two more aggregates in the
        same pass, rather than a list of every note.
        Read from the shipments' side, so that a filtered selection is read
        once rather than joined back to itself.
        """
        lines = (
            {"items__category__slug__in": categories} if categories else {"items__isnull": False}
        )
        not_exact = ~Q(items__quantity_kind=QuantityKind.EXACT)
        worded = not_exact & ~Q(items__quantity_note="")
        return (
            self.order_by()
            .exclude(status=Shipment.Status.CANCELLED)
            .filter(**lines)
            .values(
                category__slug=F("items__category__slug"),
                category__name=F("items__category__name"),
                category__sort_order=F("items__category__sort_order"),
                unit=F("items__unit"),
                shipment__status=F("status"),
            )
            .annotate(
                total_quantity=Sum("items__quantity"),
                quantity_min=Sum(bound_of_line("quantity_min")),
                quantity_max=Sum(bound_of_line("quantity_max")),
                lines=Count("items"),
                unknown_lines=Count("items", filter=Q(items__quantity__isnull=True)),
                unbounded_lines=Count(
                    "items", filter=not_exact & Q(items__quantity_max__isnull=True)
                ),
                lines_estimated=Count("items", filter=not_exact),
                lines_approximate=Count(
                    "items", filter=Q(items__quantity_kind=QuantityKind.APPROXIMATE)
                ),
                lines_bounded=Count(
                    "items",
                    filter=Q(items__quantity_kind__in=BOUNDED_KINDS)
                    | Q(
                        items__quantity_kind=QuantityKind.UNKNOWN, items__quantity_min__isnull=False
                    ),
                ),
                lines_worded=Count("items", filter=worded),
                words_first=Min("items__quantity_note", filter=worded),
                words_last=Max("items__quantity_note", filter=worded),
                shipments=Count("id", distinct=True),
            )
            .order_by("category__sort_order", "unit", "shipment__status")
        )

    def rejections_by_category(self, categories=()):
        """What was rejected or returned of these shipments' items per category, unit and status.

        Rows of `category__slug`, `unit`, `shipment__status`, the sum of the
        figures given (`quantity_rejected`), how many rejections there were
        and how many gave no figure. Rejections are few: a query of their
        own, rather than a join that would count each line once per rejection.
        """
        rejections = Rejection.objects.filter(
            shipment__in=self.order_by().exclude(status=Shipment.Status.CANCELLED).values("pk")
        )
        if categories:
            rejections = rejections.filter(item__category__slug__in=categories)
        return (
            rejections.order_by()
            .values(
                category__slug=F("item__category__slug"),
                unit=F("item__unit"),
                shipment__status=F("shipment__status"),
            )
            .annotate(
                quantity_rejected=Sum("quantity"),
                rejections=Count("pk"),
                rejections_without_figure=Count("pk", filter=Q(quantity__isnull=True)),
            )
        )

    def category_totals(self, categories=()):
        """`totals_by_category()` rows, each with what `rejections_by_category()` says of it.

        A row with no rejection has `rejections` 0 and `quantity_rejected` None.
        """
        rejected = {
            (row["category__slug"], row["unit"], row["shipment__status"]): row
            for row in self.rejections_by_category(categories)
        }
        none = {"quantity_rejected": None, "rejections": 0, "rejections_without_figure": 0}
        rows = []
        for row in self.totals_by_category(categories):
            found = rejected.get((row["category__slug"], row["unit"], row["shipment__status"]))
            rows.append({**row, **{name: (found or none)[name] for name in none}})
        return rows

    def with_donor_country(self, countries):
        """The shipments with a donor from any of `countries` (codes)."""
        # The shipment's own column of its donors' countries: see shipments.search.
        return self.filter(search.any_code("donor_countries", countries))

    def with_donor_kind(self, kinds):
        """The shipments with a donor of any of `kinds`."""
        # The shipment's own column of its donors' kinds: see shipments.search.
        return self.filter(search.any_code("donor_kinds", kinds))

    def with_donor(self, slugs):
        """The shipments with any of the donors `slugs` names."""
        return self._with_donor_where(donor__slug__in=slugs)

    def with_donor_named(self, names):
        """The shipments with any of the donors named `names` (exactly)."""
        return self._with_donor_where(donor__name__in=names)

    def _with_donor_where(self, **lookup):
        # Exists rather than a join, so a shipment with several such donors is
        # listed once.
        donors = Shipment.donors.through.objects.filter(shipment=OuterRef("pk"), **lookup)
        return self.filter(Exists(donors))

    def with_rejections(self):
        """The shipments with supplies rejected or returned."""
        return self.filter(Exists(Rejection.objects.filter(shipment=OuterRef("pk"))))

    def holding_categories(self, categories):
        """The shipments with a line of any of `categories` (keys, or a queryset of them)."""
        # From the shipment's own category keys rather than its lines: checked
        # within the index the list reads its keys from, without a visit to a
        # second table for each candidate.
        keys = [getattr(category, "pk", category) for category in categories]
        if not keys:
            return self.none()
        return self.filter(search.any_code("category_keys", keys))

    def count_by_recipient_country(self):
        """Shipments per recipient country: rows of `country`, `shipments`."""
        return (
            self.order_by()
            .values(country=F("recipient__country"))
            .annotate(shipments=Count("id"))
            .order_by("country")
        )

    def count_by_donor_country(self):
        """Shipments per donor country: rows of `country`, `shipments`.

        A joint donation counts once for each country among its donors, and
        once only however many of its donors share a country.
        """
        return (
            Shipment.donors.through.objects.filter(shipment__in=self.order_by().values("pk"))
            .values(country=F("donor__country"))
            .annotate(shipments=Count("shipment", distinct=True))
            .order_by("country")
        )

    def count_by_route(self):
        """Shipments per (donor countries, recipient country): rows of `donor_countries` (a
        tuple of codes, empty for a shipment without donors), `recipient_country`, `shipments`.

        One query, grouped on the shipment's own column of its donors'
        countries, so the rows number the routes, never the shipments.
        """
        rows = (
            self.order_by()
            .values("donor_countries", recipient_country=F("recipient__country"))
            .annotate(shipments=Count("id"))
            .order_by("donor_countries", "recipient_country")
        )
        return [{**row, "donor_countries": search.codes_of(row["donor_countries"])} for row in rows]

    def count_by_donor(self):
        """Shipments per donor, the most first: rows of `slug`, `name`, `shipments`.

        A joint donation counts once for each of its donors.
        """
        return (
            Shipment.donors.through.objects.filter(shipment__in=self.order_by().values("pk"))
            .values(slug=F("donor__slug"), name=F("donor__name"))
            .annotate(shipments=Count("shipment"))
            .order_by("-shipments", "slug")
        )

    def count_by_recipient(self):
        """Shipments per recipient, the most first: rows of `slug`, `name`, `shipments`."""
        return (
            self.order_by()
            .values(slug=F("recipient__slug"), name=F("recipient__name"))
            .annotate(shipments=Count("id"))
            .order_by("-shipments", "slug")
        )

    def count_by_party(self, model):
        """Shipments per donor or recipient (`model`), in one grouped query: rows of the
        party's `party` (its key), `name`, `slug`, `kind`, `country` (and a recipient's
        `city`) and `shipments`, in no order.

        A joint donation counts once for each of its donors. A party of none of
        these shipments has no row.
        """
        if model is Donor:
            rows = Shipment.donors.through.objects.filter(shipment__in=self.order_by().values("pk"))
            prefix, counted = "donor", "shipment"
        else:
            rows, prefix, counted = self.order_by(), "recipient", "pk"
        fields = ["name", "slug", "kind", "country", *(["city"] if model is Recipient else [])]
        return rows.values(
            party=F(f"{prefix}_id"), **{name: F(f"{prefix}__{name}") for name in fields}
        ).annotate(shipments=Count(counted))

    def latest_first(self):
        """Ordered by the best-known date, newest first, undated last; ties newest-entered first.

        So a shipment known only by its arrival ("arrived in Rome on 12
        March") is as recent as its arrival, not last for want of a shipping date.
        """
        return self.order_by(best_date_expression().desc(nulls_last=True), F("id").desc())

    def best_date_span(self):
        """{"first", "last"} best-known dates of these shipments, and how many are `undated`."""
        return self.order_by().aggregate(
            first=Min(best_date_expression()),
            last=Max(best_date_expression()),
            undated=Count(
                "id", filter=Q(**{f"{field}__isnull": True for _, field in BEST_DATE_FIELDS})
            ),
        )

    def count_by_best_date(self, period):
        """Shipments per `period` ("day", "week", "month" or "year") of their best-known date:
        rows of `start` (the period's first day; weeks start on Monday) and `shipments`, in
        date order. Undated shipments are left out (see best_date_span)."""
        return (
            self.order_by()
            .annotate(start=Trunc(best_date_expression(), period, output_field=models.DateField()))
            .filter(start__isnull=False)
            .values("start")
            .annotate(shipments=Count("id"))
            .order_by("start")
        )


reference_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]*$",
    "Use capital letters, digits and hyphens only, e.g. 2020-CN-IT-001.",
)


class Shipment(models.Model):
    class Status(models.TextChoices):
        PLEDGED = "pledged", _("Pledged")
        DISPATCHED = "dispatched", _("Dispatched")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    class Terms(models.TextChoices):
        DONATION = "donation", _("Donation")
        SALE = "sale", _("Sale")
        LOAN = "loan", _("Loan")
        UNCLEAR = "unclear", _("Unclear")

    class TransportMode(models.TextChoices):
        AIR = "air", _("Air")
        SEA = "sea", _("Sea")
        RAIL = "rail", _("Rail")
        ROAD = "road", _("Road")
        MULTIMODAL = "multimodal", _("Several modes")

    reference = models.CharField(
        max_length=40,
        unique=True,
        validators=[reference_validator],
        help_text="A unique, human-readable code, e.g. 2020-CN-IT-001. It appears in the "
        "shipment's web address, so it should not change once published.",
    )
    donors = models.ManyToManyField(
        Donor,
        related_name="shipments",
        help_text="Everyone the source names as giving this shipment; a joint donation "
        "is one shipment with several donors.",
    )
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="shipments")
    emergency = models.ForeignKey(
        Emergency,
        on_delete=models.PROTECT,
        related_name="shipments",
        default=default_emergency,
        help_text="The crisis the aid was sent for; the default emergency unless you pick another.",
    )
    origin_country = CountryField(
        help_text="Country the supplies came from. Left blank, it is the donors' country."
    )
    destination_country = CountryField(
        help_text="Country the supplies went to. Left blank, it is the recipient's country."
    )
    status = models.CharField(
        max_length=16,
        choices=Status,
        default=Status.PLEDGED,
        help_text="Pledged: announced or expected, not yet sent. Dispatched: sent or handed "
        "over, arrival not confirmed. Delivered: the source says it arrived.",
    )
    announced_on = models.DateField(null=True, blank=True)
    shipped_on = models.DateField(
        null=True, blank=True, help_text="The day it was sent or handed over, if known."
    )
    arrived_on = models.DateField(null=True, blank=True)
    transport_mode = models.CharField(max_length=16, choices=TransportMode, blank=True)
    arrival_point = models.CharField(
        max_length=200, blank=True, help_text="Airport, port or city, e.g. Liege Airport."
    )
    weight_kg = models.DecimalField(
        "weight (kg)",
        max_digits=12,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Total weight in kilograms: 31 tonnes is 31000. Leave blank if not reported.",
    )
    terms = models.CharField(
        max_length=16,
        choices=Terms,
        default=Terms.DONATION,
        help_text="Whether it was given, sold or lent. Use Unclear when the source does not "
        "say; some supplies reported as donations in 2020 were sales.",
    )
    declared_value = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="The value as reported, in the currency below.",
    )
    currency = models.CharField(
        max_length=3, choices=CURRENCY_CHOICES, blank=True, help_text="ISO 4217 code."
    )
    value_usd = models.DecimalField(
        "value (USD)",
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="The value in US dollars. For another currency, give the rate used.",
    )
    usd_rate = models.DecimalField(
        "USD per unit of currency",
        max_digits=18,
        decimal_places=8,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.00000001"))],
        help_text="US dollars for one unit of the declared currency, e.g. 0.1429 for CNY.",
    )
    rate_date = models.DateField(null=True, blank=True)
    rate_source = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where the rate comes from, e.g. 'conversion given in the source'.",
    )
    pledge = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        limit_choices_to={"status": Status.PLEDGED},
        help_text="The announced pledge this delivery is part of, so the two are never "
        "added together.",
    )
    notes = models.TextField(
        blank=True,
        help_text="Public notes: how dates were resolved, cumulative figures that overlap "
        "other shipments, anything a reader needs to weigh the figures.",
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_from",
        help_text="The shipment this one was merged into as a duplicate report of the same "
        "delivery: it stays unpublished, and its address leads to that one.",
    )
    is_published = models.BooleanField(
        "published",
        default=False,
        db_index=True,
        help_text="Visible to the public and in exports. Publish only once the sources "
        "have been checked.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every save, so an edit based on an older version is refused "
        "rather than silently overwriting someone else's.",
    )
    search_text = models.TextField(
        blank=True,
        default="",
        editable=False,
        help_text="What the public search looks in, kept up to date automatically: the "
        "reference, parties, supply lines, notes and arrival point, in lower case.",
    )
    donor_countries = models.TextField(
        blank=True,
        default="",
        editable=False,
        help_text="The donors' countries, for the public filter, kept up to date "
        'automatically: each code once, between spaces (" CN US ").',
    )
    donor_kinds = models.TextField(
        blank=True,
        default="",
        editable=False,
        help_text="The donors' kinds, for the public filter, kept up to date automatically: "
        'each once, between spaces (" company foundation ").',
    )
    category_keys = models.TextField(
        blank=True,
        default="",
        editable=False,
        help_text="The keys of its supply lines' categories, for the list's category facet, "
        'kept up to date automatically: each once, between spaces (" 3 7 ").',
    )
    verification = models.CharField(
        max_length=24,
        choices=Verification,
        blank=True,
        default="",
        editable=False,
        help_text="How far its facts are established: the strongest claim any of its sources "
        "supports, kept up to date automatically (empty while it has no source).",
    )
    last_changed = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the public last saw it change: the latest entry of its public change "
        "log (its publication included), kept up to date automatically; empty until published.",
    )

    objects = ShipmentQuerySet.as_manager()
    # Every change, including to the list of donors; updated_at would only
    # repeat the record's own date. The derived columns are kept, so that the
    # data as of a past moment is filtered as fast as today's (shipments.as_of).
    history = versioned_history(m2m_fields=[donors], excluded_fields=["updated_at", "version"])

    class Meta:
        ordering = ["-shipped_on", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(arrived_on__isnull=True)
                | Q(shipped_on__isnull=True)
                | Q(arrived_on__gte=F("shipped_on")),
                name="shipment_arrival_not_before_shipping",
                violation_error_message="The arrival date cannot be before the shipping date.",
            ),
            models.CheckConstraint(
                condition=~Q(origin_country=F("destination_country")),
                name="shipment_crosses_a_border",
                violation_error_message="Origin and destination must be different countries.",
            ),
            models.CheckConstraint(
                condition=Q(value_usd__isnull=True) | Q(value_usd__gte=0),
                name="shipment_value_usd_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(declared_value__isnull=True) | Q(declared_value__gte=0),
                name="shipment_declared_value_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=True) | Q(weight_kg__gte=0),
                name="shipment_weight_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(usd_rate__isnull=True) | Q(usd_rate__gt=0),
                name="shipment_usd_rate_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["status"], name="shipment_status_idx"),
            models.Index(fields=["shipped_on"], name="shipment_shipped_on_idx"),
            models.Index(fields=["origin_country"], name="shipment_origin_idx"),
            models.Index(fields=["destination_country"], name="shipment_destination_idx"),
            # Possible duplicates are paired by route and first known date
            # (shipments.duplicates), among those not merged away.
            models.Index(
                F("destination_country"),
                F("origin_country"),
                duplicate_window_start(),
                name="shipment_duplicate_route_idx",
                condition=Q(merged_into__isnull=True),
            ),
            # PostgreSQL also holds partial indexes for the public list's
            # orders and a trigram index for its search: see migrations 0007,
            # 0008, 0009, 0010 and 0019 (the list of one emergency).
        ]
        permissions = [("publish_shipment", "Can publish and unpublish shipments")]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        # Every save is a new version; see ShipmentAdminForm.check_version.
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("shipment-detail", args=[self.reference])

    def missing_evidence(self):
        """What this shipment (annotated by `with_evidence`) lacks to be published, in words."""
        missing = []
        if not self.has_source:
            missing.append("no source")
        if not self.has_supplies and self.weight_kg is None:
            missing.append("no supply lines and no weight")
        return f"{self.reference} has {' and '.join(missing)}" if missing else ""

    @property
    def best_date(self):
        """(date, which) for the best-known date: arrived if known, else shipped, else
        announced, as ("2020-03-12", "arrived"); (None, "") when none is reported."""
        for which, field in BEST_DATE_FIELDS:
            day = getattr(self, field)
            if day is not None:
                return (day, which)
        return (None, "")

    @property
    def public_pledge(self):
        """The pledge this delivery is part of, if the public may see it."""
        if self.pledge_id is None:
            return None
        try:
            pledge = self.pledge
        except Shipment.DoesNotExist:
            pledge = None
        # None as well where the data as of a past moment holds no such pledge yet.
        return pledge if pledge is not None and pledge.is_published else None

    @classmethod
    def new_versions(cls, shipment_ids):
        """A change to these shipments' items, sources or donors is a change to them."""
        cls.objects.filter(pk__in=shipment_ids).update(version=F("version") + 1)

    @staticmethod
    def countries_from_parties(donors, recipient):
        """The (origin, destination) the parties imply; origin only if the donors agree."""
        donor_countries = {donor.country.code for donor in donors}
        origin = donor_countries.pop() if len(donor_countries) == 1 else ""
        return origin, recipient.country.code if recipient else ""

    def clean(self):
        errors = {}
        if self.declared_value is not None and not self.currency:
            errors["currency"] = "Give the currency of the declared value."
        if self.currency and self.declared_value is None:
            errors["declared_value"] = "Give the value in that currency, or clear the currency."
        if self.currency == "USD":
            if self.value_usd is None:
                self.value_usd = self.declared_value
            if self.usd_rate is None:
                self.usd_rate = Decimal(1)
        elif self.value_usd is not None and self.usd_rate is None:
            errors["usd_rate"] = (
                "A USD value needs the exchange rate behind it (and where it comes from)."
            )
        if self.usd_rate is not None and self.currency not in ("", "USD") and not self.rate_source:
            errors["rate_source"] = "Say where the exchange rate comes from."
        if self.pk is not None and self.pledge_id == self.pk:
            errors["pledge"] = "A shipment cannot be part of itself."
        # The database constraints say the same; saying it here puts the
        # message beside the field, and spares a query per constraint.
        if self.shipped_on and self.arrived_on and self.arrived_on < self.shipped_on:
            errors["arrived_on"] = "The arrival date cannot be before the shipping date."
        if self.origin_country and self.origin_country == self.destination_country:
            errors["destination_country"] = (
                "Origin and destination must be different countries: the tracker is for "
                "cross-border aid."
            )
        if errors:
            raise ValidationError(errors)


def record_versions(shipments, user=None, reason=None):
    """Record the current state of `shipments` (saved rows) in their change history: one
    row each, with their donors as simple-history records them on a change of donors.

    For writes that save no shipment through save(), which would record it: bulk status
    changes, and changes to the derived columns when a shipment's parts change.
    """
    if not shipments:
        return []
    records = Shipment.history.bulk_history_create(
        shipments, update=True, default_user=user, default_change_reason=reason or ""
    )
    record_of = {record.id: record for record in records}
    links = Shipment.donors.through.objects.filter(shipment_id__in=record_of)
    donors_history = apps.get_model("shipments", "HistoricalShipment_donors")
    donors_history.objects.bulk_create(
        donors_history(
            history=record_of[shipment_id], id=pk, shipment_id=shipment_id, donor_id=donor_id
        )
        for pk, shipment_id, donor_id in links.values_list("pk", "shipment_id", "donor_id")
    )
    return records


class ShipmentItemQuerySet(BulkSavedQuerySet):
    shipment_field = "shipment_id"
    moving_fields = frozenset({"shipment", "shipment_id"})

    def published(self):
        return self.filter(shipment__is_published=True)

    def of_shipments(self, shipments, categories=()):
        """The items of a selection of shipments, e.g. a filtered list; only those of
        `categories` (slugs), if given."""
        items = self.filter(shipment__in=shipments.order_by().values("pk"))
        return items.filter(category__slug__in=categories) if categories else items

    def with_line_numbers(self):
        """Each item annotated with `line`: its place, from 1, among its shipment's
        items in their order (position, then id), whichever of them are selected."""
        siblings = (
            ShipmentItem.objects.filter(shipment=OuterRef("shipment"))
            .filter(
                Q(position__lt=OuterRef("position"))
                | Q(position=OuterRef("position"), pk__lte=OuterRef("pk"))
            )
            .order_by()
            .values("shipment")
            .annotate(places=Count("pk"))
            .values("places")
        )
        return self.annotate(line=Subquery(siblings))

    def count_shipments_by_category(self):
        """How many shipments hold each category: rows of category fields and `shipments`.

        A count of shipments, not of supplies, so categories measured in
        different units can be compared.
        """
        return (
            self.values("category__slug", "category__name", "category__sort_order")
            .annotate(shipments=Count("shipment", distinct=True))
            .order_by("category__sort_order", "category__slug")
        )

    def count_shipments_by_country_and_category(self, country_field):
        """Shipments per country and category; `country_field` is the path to the country.

        `shipment__recipient__country` counts what each country received,
        `shipment__donors__country` what each country gave.
        """
        return (
            self.order_by()
            .values(
                "category__slug",
                "category__name",
                "category__sort_order",
                country=F(country_field),
            )
            .annotate(shipments=Count("shipment", distinct=True))
            .order_by()
        )


class ShipmentItem(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="items")
    category = models.ForeignKey(SupplyCategory, on_delete=models.PROTECT, related_name="items")
    description = models.CharField(
        max_length=200, help_text="As the source words it, e.g. 'N95 respirator masks'."
    )
    quantity = models.BigIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Leave blank when the source gives no number, and say why in the note.",
    )
    quantity_kind = models.CharField(
        "kind of quantity",
        max_length=12,
        choices=QuantityKind,
        default=QuantityKind.EXACT,
        help_text="Exact: '40,000'. Approximate: 'about 20'. At least: 'over 2 million' "
        "(give the lower bound). At most: 'up to 500' (the upper bound). A range: 'one to two "
        "hundred' (both bounds). No figure: 'dozens' (no quantity; a lower bound if the words "
        "give one, 24 for 'dozens').",
    )
    quantity_min = models.BigIntegerField(
        "at least",
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="The lower bound the source gives, if any.",
    )
    quantity_max = models.BigIntegerField(
        "at most",
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="The upper bound the source gives, if any.",
    )
    # Kept for the files' quantity_is_estimate column: every kind but exact.
    is_estimate = models.BooleanField("estimate", default=False, editable=False)
    quantity_note = models.CharField(
        max_length=120,
        blank=True,
        help_text="The source's own words for a vague amount, e.g. 'dozens', 'over 2 million'.",
    )
    unit = models.CharField(max_length=16, choices=Unit, default=Unit.PIECES)
    value_usd = models.DecimalField(
        "value (USD)",
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order of the line on the shipment."
    )

    objects = ShipmentItemQuerySet.as_manager()
    history = versioned_history()

    class Meta:
        ordering = ["shipment", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="item_quantity_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(value_usd__isnull=True) | Q(value_usd__gte=0),
                name="item_value_usd_not_negative",
            ),
            models.CheckConstraint(
                condition=(Q(quantity_min__isnull=True) | Q(quantity_min__gte=0))
                & (Q(quantity_max__isnull=True) | Q(quantity_max__gte=0)),
                name="item_bounds_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(quantity_min__isnull=True)
                | Q(quantity_max__isnull=True)
                | Q(quantity_min__lte=F("quantity_max")),
                name="item_bounds_in_order",
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True)
                | (
                    (Q(quantity_min__isnull=True) | Q(quantity__gte=F("quantity_min")))
                    & (Q(quantity_max__isnull=True) | Q(quantity__lte=F("quantity_max")))
                ),
                name="item_quantity_within_bounds",
            ),
            models.CheckConstraint(
                condition=Q(
                    quantity_kind="exact",
                    is_estimate=False,
                    quantity__isnull=False,
                    quantity_min__isnull=True,
                    quantity_max__isnull=True,
                )
                | (~Q(quantity_kind="exact") & Q(is_estimate=True)),
                name="item_exact_is_its_own_bounds_and_no_estimate",
            ),
        ]
        indexes = [models.Index(fields=["category", "shipment"], name="item_category_shipment_idx")]

    def __str__(self):
        amount = self.quantity_note if self.quantity is None else f"{self.quantity:,}"
        return f"{amount or 'unknown quantity'} {self.get_unit_display()} of {self.description}"

    def save(self, *args, **kwargs):
        # Written without a kind (the default, exact) and without a figure, a
        # line has none; the forms ask instead (see clean).
        if self.quantity is None and self.quantity_kind == QuantityKind.EXACT:
            self.quantity_kind = QuantityKind.UNKNOWN
        self.fill_from_kind()
        super().save(*args, **kwargs)

    @property
    def least(self):
        """The least the report allows: the figure when exact, else the lower bound if any."""
        return self.quantity if self.quantity_kind == QuantityKind.EXACT else self.quantity_min

    @property
    def most(self):
        """The most the report allows: the figure when exact, else the upper bound if any."""
        return self.quantity if self.quantity_kind == QuantityKind.EXACT else self.quantity_max

    def fill_from_kind(self):
        """Fill in what the kind implies.

        Every kind but exact is an estimate; an exact figure is its own
        bounds, so none are stored beside it (see `least` and `most`); "at
        least" and "at most" take their bound as the figure when none is
        given ("over 2 million" reports 2,000,000).
        """
        kind = self.quantity_kind
        self.is_estimate = kind != QuantityKind.EXACT
        if kind == QuantityKind.EXACT:
            if self.quantity_min == self.quantity:
                self.quantity_min = None
            if self.quantity_max == self.quantity:
                self.quantity_max = None
        elif kind == QuantityKind.AT_LEAST and self.quantity is None:
            self.quantity = self.quantity_min
        elif kind == QuantityKind.AT_MOST and self.quantity is None:
            self.quantity = self.quantity_max

    def clean(self):
        """Check the figure against its kind and bounds (after `fill_from_kind`)."""
        self.fill_from_kind()
        kind = self.quantity_kind
        errors = {}
        if kind == QuantityKind.EXACT:
            if self.quantity is None:
                errors["quantity"] = (
                    "An exact quantity needs its figure; if the source gives none, choose "
                    "'no figure'."
                )
            elif self.quantity_min is not None or self.quantity_max is not None:
                errors["quantity_kind"] = (
                    "An exact figure has no other bounds: choose 'a range' or 'approximate'."
                )
        elif kind == QuantityKind.APPROXIMATE and self.quantity is None:
            errors["quantity"] = "Give the approximate figure, e.g. 20 for 'about 20'."
        elif kind == QuantityKind.AT_LEAST:
            if self.quantity_min is None:
                errors["quantity_min"] = "Give the lower bound, e.g. 2000000 for 'over 2 million'."
            if self.quantity_max is not None:
                errors["quantity_max"] = "'At least' has no upper bound: choose 'a range'."
        elif kind == QuantityKind.AT_MOST and self.quantity_max is None:
            errors["quantity_max"] = "Give the upper bound, e.g. 500 for 'up to 500'."
        elif kind == QuantityKind.RANGE:
            for name in ("quantity_min", "quantity_max"):
                if getattr(self, name) is None:
                    errors[name] = "A range needs both bounds, e.g. 100 and 200."
        elif kind == QuantityKind.UNKNOWN and self.quantity is not None:
            errors["quantity"] = (
                "'No figure' has no quantity: leave it blank, or choose another kind."
            )
        low, high = self.quantity_min, self.quantity_max
        if low is not None and high is not None and low > high:
            errors.setdefault("quantity_max", "The upper bound is below the lower bound.")
        elif not errors and not within(self.quantity, low, high):
            errors["quantity"] = "The figure must lie within its bounds."
        if self.quantity is None and not self.quantity_note:
            errors["quantity_note"] = (
                "Without a quantity, say what the source says ('dozens', 'not given')."
            )
        if errors:
            raise ValidationError(errors)


class SourceQuerySet(BulkSavedQuerySet):
    shipment_field = "shipment_id"
    moving_fields = frozenset({"shipment", "shipment_id"})


class Source(models.Model):
    """Where a shipment's facts come from; every public shipment cites one."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(
        max_length=300,
        help_text="The headline. Where the report has none, describe it, e.g. "
        "'Untitled news report on Chinese donations to Italy and Belgium'.",
    )
    publisher = models.CharField(
        max_length=200, blank=True, help_text="Leave blank if unknown; never guess."
    )
    published_on = models.DateField(null=True, blank=True)
    url = models.URLField("URL", max_length=500, blank=True, help_text="Only a known address.")
    excerpt = models.TextField(
        blank=True, help_text="The passage that supports this shipment's figures."
    )
    notes = models.TextField(
        blank=True, help_text="How the date or publisher was established, if not printed."
    )
    supports = models.CharField(
        max_length=24,
        choices=Verification,
        default=Verification.MEDIA_REPORTED,
        help_text="Which claim this source supports. "
        + " ".join(
            f"{level.label}: {evidence}" for level, evidence in VERIFICATION_EVIDENCE.items()
        ),
    )

    objects = SourceQuerySet.as_manager()
    history = versioned_history()

    class Meta:
        ordering = ["shipment", "published_on", "id"]

    def __str__(self):
        return self.citation

    @property
    def citation(self):
        parts = [self.title]
        if self.publisher:
            parts.append(self.publisher)
        if self.published_on:
            parts.append(self.published_on.isoformat())
        if self.url:
            parts.append(self.url)
        return ", ".join(parts)


# Statuses of shipments whose supplies may be rejected or returned.
SENT_STATUSES = ("dispatched", "delivered")


class Rejection(models.Model):
    """Supplies of a line that were rejected or sent back after they arrived, and why.

    In 2020 several European governments rejected or recalled masks and
    test kits as defective. A rejection cites the source that reports it,
    one of its shipment's. It belongs to a supply line; the shipment is kept
    beside it so that the shipment's page edits its rejections with its
    lines and sources.
    """

    class Kind(models.TextChoices):
        REJECTED = "rejected", "rejected"
        RETURNED = "returned", "returned"

    class Reason(models.TextChoices):
        DEFECTIVE = "defective", "defective"
        WRONG_SPECIFICATION = "wrong_specification", "wrong specification"
        EXPIRED = "expired", "expired"
        DAMAGED_IN_TRANSIT = "damaged_in_transit", "damaged in transit"
        OTHER = "other", "other"

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="rejections")
    item = models.ForeignKey(
        ShipmentItem,
        on_delete=models.CASCADE,
        related_name="rejections",
        verbose_name="supply line",
    )
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.REJECTED)
    quantity = models.BigIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="How many units, in the line's unit; blank when the source gives no "
        "number (say what it says in the note).",
    )
    quantity_note = models.CharField(
        max_length=120, blank=True, help_text="The source's words, e.g. 'part of the batch'."
    )
    reason = models.CharField(max_length=20, choices=Reason)
    reason_detail = models.CharField(
        max_length=300, blank=True, help_text="What the source says was wrong, in brief."
    )
    date = models.DateField(
        null=True, blank=True, help_text="When they were rejected or sent back."
    )
    # RESTRICT: a source backing a rejection is deleted only with its shipment.
    source = models.ForeignKey(
        Source,
        on_delete=models.RESTRICT,
        related_name="rejections",
        help_text="The report of the rejection: one of the shipment's sources.",
    )

    history = versioned_history()

    class Meta:
        ordering = ["item", "date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=1),
                name="rejection_quantity_positive",
            ),
        ]

    def __str__(self):
        amount = f"{self.quantity:,}" if self.quantity is not None else self.quantity_note
        return f"{amount or 'some'} {self.get_kind_display()} ({self.get_reason_display()})"

    def _related(self, name):
        """The line, shipment or source (`name`) given, else None."""
        descriptor = getattr(Rejection, name)
        return (
            getattr(self, name)
            if descriptor.is_cached(self) or getattr(self, f"{name}_id")
            else None
        )

    def _take_shipment_from_item(self):
        # On the shipment's page (and in an import) the shipment is the one
        # being saved, with the status it is given there; elsewhere it is the line's.
        item = self._related("item")
        if item is not None and self._related("shipment") is None:
            self.shipment = item.shipment

    def clean_fields(self, exclude=None):
        self._take_shipment_from_item()
        super().clean_fields(exclude)

    def clean(self):
        errors = {}
        self._take_shipment_from_item()
        item, shipment = self._related("item"), self._related("shipment")
        if item is not None and shipment is not None and item.shipment_id != shipment.pk:
            errors["item"] = "Choose one of this shipment's own supply lines."
        elif shipment is not None and shipment.status not in SENT_STATUSES:
            errors["item"] = (
                "Only supplies that were sent can be rejected or returned; this shipment is "
                f"{shipment.get_status_display().lower()}."
            )
        if item is not None and self.quantity is not None:
            most = item.most
            if most is not None and self.quantity > most:
                errors["quantity"] = (
                    f"More than the line holds: it has at most {most:,} {item.get_unit_display()}."
                )
        if self.source_id and shipment is not None and self.source.shipment_id != shipment.pk:
            errors["source"] = "Cite one of this shipment's own sources."
        if self.quantity is None and not self.quantity_note:
            errors["quantity_note"] = (
                "Without a quantity, say what the source says ('part of the batch')."
            )
        if errors:
            raise ValidationError(errors)


class PendingChangeQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=PendingChange.State.PENDING)


class PendingChange(models.Model):
    """A change to a published shipment by staff who may not publish, waiting for an editor.

    Until an editor approves it, the shipment stays as it was, so the public
    goes on seeing the last approved version. The change is applied only if
    the shipment has not changed since it was submitted (its version):
    otherwise it is marked outdated, and nothing anyone approved since is
    overwritten.
    """

    class Kind(models.TextChoices):
        EDIT = "edit", "edit in the shipment form"
        STATUS = "status", "status change"
        IMPORT = "import", "spreadsheet import"

    class State(models.TextChoices):
        PENDING = "pending", "waiting for an editor"
        APPROVED = "approved", "approved and applied"
        REJECTED = "rejected", "rejected"
        OUTDATED = "outdated", "outdated: the shipment changed since"

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="pending_changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # What was submitted, to be applied as it was: the form's fields as the
    # browser sent them, a status, or the import's rows for this shipment.
    data = models.JSONField()
    summary = models.TextField(help_text="What the change would do, in words.")
    based_on_version = models.PositiveIntegerField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(
        blank=True, help_text="Why it could not be applied, if it could not."
    )

    objects = PendingChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["state", "shipment"], name="pending_change_state_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.shipment} by {self.submitted_by}"

    def decide(self, state, user, outcome=""):
        self.state = state
        self.decided_by = user
        self.decided_at = timezone.now()
        self.outcome = outcome
        self.save(update_fields=["state", "decided_by", "decided_at", "outcome"])


class DistinctShipments(models.Model):
    """Two shipments staff judged not to be the same delivery, though alike: they are no
    longer offered as possible duplicates. The pair is kept in order, the lower key first,
    so that it is recorded once."""

    first = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="+")
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "pair of distinct shipments"
        verbose_name_plural = "pairs of distinct shipments"
        ordering = ["-marked_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="distinct_shipments_once"),
            models.CheckConstraint(
                condition=Q(first__lt=F("second")), name="distinct_shipments_in_order"
            ),
        ]

    def __str__(self):
        return f"{self.first} is not {self.second}"

    @classmethod
    def ordered(cls, one, other):
        """The keys of two shipments in the order a pair stores them."""
        return tuple(sorted((getattr(one, "pk", one), getattr(other, "pk", other))))


# How a published shipment names each kind of party.
PARTY_FIELDS = {Donor: "donors", Recipient: "recipient"}


def public_parties(model):
    """The donors or recipients (`model`) named on at least one published shipment.

    A party entered only for unpublished shipments is not known to the public
    yet: its page is a 404, like the shipments' own pages, and no public page
    names it.
    """
    published = Shipment.objects.published().filter(**{PARTY_FIELDS[model]: OuterRef("pk")})
    return model.objects.filter(Exists(published))
