"""Spreadsheet import of shipments: one row per supply line, in the columns of /items.csv.

Rows with the same `shipment_reference` make one shipment. Parties are
matched by slug or exact name, or created; a shipment is matched by its
reference and an item, within its shipment, by (category, description,
unit), so importing the same file twice changes nothing. Imported
shipments are never published by the import, nor unpublished by a
re-import: publishing stays an editor's act. One invalid row means nothing
is saved.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Max, Q
from django.utils.text import slugify
from django_countries import countries
from import_export import fields, resources
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from donors.models import Donor, Recipient
from shipments import columns
from shipments.models import Shipment, ShipmentItem, SupplyCategory, Unit, bulk_write
from shipments.signals import refresh_derived_columns

# The header of the public /items.csv, in its order: an export imports again.
# The import reads exactly the columns the public /items.csv writes.
ITEM_COLUMNS = [column.name for column in columns.ITEM_COLUMNS]
# Derived from other columns on export; read only by people.
INFORMATIONAL_COLUMNS = {"url", "category_name", "recipient_country_name"}
REQUIRED_COLUMNS = [name for name in ITEM_COLUMNS if name not in INFORMATIONAL_COLUMNS]
# Columns that describe the shipment, repeated on each of its rows.
SHIPMENT_COLUMNS = [
    "status",
    "donors",
    "donor_countries",
    "donor_kinds",
    "recipient",
    "recipient_country",
    "recipient_kind",
    "origin_country",
    "destination_country",
    "announced_on",
    "shipped_on",
    "arrived_on",
    "terms",
    "transport_mode",
    "arrival_point",
]
LIST_SEPARATOR = ";"
# The export prefixes a text cell starting with one of these with "'", so
# that a spreadsheet never runs it as a formula.
TRUE_WORDS = {"true", "yes", "1"}
FALSE_WORDS = {"false", "no", "0", ""}
# Model fields whose name differs from the column that fills them.
COLUMN_OF_FIELD = {"reference": "shipment_reference", "is_estimate": "quantity_is_estimate"}
# What a re-import may change on a supply line it matched.
UPDATABLE_ITEM_FIELDS = ["quantity", "quantity_note", "is_estimate", "value_usd"]
# Keeps each IN (...) list well under every database's parameter limit.
CHUNK = 500


def cell_text(value):
    """A cell as text: spreadsheets give numbers, dates and booleans as such."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # PostgreSQL refuses NUL characters in text; they are never meant.
    text = str(value).replace("\x00", "")
    if text.startswith("'") and text[1:2] and text[1] in columns.FORMULA_TRIGGERS:
        text = text[1:]
    return text.strip()


def split_list(text):
    return [part.strip() for part in text.split(LIST_SEPARATOR)] if text else []


def in_chunks(values):
    values = sorted(values)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


class FileError(ValueError):
    """The file as a whole cannot be read as shipments, e.g. a wrong header row."""


class RowErrors(dict):
    """Errors of one row, by column; raised together so staff see them all at once."""

    def raise_if_any(self):
        if self:
            raise ValidationError(dict(self))

    def add(self, column, message):
        self.setdefault(column, []).append(message)


def parse_date(text, column, errors):
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        errors.add(column, f"'{text}' is not a date; write it as YYYY-MM-DD, e.g. 2020-03-18.")
    return None


def parse_choice(text, column, choices, errors, blank=""):
    """A stored code (e.g. national-government), matched without regard to case."""
    if not text:
        return blank
    code = text.lower()
    if code in choices.values:
        return code
    valid = ", ".join(choices.values)
    errors.add(column, f"'{text}' is not one of: {valid}.")
    return blank


def parse_country(text, column, errors):
    if not text:
        return ""
    code = text.upper()
    if code not in countries:
        errors.add(column, f"'{text}' is not an ISO 3166 two-letter country code (or EU).")
        return ""
    return code


def parse_quantity(text, errors):
    if not text:
        return None
    try:
        quantity = int(text)
    except ValueError:
        errors.add("quantity", f"'{text}' is not a whole number; write e.g. 40000.")
        return None
    if quantity < 0:
        errors.add("quantity", "A quantity cannot be negative; leave it blank if unknown.")
        return None
    return quantity


def parse_amount(text, column, errors):
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        errors.add(column, f"'{text}' is not a number; write e.g. 1250.50.")
        return None
    if not amount.is_finite() or amount < 0:
        errors.add(column, "An amount cannot be negative.")
        return None
    return amount


def parse_bool(text, column, errors):
    word = text.lower()
    if word in TRUE_WORDS:
        return True
    if word not in FALSE_WORDS:
        errors.add(column, f"'{text}' is neither true nor false.")
    return False


@dataclass
class ShipmentInFile:
    """What the import knows of one shipment: where it first appears and what it did."""

    first_row: int
    values: tuple
    shipment: Shipment | None = None
    changed: bool = False
    item_keys: dict = field(default_factory=dict)
    next_position: int = 0


class PartyMatcher:
    """Finds parties by slug or exact name, creating the unknown ones."""

    def __init__(self, model, wanted):
        self.model = model
        self.by_slug = {}
        self.by_name = {}
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
        party = self.model(name=name, slug=self._free_slug(name), **values)
        # The country was checked on reading and the slug was found free.
        party.full_clean(exclude=["country"], validate_unique=False)
        party.save()
        self._remember(party)
        return party

    def _free_slug(self, name):
        base = slugify(name)[:180].strip("-") or self.model._meta.model_name
        slug, number = base, 1
        while slug in self.by_slug or self.model.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        return slug


def item_field(attribute, column):
    return fields.Field(attribute=attribute, column_name=column)


class ShipmentItemResource(resources.ModelResource):
    """One row per supply line; the columns of /items.csv. Used by the admin's import."""

    # The columns shown side by side in the preview of each row.
    shipment_reference = item_field("import_reference", "shipment_reference")
    category = item_field("category__slug", "category")
    description = item_field("description", "description")
    quantity = item_field("quantity", "quantity")
    quantity_note = item_field("quantity_note", "quantity_note")
    unit = item_field("unit", "unit")
    quantity_is_estimate = item_field("is_estimate", "quantity_is_estimate")
    item_value_usd = item_field("value_usd", "item_value_usd")

    class Meta:
        model = ShipmentItem
        name = "Shipments, one row per supply line (the columns of /items.csv)"
        fields = [
            "shipment_reference",
            "category",
            "description",
            "quantity",
            "quantity_note",
            "unit",
            "quantity_is_estimate",
            "item_value_usd",
        ]
        import_id_fields = ["shipment_reference", "category", "description", "unit"]
        use_transactions = True
        # Supply lines and their history rows are written in batches: the
        # rows are validated one by one first, so a batch cannot fail on them.
        use_bulk = True
        batch_size = 500
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_user_visible_fields(self):
        # The import page lists every column of the file, not only the ones
        # compared side by side in the preview.
        return [fields.Field(column_name=name) for name in ITEM_COLUMNS]

    # Import ------------------------------------------------------------

    def import_data(self, dataset, **kwargs):
        """Import `dataset`; any invalid row rolls the whole import back."""
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)

    def before_import(self, dataset, **kwargs):
        user = kwargs.get("user")
        self.user = user if getattr(user, "pk", None) else None
        self.user_id = getattr(self.user, "pk", None)
        self.shipments_in_file = {}
        self.created = {"shipments": 0, "donors": 0, "recipients": 0}
        self.current = None
        headers = [cell_text(name) for name in dataset.headers or []]
        missing = [name for name in REQUIRED_COLUMNS if name not in headers]
        unknown = [name for name in headers if name not in ITEM_COLUMNS]
        if missing or unknown:
            problems = []
            if missing:
                problems.append("missing column(s): " + ", ".join(missing))
            if unknown:
                problems.append("unknown column(s): " + ", ".join(unknown))
            # Rows under a wrong header cannot be read; one message says why.
            dataset.wipe()
            raise FileError(
                "The file's header row does not match the template ("
                + "; ".join(problems)
                + "). Download the template from this page."
            )
        dataset.headers = headers
        self._preload(dataset)

    def _preload(self, dataset):
        """Fetch every party, shipment and item the file may refer to, in a few queries."""
        references = {cell_text(value) for value in dataset["shipment_reference"]} - {""}
        donor_names = {name for value in dataset["donors"] for name in split_list(cell_text(value))}
        recipient_names = {cell_text(value) for value in dataset["recipient"]} - {""}
        self.donors = PartyMatcher(Donor, donor_names)
        self.recipients = PartyMatcher(Recipient, recipient_names)
        self.categories = {category.slug: category for category in SupplyCategory.objects.all()}
        self.shipments = {}
        self.new_shipments = []
        self.items = {}
        self.last_positions = {}
        for chunk in in_chunks(references):
            shipments = Shipment.objects.filter(reference__in=chunk).prefetch_related("donors")
            self.shipments.update((shipment.reference, shipment) for shipment in shipments)
            references_by_id = {shipment.pk: shipment.reference for shipment in shipments}
            items = ShipmentItem.objects.filter(shipment__reference__in=chunk).select_related(
                "category"
            )
            for item in items:
                item.import_reference = references_by_id[item.shipment_id]
                self.items[self._item_key(item)] = item
            positions = (
                ShipmentItem.objects.filter(shipment__reference__in=chunk)
                .values_list("shipment_id")
                .annotate(last=Max("position"))
                .order_by()
            )
            self.last_positions.update(positions)

    @staticmethod
    def _item_key(item):
        return (item.import_reference, item.category_id, item.description, item.unit)

    def before_import_row(self, row, row_number=None, **kwargs):
        for name in row:
            row[name] = cell_text(row[name])
        errors = RowErrors()
        reference = row["shipment_reference"]
        if not reference:
            errors.add("shipment_reference", "Every row needs its shipment's reference.")
            errors.raise_if_any()
        in_file = self._shipment_for(reference, row, row_number, errors)
        key = self._item_key_for(row, in_file, errors)
        errors.raise_if_any()
        earlier = in_file.item_keys.get(key)
        if earlier is not None:
            raise ValidationError(
                f"Row {earlier} already gives this shipment's {row['description']!r} "
                f"({row['category']}, {row['unit']}); give each supply line once."
            )
        in_file.item_keys[key] = row_number
        self.current = in_file
        self.current_row = row_number
        self.current_key = key

    def _shipment_for(self, reference, row, row_number, errors):
        values = tuple(row.get(name, "") for name in SHIPMENT_COLUMNS)
        in_file = self.shipments_in_file.get(reference)
        if in_file is None:
            in_file = ShipmentInFile(first_row=row_number, values=values)
            self.shipments_in_file[reference] = in_file
            in_file.shipment, in_file.changed = self._sync_shipment(reference, row, errors)
            shipment = in_file.shipment
            if shipment is not None and shipment.pk is not None:
                in_file.next_position = self.last_positions.get(shipment.pk, -1) + 1
            return in_file
        if in_file.shipment is None:
            errors.add(
                NON_FIELD_ERRORS,
                f"Shipment {reference} could not be imported: see row {in_file.first_row}.",
            )
        for name, mine, first in zip(SHIPMENT_COLUMNS, values, in_file.values, strict=True):
            if mine != first:
                errors.add(
                    name,
                    f"'{mine}' differs from row {in_file.first_row} ('{first}'), where "
                    f"shipment {reference} first appears; a shipment's columns must agree.",
                )
        return in_file

    def _sync_shipment(self, reference, row, errors):
        """Create or update the shipment described by `row`; (shipment or None, changed)."""
        donors = self._donors(row, errors)
        recipient = self._recipient(row, errors)
        shipment = self.shipments.get(reference)
        new = shipment is None
        if new:
            shipment = Shipment(reference=reference, created_by_id=self.user_id)
        values = {
            # A blank status or terms keeps the current value (a new shipment's default).
            "status": parse_choice(
                row["status"], "status", Shipment.Status, errors, blank=shipment.status
            ),
            "terms": parse_choice(
                row["terms"], "terms", Shipment.Terms, errors, blank=shipment.terms
            ),
            "transport_mode": parse_choice(
                row["transport_mode"], "transport_mode", Shipment.TransportMode, errors
            ),
            "arrival_point": row["arrival_point"],
            "announced_on": parse_date(row["announced_on"], "announced_on", errors),
            "shipped_on": parse_date(row["shipped_on"], "shipped_on", errors),
            "arrived_on": parse_date(row["arrived_on"], "arrived_on", errors),
            "origin_country": parse_country(row["origin_country"], "origin_country", errors),
            "destination_country": parse_country(
                row["destination_country"], "destination_country", errors
            ),
        }
        if errors:
            return None, False
        origin, destination = Shipment.countries_from_parties(donors, recipient)
        values["origin_country"] = values["origin_country"] or origin
        values["destination_country"] = values["destination_country"] or destination
        if not values["origin_country"]:
            errors.add("origin_country", "The donors are from several countries: give the origin.")
            return None, False
        values["recipient_id"] = recipient.pk
        changed = new or any(getattr(shipment, name) != value for name, value in values.items())
        if changed:
            for name, value in values.items():
                setattr(shipment, name, value)
            shipment.updated_by_id = self.user_id
            shipment._history_user = self.user
            try:
                # The recipient was just found or created, and the reference is
                # known to be free or this shipment's; the model's clean() holds
                # every rule the check constraints enforce.
                shipment.full_clean(
                    exclude=["recipient", "origin_country", "destination_country"],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    for message in messages:
                        errors.add(COLUMN_OF_FIELD.get(name, name), message)
                return None, False
        if new:
            # Written in bulk with the supply lines (see _save_new_shipments).
            shipment.import_donors = donors
            self.new_shipments.append(shipment)
            self.shipments[reference] = shipment
            self.created["shipments"] += 1
            return shipment, True
        if changed:
            shipment.save()
        if {donor.pk for donor in shipment.donors.all()} != {donor.pk for donor in donors}:
            shipment.donors.set(donors)
            changed = True
        return shipment, changed

    def _save_new_shipments(self):
        """Write the new shipments, their donors and their history, a few queries in all.

        Saving them one by one, each with a history row for the shipment and
        another for its donors, took most of a large import's time.
        """
        shipments, self.new_shipments = self.new_shipments, []
        if not shipments:
            return
        # Their derived columns are written once their donors are linked, below.
        with bulk_write():
            Shipment.objects.bulk_create(shipments)
        records = Shipment.history.bulk_history_create(shipments, default_user=self.user)
        record_of = {record.id: record for record in records}
        through = Shipment.donors.through
        links = through.objects.bulk_create(
            through(shipment_id=shipment.pk, donor_id=donor.pk)
            for shipment in shipments
            for donor in shipment.import_donors
        )
        # Their search text and donor columns, now that their donors are linked.
        refresh_derived_columns(shipment.pk for shipment in shipments)
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

    def _donors(self, row, errors):
        names = split_list(row["donors"])
        if not names:
            errors.add("donors", "Give at least one donor.")
            return []
        donor_countries = split_list(row["donor_countries"])
        kinds = split_list(row["donor_kinds"])
        for column, listed in [("donor_countries", donor_countries), ("donor_kinds", kinds)]:
            if listed and len(listed) != len(names):
                errors.add(
                    column,
                    f"Give one value per donor, in the donors' order, separated by "
                    f"'{LIST_SEPARATOR}' ({len(names)} donors, {len(listed)} values).",
                )
                return []
        donors = []
        for index, name in enumerate(names):
            country = donor_countries[index] if donor_countries else ""
            kind = kinds[index] if kinds else ""
            donor = self._party(
                self.donors,
                name,
                errors,
                column="donors",
                country_column="donor_countries",
                country=country,
                kind=parse_choice(kind, "donor_kinds", Donor.Kind, errors) or Donor.Kind.OTHER,
            )
            if donor is not None:
                donors.append(donor)
        return donors

    def _recipient(self, row, errors):
        name = row["recipient"]
        if not name:
            errors.add("recipient", "Give the recipient.")
            return None
        kind = parse_choice(row["recipient_kind"], "recipient_kind", Recipient.Kind, errors)
        return self._party(
            self.recipients,
            name,
            errors,
            column="recipient",
            country_column="recipient_country",
            country=row["recipient_country"],
            kind=kind or Recipient.Kind.OTHER,
        )

    def _party(self, matcher, name, errors, column, country_column, country, kind):
        try:
            party = matcher.find(name)
        except ValueError as error:
            errors.add(column, str(error))
            return None
        if party is not None:
            return party
        code = parse_country(country, country_column, errors)
        if not code:
            errors.add(
                country_column,
                f"'{name}' is new: give its country so it can be created.",
            )
            return None
        if errors:
            return None
        try:
            party = matcher.create(name, country=code, kind=kind)
        except ValidationError as error:
            for messages in error.message_dict.values():
                for message in messages:
                    errors.add(column, f"Cannot create '{name}': {message}")
            return None
        self.created[str(matcher.model._meta.verbose_name_plural)] += 1
        return party

    def _item_key_for(self, row, in_file, errors):
        category = self.categories.get(row["category"].lower())
        if category is None:
            slugs = ", ".join(self.categories)
            errors.add("category", f"'{row['category']}' is not a category; use one of: {slugs}.")
        if not row["description"]:
            errors.add("description", "Describe the supplies as the source does.")
        unit = parse_choice(row["unit"], "unit", Unit, errors)
        if not unit:
            errors.add("unit", "Give the unit.")
        if errors or in_file.shipment is None:
            return None
        self.current_category = category
        return (in_file.shipment.reference, category.pk, row["description"], unit)

    def get_instance(self, instance_loader, row):
        return self.items.get(self.current_key)

    def init_instance(self, row=None):
        position = self.current.next_position
        self.current.next_position += 1
        shipment = self.current.shipment
        # By id, not object: the preview copies each line, and a shipment
        # object would be copied with it. A new shipment's id comes on saving.
        item = ShipmentItem(shipment_id=shipment.pk, position=position)
        item.import_reference = shipment.reference
        return item

    def import_instance(self, instance, row, **kwargs):
        errors = RowErrors()
        instance.category = self.current_category
        instance.description = row["description"]
        instance.unit = row["unit"].lower()
        instance.quantity = parse_quantity(row["quantity"], errors)
        instance.quantity_note = row["quantity_note"]
        instance.is_estimate = parse_bool(
            row["quantity_is_estimate"], "quantity_is_estimate", errors
        )
        instance.value_usd = parse_amount(row["item_value_usd"], "item_value_usd", errors)
        errors.raise_if_any()

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            # The shipment and category are known objects, an item has no
            # unique fields, and clean() with the field validators covers the
            # check constraints: no query is needed to validate a line.
            instance.full_clean(
                exclude=[*errors, "shipment", "category"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        self.item_changed = True
        if import_validation_errors or instance.pk is None:
            return False
        self.item_changed = not super().skip_row(instance, original, row)
        # The first row of a changed shipment reports the change, even if its
        # own item stays as it was.
        shipment_changed = self.current.changed and self.current.first_row == self.current_row
        return not (self.item_changed or shipment_changed)

    def save_instance(self, instance, is_create, row, **kwargs):
        if is_create or self.item_changed:
            super().save_instance(instance, is_create, row, **kwargs)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.create_instances and (using_transactions or not dry_run):
            try:
                self._save_new_shipments()
                for item in self.create_instances:
                    if item.shipment_id is None:
                        item.shipment_id = self.shipments[item.import_reference].pk
                bulk_create_with_history(
                    self.create_instances,
                    ShipmentItem,
                    batch_size=batch_size,
                    default_user=self.user,
                )
                # Bulk writes send no signals: new lines are a new version of their shipment.
                Shipment.new_versions({item.shipment_id for item in self.create_instances})
            except Exception as error:  # reported like the base class does
                self.handle_import_error(result, error, raise_errors)
            finally:
                self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.update_instances and (using_transactions or not dry_run):
            try:
                bulk_update_with_history(
                    self.update_instances,
                    ShipmentItem,
                    UPDATABLE_ITEM_FIELDS,
                    batch_size=batch_size,
                    default_user=self.user,
                )
                Shipment.new_versions({item.shipment_id for item in self.update_instances})
            except Exception as error:
                self.handle_import_error(result, error, raise_errors)
            finally:
                self.update_instances.clear()

    def after_import(self, dataset, result, **kwargs):
        # The base class resets primary key sequences after importing ids;
        # this import never sets ids, so there is nothing to reset.
        result.created = dict(self.created)
