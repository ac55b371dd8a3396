"""One import of one file: what its rows mean for the stored data, and the writes.

`ImportRun` holds everything one import learns as it goes, keyed by shipment
reference and by supply line, and nothing outlives it: a resource may run
any number of imports, one after the other or side by side, each with its
own run. Parties are matched by slug or exact name, or created; a shipment
is matched by its reference and an item, within its shipment, by
(category, description, unit), so importing the same file twice changes
nothing. Imported shipments are never published by the import, nor
unpublished by a re-import: publishing stays an editor's act. What the file
would change in a published shipment, for a user who may not publish, is
held for an editor's review (`shipments.review`), with the rows that say it,
and written only when an editor approves.

Reading writes nothing: new parties and shipments wait in the run, unsaved,
until `save` writes everything at the end. So a preview, which only reads,
holds no lock that a staff save would wait for, and a confirmed import
locks what it writes only while it writes.
"""

import copy
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Max, Q
from django.utils.text import capfirst, slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from donors.models import Donor, Recipient
from shipments import review
from shipments.imports.rows import (
    COLUMN_NAMES,
    REPEATED_SHIPMENT_COLUMNS,
    REQUIRED_COLUMNS,
    SupplyLineForm,
    cell_text,
    is_hxl_row,
    split_list,
)
from shipments.models import (
    Emergency,
    Rejection,
    Shipment,
    ShipmentItem,
    Source,
    SupplyCategory,
    bulk_write,
)
from shipments.signals import refresh_derived_columns

# Model fields whose name differs from the column that fills them.
COLUMN_OF_FIELD = {
    "reference": "shipment_reference",
    "is_estimate": "quantity_is_estimate",
    "emergency": "crisis",
}
# What a re-import may change on a supply line it matched.
UPDATABLE_ITEM_FIELDS = [
    "quantity",
    "quantity_kind",
    "quantity_min",
    "quantity_max",
    "quantity_note",
    "is_estimate",
    "value_usd",
]
# What a quantity's kind is written in, beside the figure.
KIND_FIELDS = ["quantity_kind", "quantity_min", "quantity_max", "is_estimate"]
# What a re-import may change on a source it matched by title and address.
UPDATABLE_SOURCE_FIELDS = ["publisher", "published_on", "excerpt", "notes", "supports"]
# What tells a rejection from the line's others: a file's rejection equal to a
# stored one on all of these is that one.
REJECTION_FIELDS = ["kind", "quantity", "quantity_note", "reason", "reason_detail", "date"]
# Keeps each IN (...) list well under every database's parameter limit.
CHUNK = 500
# Supply lines and their history rows are written in batches of this size.
BATCH_SIZE = 500


def in_chunks(values):
    values = sorted(values)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


class FileError(ValueError):
    """The file as a whole cannot be read as shipments, e.g. a wrong header row."""


class RowErrors(dict):
    """Errors of one row, by column; raised together so staff see them all at once."""

    @classmethod
    def of(cls, form):
        return cls((column, list(messages)) for column, messages in form.errors.items())

    def raise_if_any(self):
        if self:
            raise ValidationError(dict(self))

    def add(self, column, message):
        self.setdefault(column, []).append(message)

    def add_model_errors(self, error, prefix=""):
        for name, messages in error.message_dict.items():
            for message in messages:
                self.add(COLUMN_OF_FIELD.get(name, name), prefix + message)


class PartyMatcher:
    """Finds parties by slug or exact name, making the unknown ones (saved by `save`)."""

    def __init__(self, model, wanted):
        self.model = model
        self.by_slug = {}
        self.by_name = {}
        self.new = []
        for chunk in in_chunks(wanted):
            for party in model.objects.filter(Q(slug__in=chunk) | Q(name__in=chunk)):
                self._remember(party)

    def _remember(self, party):
        self.by_slug[party.slug] = party
        self.by_name.setdefault(party.name, []).append(party)

    def find(self, text):
        """The party named `text`; raises ValueError when the name is ambiguous."""
        if text in self.by_slug:
            return self.by_slug[text]
        named = self.by_name.get(text, [])
        if len(named) > 1:
            slugs = ", ".join(party.slug for party in named)
            raise ValueError(f"Several parties are named '{text}'; give the slug ({slugs}).")
        return named[0] if named else None

    def create(self, name, **values):
        """A new party, checked, and found by later rows; written by `save`."""
        party = self.model(name=name, slug=self._free_slug(name), **values)
        # The country was checked on reading and the slug was found free.
        party.full_clean(exclude=["country"], validate_unique=False)
        self._remember(party)
        self.new.append(party)
        return party

    def save(self):
        for party in self.new:
            party.save()

    def _free_slug(self, name):
        base = slugify(name)[:180].strip("-") or self.model._meta.model_name
        slug, number = base, 1
        while slug in self.by_slug or self.model.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        return slug


@dataclass
class ShipmentInFile:
    """One shipment of the file: where it first appears, its cells there, what it becomes.

    What the rows change: the shipment's own columns (`columns_changed`, and
    always for a new shipment) and its donors (`donors`, the list to link, or
    None when they stay as stored).
    """

    first_row: int
    cells: tuple
    shipment: Shipment | None = None
    columns_changed: bool = False
    donors: list | None = None
    item_rows: dict = field(default_factory=dict)
    next_position: int = 0
    # The pledge to link, by reference, when the file changes it (None: unchanged).
    pledge_reference: str | None = None
    # Sources the file adds or changes; the shipment's sources in the order the
    # file's rejections count them (sources_json's, else the stored ones').
    new_sources: list = field(default_factory=list)
    changed_sources: list = field(default_factory=list)
    source_places: list = field(default_factory=list)
    new_rejections: list = field(default_factory=list)
    # The rows of this shipment as the file gives them (for a review), and
    # each of its own columns the file changes, {field: (stored, new)}.
    rows: list = field(default_factory=list)
    changes: dict = field(default_factory=dict)

    @property
    def changed(self):
        return self.columns_changed or self.donors is not None or self.parts_changed

    @property
    def parts_changed(self):
        """Whether the file adds or changes sources or rejections of the shipment."""
        return bool(self.new_sources or self.changed_sources or self.new_rejections)


@dataclass
class ReadLine:
    """What one valid row does: its supply line, as it was (for an update) and will be."""

    item: ShipmentItem
    original: ShipmentItem | None
    import_type: str


class ImportRun:
    """One import of one file, read row by row (`read`), then written (`save`)."""

    def __init__(self, user=None):
        self.user = user if getattr(user, "pk", None) else None
        # Without a user (a command run by the operator), as for an editor.
        self.may_publish = self.user is None or self.user.has_perm(review.PUBLISH_PERMISSION)
        self.created = {"shipments": 0, "donors": 0, "recipients": 0}
        self.in_file = {}
        # The ShipmentInFile of each new shipment, in the order of the file.
        self.new_shipments = []
        self.new_versions = {}
        self.new_items = []
        self.changed_items = []

    def open(self, dataset):
        """Check the header row of `dataset` and load what its rows may refer to."""
        headers = [cell_text(name) for name in dataset.headers or []]
        missing = [name for name in REQUIRED_COLUMNS if name not in headers]
        unknown = [name for name in headers if name not in COLUMN_NAMES]
        if missing or unknown:
            problems = []
            if missing:
                problems.append("missing column(s): " + ", ".join(missing))
            if unknown:
                problems.append("unknown column(s): " + ", ".join(unknown))
            raise FileError(
                "The file's header row does not match the template ("
                + "; ".join(problems)
                + "). Download the template from this page."
            )
        dataset.headers = self.headers = headers
        if len(dataset) and is_hxl_row(dataset[0]):
            # A download with ?hxl=1: its hashtags belong to the header, and the rows
            # are counted below them.
            del dataset[0]
        self._preload(dataset)

    def _preload(self, dataset):
        """Fetch every party, shipment and item the file may refer to, in a few queries."""
        references = {cell_text(value) for value in dataset["shipment_reference"]} - {""}
        # The status each shipment of the file is given, on its first row, so
        # that a row may name as its pledge a shipment further down the file.
        self.file_statuses = {}
        statuses = dataset["status"] if "status" in self.headers else [""] * len(dataset)
        for reference, status in zip(dataset["shipment_reference"], statuses, strict=True):
            self.file_statuses.setdefault(cell_text(reference), cell_text(status).lower())
        pledges = set()
        if "pledge_reference" in self.headers:
            pledges = {cell_text(value) for value in dataset["pledge_reference"]} - {""}
        donor_names = {name for value in dataset["donors"] for name in split_list(cell_text(value))}
        recipient_names = {cell_text(value) for value in dataset["recipient"]} - {""}
        self.donors = PartyMatcher(Donor, donor_names)
        self.recipients = PartyMatcher(Recipient, recipient_names)
        self.categories = {category.slug: category for category in SupplyCategory.objects.all()}
        self.emergencies = {emergency.glide: emergency for emergency in Emergency.objects.all()}
        self.default_emergency = next(
            (emergency for emergency in self.emergencies.values() if emergency.is_default), None
        )
        categories_by_id = {category.pk: category for category in self.categories.values()}
        self.shipments = {}
        self.items = {}
        self.last_positions = {}
        self.sources_of = {}
        self.rejections_of = {}
        for chunk in in_chunks(pledges - references):
            self.shipments.update(
                (shipment.reference, shipment)
                for shipment in Shipment.objects.filter(reference__in=chunk)
            )
        for chunk in in_chunks(references):
            shipments = (
                Shipment.objects.filter(reference__in=chunk)
                .select_related("pledge", "emergency")
                .prefetch_related("donors")
            )
            self.shipments.update((shipment.reference, shipment) for shipment in shipments)
            by_id = {shipment.pk: shipment for shipment in shipments}
            for source in Source.objects.filter(shipment__in=list(by_id)).order_by("pk"):
                self.sources_of.setdefault(source.shipment_id, []).append(source)
            for rejection in Rejection.objects.filter(shipment__in=list(by_id)).order_by("pk"):
                self.rejections_of.setdefault(rejection.item_id, []).append(rejection)
            items = ShipmentItem.objects.filter(shipment__in=list(by_id))
            for item in items:
                item.shipment = by_id[item.shipment_id]
                item.category = categories_by_id[item.category_id]
                self.items[item_key(item.shipment.reference, item)] = item
            positions = (
                ShipmentItem.objects.filter(shipment__in=list(by_id))
                .values_list("shipment_id")
                .annotate(last=Max("position"))
                .order_by()
            )
            self.last_positions.update(positions)

    # Reading -------------------------------------------------------------

    def read(self, number, cells):
        """What row `number` (1 below the header) does; raises ValidationError if it is wrong."""
        reference = cell_text(cells.get("shipment_reference"))
        in_file = self.in_file.get(reference)
        form = SupplyLineForm(
            cells,
            categories=self.categories,
            emergencies=self.emergencies,
            shipment=in_file is None,
        )
        errors = RowErrors.of(form)
        if not reference:
            errors.raise_if_any()
        if in_file is None:
            in_file = self._first_row_of(reference, number, form, errors)
        else:
            self._check_agreement(reference, in_file, form, errors)
        errors.raise_if_any()
        in_file.rows.append({name: raw_cell(value) for name, value in cells.items()})
        return self._supply_line(number, in_file, form.item_values(), form.rejections())

    def _first_row_of(self, reference, number, form, errors):
        cells = tuple(form.data.get(name, "") for name in REPEATED_SHIPMENT_COLUMNS)
        in_file = self.in_file[reference] = ShipmentInFile(first_row=number, cells=cells)
        said = form.shipment_columns()
        if said is not None:
            self._sync_shipment(in_file, said, errors)
        shipment = in_file.shipment
        if shipment is not None and shipment.pk is not None:
            in_file.next_position = self.last_positions.get(shipment.pk, -1) + 1
        return in_file

    def _check_agreement(self, reference, in_file, form, errors):
        if in_file.shipment is None:
            errors.add(
                NON_FIELD_ERRORS,
                f"Shipment {reference} could not be imported: see row {in_file.first_row}.",
            )
        for name, first in zip(REPEATED_SHIPMENT_COLUMNS, in_file.cells, strict=True):
            mine = form.data.get(name, "")
            if mine != first:
                errors.add(
                    name,
                    f"'{mine}' differs from row {in_file.first_row} ('{first}'), where "
                    f"shipment {reference} first appears; a shipment's columns must agree.",
                )

    def _supply_line(self, number, in_file, values, rejections=None):
        line = self._item_of_row(number, in_file, values)
        added = bool(rejections) and self._add_rejections(in_file, line.item, rejections)
        if added and line.import_type == "skip":
            line.import_type = "update"
        return line

    def _add_rejections(self, in_file, item, records):
        """Add the line's rejections the store lacks; whether there were any."""
        places = in_file.source_places
        stored = self.rejections_of.get(item.pk, []) if item.pk else []
        added = False
        for number, record in enumerate(records, start=1):
            place = record.get("source")
            if not places:
                raise ValidationError(
                    {"rejections_json": f"Rejection {number}: give the shipment's sources_json."}
                )
            if type(place) is not int or not 1 <= place <= len(places):
                raise ValidationError(
                    {
                        "rejections_json": f"Rejection {number}: source must be the place (1 to "
                        f"{len(places)}) of the source reporting it in sources_json."
                    }
                )
            source = places[place - 1]
            fields = {name: record[name] for name in REJECTION_FIELDS}
            if any(
                rejection.source_id == source.pk
                and source.pk is not None
                and all(getattr(rejection, name) == value for name, value in fields.items())
                for rejection in stored
            ):
                continue
            rejection = Rejection(shipment=in_file.shipment, item=item, source=source, **fields)
            try:
                rejection.clean()
            except ValidationError as error:
                raise ValidationError(
                    {
                        "rejections_json": [
                            f"Rejection {number}: {message}"
                            for messages in error.message_dict.values()
                            for message in messages
                        ]
                    }
                ) from None
            in_file.new_rejections.append(rejection)
            added = True
        return added

    def _item_of_row(self, number, in_file, values):
        shipment = in_file.shipment
        key = item_key(shipment.reference, values)
        earlier = in_file.item_rows.get(key)
        if earlier is not None:
            raise ValidationError(
                f"Row {earlier} already gives this shipment's {values['description']!r} "
                f"({values['category'].slug}, {values['unit']}); give each supply line once."
            )
        in_file.item_rows[key] = number
        item = self.items.get(key)
        if item is None:
            item = ShipmentItem(shipment=shipment, position=in_file.next_position, **values)
            item.fill_from_kind()
            in_file.next_position += 1
            self.new_items.append(item)
            return ReadLine(item, None, "new")
        original = copy.copy(item)
        if "quantity_kind" not in self.headers and values.get("quantity") == item.quantity:
            # A file from before the kinds were written down says nothing of
            # them: the stored kind and bounds stay.
            values = {name: values.get(name) for name in UPDATABLE_ITEM_FIELDS} | {
                name: getattr(item, name) for name in KIND_FIELDS
            }
        for name in UPDATABLE_ITEM_FIELDS:
            setattr(item, name, values.get(name))
        # Bounds the file leaves out are what the kind implies, not what was stored.
        item.fill_from_kind()
        item_changed = any(
            getattr(item, name) != getattr(original, name) for name in UPDATABLE_ITEM_FIELDS
        )
        if item_changed:
            self.changed_items.append(item)
        # The first row of a changed shipment reports the change, even if its
        # own item stays as it was.
        shipment_changed = in_file.changed and in_file.first_row == number
        return ReadLine(item, original, "update" if item_changed or shipment_changed else "skip")

    def _sync_shipment(self, in_file, said, errors):
        """Find or make the shipment a row describes, with what the row changes, in `in_file`.

        The shipment stays None when the row is wrong; nothing is written (see `save`).
        """
        donors = [
            self._party(self.donors, donor, "donors", "donor_countries", Donor.Kind, errors)
            for donor in said.donors
        ]
        recipient = self._party(
            self.recipients,
            said.recipient,
            "recipient",
            "recipient_country",
            Recipient.Kind,
            errors,
        )
        if errors:
            return
        shipment = self.shipments.get(said.reference)
        new = shipment is None
        if new:
            shipment = Shipment(
                reference=said.reference,
                created_by_id=getattr(self.user, "pk", None),
                emergency=self.default_emergency,
            )
        values = dict(said.fields)
        # A blank crisis keeps the emergency (a new shipment's, the default).
        if values.get("emergency", "") is None:
            del values["emergency"]
        # A blank status or terms keeps the current value (a new shipment's default).
        for name in ["status", "terms"]:
            values[name] = values[name] or getattr(shipment, name)
        pledge_changed = self._check_pledge(shipment, said, errors)
        if errors:
            return
        origin, destination = Shipment.countries_from_parties(donors, recipient)
        values["origin_country"] = values["origin_country"] or origin
        values["destination_country"] = values["destination_country"] or destination
        if not values["origin_country"]:
            errors.add("origin_country", "The donors are from several countries: give the origin.")
            return
        # A new recipient has no key (None) until it is saved, before the shipment.
        changed = (
            new
            or pledge_changed
            or shipment.recipient_id != recipient.pk
            or any(getattr(shipment, name) != value for name, value in values.items())
        )
        if changed and not new:
            in_file.changes = {
                name: (getattr(shipment, name), value)
                for name, value in [*values.items(), ("recipient", recipient)]
                if getattr(shipment, name) != value
            }
            if pledge_changed:
                in_file.changes["pledge"] = (
                    shipment.pledge.reference if shipment.pledge_id else None,
                    said.pledge_reference,
                )
        if pledge_changed:
            in_file.pledge_reference = said.pledge_reference
        if changed:
            for name, value in values.items():
                setattr(shipment, name, value)
            shipment.recipient = recipient
            shipment.updated_by_id = getattr(self.user, "pk", None)
            shipment._history_user = self.user
            try:
                # The row's own columns were judged by the model as the row
                # was read; this judges the shipment as it will be saved, with
                # its parties' countries and the values already stored. The
                # recipient was just found or created, and the reference is
                # free or this shipment's; clean() holds every rule the check
                # constraints enforce.
                shipment.full_clean(
                    exclude=[
                        "recipient",
                        "origin_country",
                        "destination_country",
                        # The importing user, who exists: a query each spared.
                        "created_by",
                        "updated_by",
                    ],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as error:
                errors.add_model_errors(error)
                return
        in_file.shipment, in_file.columns_changed = shipment, changed
        self._sync_sources(in_file, said.sources)
        if new:
            in_file.donors = donors
            self.new_shipments.append(in_file)
            self.shipments[said.reference] = shipment
            self.created["shipments"] += 1
        elif {donor.pk for donor in shipment.donors.all()} != {donor.pk for donor in donors}:
            in_file.donors = donors

    def _check_pledge(self, shipment, said, errors):
        """Whether the row links the shipment to another pledge; errors if it cannot be.

        A blank pledge_reference leaves the link as it is: the public files
        leave out a pledge that is not published, and importing one of them
        must not unlink its deliveries.
        """
        reference = said.pledge_reference
        if not reference:
            return False
        if reference == said.reference:
            errors.add("pledge_reference", "A shipment cannot be part of itself.")
            return False
        pledge = self.shipments.get(reference)
        status = self.file_statuses.get(reference) or (pledge.status if pledge else None)
        if reference in self.file_statuses and not status:
            status = Shipment._meta.get_field("status").default
        if status is None:
            errors.add(
                "pledge_reference",
                f"There is no shipment {reference}, in the file or stored: give the reference "
                "of the pledge this shipment is part of.",
            )
            return False
        if status != Shipment.Status.PLEDGED:
            errors.add(
                "pledge_reference",
                f"Shipment {reference} is {status}, not pledged: only a pledge can have "
                "deliveries.",
            )
            return False
        current = shipment.pledge.reference if shipment and shipment.pledge_id else None
        return current != reference

    def _sync_sources(self, in_file, records):
        """What the file's sources (sources_json) add to or change in the shipment's.

        A source is matched by title and address; none is removed, as a file
        may list only the sources it adds.
        """
        shipment = in_file.shipment
        stored = list(self.sources_of.get(shipment.pk, [])) if shipment.pk else []
        if records is None:
            in_file.source_places = stored
            return
        unmatched = list(stored)
        for values in records:
            match = next(
                (
                    source
                    for source in unmatched
                    if (source.title, source.url) == (values["title"], values["url"])
                ),
                None,
            )
            if match is None:
                source = Source(shipment=shipment, **values)
                in_file.new_sources.append(source)
                in_file.source_places.append(source)
                continue
            unmatched.remove(match)
            # A file made before a key existed leaves what it would say as stored.
            updated = [key for key in UPDATABLE_SOURCE_FIELDS if key in values]
            if any(getattr(match, key) != values[key] for key in updated):
                for key in updated:
                    setattr(match, key, values[key])
                in_file.changed_sources.append(match)
            in_file.source_places.append(match)

    def _party(self, matcher, said, column, country_column, kinds, errors):
        try:
            party = matcher.find(said.name)
        except ValueError as error:
            errors.add(column, str(error))
            return None
        if party is not None:
            return party
        if not said.country:
            errors.add(
                country_column,
                f"'{said.name}' is new: give its country so it can be created.",
            )
            return None
        if errors:
            return None
        try:
            party = matcher.create(said.name, country=said.country, kind=said.kind or kinds.OTHER)
        except ValidationError as error:
            for messages in error.message_dict.values():
                for message in messages:
                    errors.add(column, f"Cannot create '{said.name}': {message}")
            return None
        self.created[str(matcher.model._meta.verbose_name_plural)] += 1
        return party

    # Writing -------------------------------------------------------------

    def held(self):
        """The shipments of the file whose changes wait for an editor, as ShipmentInFile.

        Those the public can see, which the file changes, when the importing
        user may not publish.
        """
        if self.may_publish:
            return []
        given_lines = {item.shipment_id for item in [*self.new_items, *self.changed_items]}
        return [
            in_file
            for in_file in self.in_file.values()
            if in_file.shipment is not None
            and not in_file.shipment._state.adding
            and in_file.shipment.is_published
            and (in_file.changed or in_file.shipment.pk in given_lines)
        ]

    def save(self):
        """Write the parties, shipments and supply lines the rows describe, with their history.

        What `held()` names is not written but kept for review. Raises
        ValidationError, having written nothing, if a stored shipment the
        file changes was saved by someone else since the run read it.
        """
        held = self.held()
        for in_file in held:
            self._hold(in_file)
        held_ids = {in_file.shipment.pk for in_file in held}
        self.new_items = [item for item in self.new_items if item.shipment_id not in held_ids]
        self.changed_items = [
            item for item in self.changed_items if item.shipment_id not in held_ids
        ]
        stored = [
            in_file
            for in_file in self.in_file.values()
            if in_file.shipment is not None
            and not in_file.shipment._state.adding
            and in_file.shipment.pk not in held_ids
        ]
        self._check_unchanged(
            [in_file.shipment for in_file in stored if in_file.changed]
            + [item.shipment for item in [*self.new_items, *self.changed_items]]
        )
        self.donors.save()
        self.recipients.save()
        # New shipments first: a stored delivery may name a new pledge.
        with bulk_write():
            self._save_new_shipments()
        for in_file in stored:
            if in_file.pledge_reference is not None:
                in_file.shipment.pledge = self.shipments[in_file.pledge_reference]
            if in_file.columns_changed:
                in_file.shipment.save()
            if in_file.donors is not None:
                in_file.shipment.donors.set(in_file.donors)
        written = [in_file for in_file in self.in_file.values() if in_file.shipment is not None]
        written = [in_file for in_file in written if in_file.shipment.pk not in held_ids]
        # The derived columns are written once, below, when all they are made
        # of is in place, rather than by each bulk write.
        with bulk_write():
            if self.new_items:
                bulk_create_with_history(
                    self.new_items, ShipmentItem, batch_size=BATCH_SIZE, default_user=self.user
                )
            if self.changed_items:
                # None of these fields is in a shipment's derived columns.
                bulk_update_with_history(
                    self.changed_items,
                    ShipmentItem,
                    UPDATABLE_ITEM_FIELDS,
                    batch_size=BATCH_SIZE,
                    default_user=self.user,
                )
            self._save_parts(written)
            # Bulk writes send no signals: new or changed lines, sources and
            # rejections are a new version of their shipment.
            Shipment.new_versions(
                {item.shipment_id for item in [*self.new_items, *self.changed_items]}
                | {in_file.shipment.pk for in_file in written if in_file.parts_changed}
            )
        # The search text and donor columns of the new shipments, now that
        # their donors are linked, of those given new lines, the verification of
        # those whose sources were added or changed, and the last change of those
        # whose lines or sources changed.
        refresh_derived_columns(
            {in_file.shipment.pk for in_file in self.new_shipments}
            | {item.shipment_id for item in [*self.new_items, *self.changed_items]}
            | {
                in_file.shipment.pk
                for in_file in written
                if in_file.new_sources or in_file.changed_sources or in_file.parts_changed
            },
            # The new shipments' first versions, recorded above without them.
            versions=self.new_versions,
        )

    def _save_parts(self, written):
        """Write the sources and rejections the file adds or changes, with their history."""
        new_sources = [source for in_file in written for source in in_file.new_sources]
        changed_sources = [source for in_file in written for source in in_file.changed_sources]
        rejections = [rejection for in_file in written for rejection in in_file.new_rejections]
        # Their shipments, lines and sources were saved since they were read.
        for part in [*new_sources, *rejections]:
            part.shipment = part.shipment
        for rejection in rejections:
            rejection.item, rejection.source = rejection.item, rejection.source
        if new_sources:
            bulk_create_with_history(
                new_sources, Source, batch_size=BATCH_SIZE, default_user=self.user
            )
        if changed_sources:
            bulk_update_with_history(
                changed_sources,
                Source,
                UPDATABLE_SOURCE_FIELDS,
                batch_size=BATCH_SIZE,
                default_user=self.user,
            )
        if rejections:
            bulk_create_with_history(
                rejections, Rejection, batch_size=BATCH_SIZE, default_user=self.user
            )

    def _hold(self, in_file):
        shipment = in_file.shipment
        lines = {"added": 0, "changed": 0}
        for item in self.all_lines_of(shipment):
            lines["added" if item.pk is None else "changed"] += 1
        parts = []
        for name, (old, new) in in_file.changes.items():
            model_field = Shipment._meta.get_field(name)
            before, after = shown(model_field, old), shown(model_field, new)
            parts.append(f"{capfirst(model_field.verbose_name)}: {before} → {after}")
        if in_file.donors is not None:
            parts.append("Donors: " + ", ".join(donor.name for donor in in_file.donors))
        counted = [f"{count} {what}" for what, count in lines.items() if count]
        if counted:
            parts.append(f"{ShipmentItem._meta.verbose_name_plural}: {', '.join(counted)}")
        for what, count in [
            ("sources added", len(in_file.new_sources)),
            ("sources changed", len(in_file.changed_sources)),
            ("rejections added", len(in_file.new_rejections)),
        ]:
            if count:
                parts.append(f"{what}: {count}")
        review.hold_import(
            shipment,
            headers=self.headers,
            rows=in_file.rows,
            summary="; ".join(parts) or "no change",
            user=self.user,
        )

    def all_lines_of(self, shipment):
        return [
            item
            for item in [*self.new_items, *self.changed_items]
            if item.shipment_id == shipment.pk
        ]

    def _check_unchanged(self, shipments):
        """Lock these shipments, as read, until the import ends; refuse any changed since.

        Their rows were read without a lock, so that a preview holds none:
        someone may have saved one meanwhile, and the import would write
        over it (as the admin's change page refuses to, see ShipmentAdminForm).
        """
        read = {shipment.pk: shipment for shipment in shipments if not shipment._state.adding}
        versions = {}
        for chunk in in_chunks(read):
            locked = Shipment.objects.select_for_update().filter(pk__in=chunk).order_by("pk")
            versions.update(locked.values_list("pk", "version"))
        stale = sorted(
            shipment.reference
            for pk, shipment in read.items()
            if versions.get(pk) != shipment.version
        )
        if stale:
            raise ValidationError(
                f"{'Shipment' if len(stale) == 1 else 'Shipments'} {', '.join(stale)} "
                f"{'was' if len(stale) == 1 else 'were'} changed by someone else while the "
                "file was read: nothing was imported; import the file again."
            )

    def _save_new_shipments(self):
        """Write the new shipments, their donors and their history, a few queries in all.

        Saving them one by one, each with a history row for the shipment and
        another for its donors, took most of a large import's time.
        """
        if not self.new_shipments:
            return
        shipments = [in_file.shipment for in_file in self.new_shipments]
        # A pledge new in the file is written before the deliveries naming it.
        waiting = list(self.new_shipments)
        while waiting:
            ready = [
                in_file
                for in_file in waiting
                if in_file.pledge_reference is None
                or self.shipments[in_file.pledge_reference].pk is not None
            ]
            if not ready:
                raise ValidationError(
                    "Shipments of the file name each other as their pledges: "
                    + ", ".join(in_file.shipment.reference for in_file in waiting)
                )
            for in_file in ready:
                if in_file.pledge_reference is not None:
                    in_file.shipment.pledge = self.shipments[in_file.pledge_reference]
            Shipment.objects.bulk_create([in_file.shipment for in_file in ready])
            waiting = [in_file for in_file in waiting if in_file not in ready]
        records = Shipment.history.bulk_history_create(shipments, default_user=self.user)
        record_of = {record.id: record for record in records}
        self.new_versions = record_of
        through = Shipment.donors.through
        links = through.objects.bulk_create(
            through(shipment_id=in_file.shipment.pk, donor_id=donor.pk)
            for in_file in self.new_shipments
            for donor in in_file.donors
        )
        # The history of the donors list, as simple-history records it on
        # each change: one row per link, pointing at the shipment's record.
        donors_history = apps.get_model("shipments", "HistoricalShipment_donors")
        donors_history.objects.bulk_create(
            donors_history(
                history=record_of[link.shipment_id],
                id=link.pk,
                shipment_id=link.shipment_id,
                donor_id=link.donor_id,
            )
            for link in links
        )


def raw_cell(value):
    """A cell as the file gave it, as text (kept as JSON, read again on approval)."""
    return value if isinstance(value, str) else cell_text(value)


def shown(model_field, value):
    """A stored or imported value as staff read it: a choice by its label, a party by name."""
    if value in (None, ""):
        return "(empty)"
    labels = dict(model_field.flatchoices) if model_field.choices else {}
    return str(labels.get(value, getattr(value, "name", None) or value))


def item_key(reference, item):
    """How a supply line is matched within its shipment: an object or a dict of fields."""
    if isinstance(item, dict):
        return (reference, item["category"].pk, item["description"], item["unit"])
    return (reference, item.category_id, item.description, item.unit)
