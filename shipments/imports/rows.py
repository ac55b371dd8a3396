"""One row of the import file: its cells read, checked by the models, and what they mean.

`SupplyLineForm` reads one row on its own, without the database: the
fields come from the model fields they fill (`Shipment`, `ShipmentItem`,
`Donor`, `Recipient`), so types, lengths, choices and validators are the
models', and the model's `clean()` judges the shipment and the supply line
the row describes. What the row means for the data already stored (which
party, which shipment, which line) is for `shipments.imports.run`.
"""

import datetime
import json
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError

from donors.models import Donor, Recipient
from shipments import columns
from shipments.models import QuantityKind, Rejection, Shipment, ShipmentItem, Source

# The header of the public /items.csv, in its order: an export imports again.
COLUMN_NAMES = [column.name for column in columns.ITEM_COLUMNS]
# Derived from other columns on export; read only by people.
INFORMATIONAL_COLUMNS = {
    "url",
    "category_name",
    "recipient_country_name",
    "recipient_country_iso3",
    "donor_countries_iso3",
    # The strongest claim of the sources in sources_json.
    "verification",
    # Summaries of rejections_json and sources_json.
    "quantity_rejected",
    "rejection_reason",
    "sources",
    # A line's place in its shipment: the file's order says it.
    "line",
    # When the public last saw the shipment change: its history says it.
    "last_changed",
}
# The rest of what staff enter for a shipment, added to the files after the
# first imports were written. A file without one of these columns leaves
# what is stored as it is.
SHIPMENT_DETAIL_COLUMNS = [
    "weight_kg",
    "value_usd",
    "declared_value",
    "currency",
    "usd_rate",
    "rate_date",
    "rate_source",
    "pledge_reference",
    "notes",
    "sources_json",
    # Without it, a new shipment belongs to the default emergency.
    "crisis",
]
# Added to the files after the first imports were written: a file without
# the kinds reads them from quantity and quantity_is_estimate; one without
# rejections_json leaves a line's rejections as they are.
OPTIONAL_COLUMNS = {
    "quantity_min",
    "quantity_max",
    "quantity_kind",
    *SHIPMENT_DETAIL_COLUMNS,
    "rejections_json",
}
REQUIRED_COLUMNS = [
    name for name in COLUMN_NAMES if name not in INFORMATIONAL_COLUMNS | OPTIONAL_COLUMNS
]
# Columns that describe the shipment, repeated on each of its rows; its
# rows must agree on them.
REPEATED_SHIPMENT_COLUMNS = [
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
    *SHIPMENT_DETAIL_COLUMNS,
]
LIST_SEPARATOR = ";"
TRUE_WORDS = {"true", "yes", "1"}
FALSE_WORDS = {"false", "no", "0", ""}


def is_hxl_row(cells):
    """Whether `cells` are a row of HXL hashtags, as a download with ?hxl=1 has under its
    header: each one a hashtag with attributes (spaces and case aside) or empty."""
    texts = [cell_text(cell).replace(" ", "").lower() for cell in cells]
    return (
        bool(texts)
        and texts[0].startswith("#")
        and all(not text or columns.HXL_TAG.fullmatch(text) for text in texts)
    )


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
    # The export puts "'" before every formula trigger where a spreadsheet
    # might start a cell, so that none is ever run: read it back without.
    return columns.restore_formulas(text).strip()


def split_list(text):
    return [part.strip() for part in text.split(LIST_SEPARATOR)] if text else []


# Cells -------------------------------------------------------------------


class Cell:
    """A form field reading one cell; its messages may quote the cell as `%(value)s`."""

    # (model, field name): the model field this cell fills, if any.
    fills = None

    def clean(self, value):
        try:
            return super().clean(value)
        except ValidationError as error:
            raise ValidationError(
                [
                    ValidationError(
                        each.message, each.code, {**(each.params or {}), "value": value}
                    )
                    for each in error.error_list
                ]
            ) from None

    def __deepcopy__(self, memo):
        # A cell holds nothing of the row it reads: every row's form shares
        # the fields rather than copy them (and their choices) 10,000 times.
        return self


class TextCell(Cell, forms.CharField):
    pass


class CodeCell(Cell, forms.TypedChoiceField):
    """A stored code (e.g. national-government), in any case."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        codes = ", ".join(code for code, _ in self.choices if code)
        self.error_messages["invalid_choice"] = f"'%(value)s' is not one of: {codes}."

    def to_python(self, value):
        return super().to_python(value).lower()


class CountryCell(Cell, forms.CharField):
    """An ISO 3166 two-letter code in any case, among the countries of `model_field`."""

    default_error_messages = {
        "invalid": "'%(value)s' is not an ISO 3166 two-letter country code (or EU).",
    }

    def __init__(self, model_field, **kwargs):
        self.countries = model_field.countries
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return super().to_python(value).upper()

    def validate(self, value):
        super().validate(value)
        if value and value not in self.countries:
            raise ValidationError(self.error_messages["invalid"], code="invalid")


class IsoDateCell(Cell, forms.DateField):
    """YYYY-MM-DD only: a spreadsheet's local formats (03/04/2020) are ambiguous."""

    input_formats = ["%Y-%m-%d"]
    default_error_messages = {
        "invalid": "'%(value)s' is not a date; write it as YYYY-MM-DD, e.g. 2020-03-18.",
    }


class WholeNumberCell(Cell, forms.IntegerField):
    pass


class AmountCell(Cell, forms.DecimalField):
    pass


class CurrencyCell(Cell, forms.TypedChoiceField):
    """An ISO 4217 code, in any case."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.error_messages["invalid_choice"] = (
            "'%(value)s' is not an ISO 4217 currency code in use, e.g. EUR, CNY or USD."
        )

    def to_python(self, value):
        return super().to_python(value).upper()


class RecordsCell(Cell, forms.Field):
    """A list of records as JSON (sources_json, rejections_json), each judged by `model`.

    Cleans to a list of dicts of model field values, by field name; an
    empty cell is an empty list. `later_keys` were added to the records after
    the first files were written: a record without one leaves it out, so that
    what is stored stays as it is (and a new record takes the model's default).
    """

    default_error_messages = {
        "invalid": "Not a list of records in JSON, as /items.csv writes them: %(reason)s.",
    }

    def __init__(self, model, keys, *, what, exclude, later_keys=(), **kwargs):
        self.model, self.keys, self.what, self.exclude = model, keys, what, exclude
        self.later_keys = frozenset(later_keys)
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        if not value:
            return []
        try:
            records = json.loads(value)
        except ValueError as error:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"reason": error}
            ) from None
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise ValidationError(
                self.error_messages["invalid"],
                code="invalid",
                params={"reason": "give a list of objects, [{...}, {...}]"},
            )
        return records

    def clean(self, value):
        """Each record as the model would hold it: every key, blanks and defaults filled in,
        values of the fields' types; "source" (a place, not a field) kept as given."""
        records, cleaned, errors = super().clean(value), [], []
        for number, record in enumerate(records, start=1):
            unknown = sorted(set(record) - set(self.keys))
            if unknown:
                errors.append(f"{self.what} {number}: unknown key(s) {', '.join(unknown)}.")
                continue
            fields = [key for key in self.keys if key != "source"]
            try:
                instance = self.model(
                    **{key: record[key] for key in fields if record.get(key) is not None}
                )
                instance.full_clean(exclude=self.exclude, validate_constraints=False)
            except ValidationError as error:
                errors.extend(
                    f"{self.what} {number}: {name}: {message}"
                    for name, messages in error.message_dict.items()
                    for message in messages
                )
                continue
            except (TypeError, ValueError) as error:
                errors.append(f"{self.what} {number}: {error}")
                continue
            values = {
                key: getattr(instance, key)
                for key in fields
                if key in record or key not in self.later_keys
            }
            cleaned.append(values | ({"source": record["source"]} if "source" in record else {}))
        if errors:
            # Cell.clean formats each message with the cell's value.
            raise ValidationError([error.replace("%", "%%") for error in errors])
        return cleaned


class YesNoCell(Cell, forms.Field):
    default_error_messages = {"invalid": "'%(value)s' is neither true nor false."}

    def to_python(self, value):
        word = (value or "").lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class ListCell(Cell, forms.Field):
    """Values separated by ';', in one order across columns (a joint donation's donors)."""

    def __init__(self, part, **kwargs):
        self.part = part
        super().__init__(**kwargs)

    def to_python(self, value):
        return split_list(value or "")

    def clean(self, value):
        cleaned, errors = [], []
        for part in super().clean(value):
            try:
                cleaned.append(self.part.clean(part))
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return cleaned


def cell(model, name, **kwargs):
    """The form field of `model`'s field `name`, remembering that it fills that field."""
    model_field = model._meta.get_field(name)
    if hasattr(model_field, "countries"):
        formfield = CountryCell(model_field, **kwargs)
    elif model_field.choices:
        formfield = model_field.formfield(**{"choices_form_class": CodeCell, **kwargs})
    else:
        formfield = model_field.formfield(**{"form_class": TextCell, **kwargs})
    formfield.fills = (model, name)
    return formfield


def bound_cell(name, example):
    """A lower or upper bound of a quantity: a whole number, or blank when the source gives none."""
    return cell(
        ShipmentItem,
        name,
        form_class=WholeNumberCell,
        min_value=0,
        error_messages={
            "invalid": f"'%(value)s' is not a whole number; write e.g. {example}.",
            "min_value": "A bound cannot be negative.",
        },
    )


# The row -----------------------------------------------------------------


@dataclass(frozen=True)
class Party:
    """A donor or recipient as a row names it; country and kind are "" where not given."""

    name: str
    country: str = ""
    kind: str = ""


@dataclass
class ShipmentColumns:
    """What a row says of its shipment: model fields ("" or None where blank) and parties."""

    reference: str
    fields: dict
    donors: list
    recipient: Party
    # None where the file has no such column.
    pledge_reference: str | None = None
    sources: list | None = None


class SupplyLineForm(forms.Form):
    """One row of the file: a supply line, with its shipment's columns repeated.

    Bound to the row's cells (by column name) and to `categories`, the supply
    categories by slug. Errors are keyed by column. With `shipment=False` it
    reads only the reference and the supply line: for the later rows of a
    shipment, whose repeated columns need only agree with its first row.
    """

    # The shipment's columns, repeated on each of its rows.
    shipment_reference = cell(
        Shipment,
        "reference",
        error_messages={"required": "Every row needs its shipment's reference."},
    )
    status = cell(Shipment, "status", required=False)
    donors = ListCell(
        cell(Donor, "name", error_messages={"required": "A donor's name is missing."}),
        error_messages={"required": "Give at least one donor."},
    )
    donor_countries = ListCell(cell(Donor, "country"), required=False)
    donor_kinds = ListCell(cell(Donor, "kind", required=False), required=False)
    recipient = cell(Recipient, "name", error_messages={"required": "Give the recipient."})
    recipient_country = cell(Recipient, "country")
    recipient_kind = cell(Recipient, "kind", required=False)
    origin_country = cell(Shipment, "origin_country")
    destination_country = cell(Shipment, "destination_country")
    announced_on = cell(Shipment, "announced_on", form_class=IsoDateCell)
    shipped_on = cell(Shipment, "shipped_on", form_class=IsoDateCell)
    arrived_on = cell(Shipment, "arrived_on", form_class=IsoDateCell)
    terms = cell(Shipment, "terms", required=False)
    transport_mode = cell(Shipment, "transport_mode")
    arrival_point = cell(Shipment, "arrival_point")
    weight_kg = cell(
        Shipment,
        "weight_kg",
        form_class=AmountCell,
        error_messages={
            "invalid": "'%(value)s' is not a number of kilograms; write e.g. 31000.",
            "min_value": "A weight cannot be negative.",
        },
    )
    value_usd = cell(Shipment, "value_usd", form_class=AmountCell)
    declared_value = cell(Shipment, "declared_value", form_class=AmountCell)
    currency = cell(Shipment, "currency", choices_form_class=CurrencyCell)
    usd_rate = cell(Shipment, "usd_rate", form_class=AmountCell)
    rate_date = cell(Shipment, "rate_date", form_class=IsoDateCell)
    rate_source = cell(Shipment, "rate_source")
    # The reference of the pledge the shipment is part of; matched in the run.
    pledge_reference = TextCell(required=False, max_length=40)
    notes = cell(Shipment, "notes")
    sources_json = RecordsCell(
        Source, columns.SOURCE_KEYS, what="Source", exclude=["shipment"], later_keys=["supports"]
    )
    # An emergency's GLIDE number among those the form is given (see clean_crisis).
    crisis = TextCell(required=False)
    crisis.fills = (Shipment, "emergency")

    # The supply line.
    # A slug among the categories the form is given (see clean_category).
    category = TextCell(required=False)
    category.fills = (ShipmentItem, "category")
    description = cell(
        ShipmentItem,
        "description",
        error_messages={"required": "Describe the supplies as the source does."},
    )
    quantity = cell(
        ShipmentItem,
        "quantity",
        form_class=WholeNumberCell,
        min_value=0,
        error_messages={
            "invalid": "'%(value)s' is not a whole number; write e.g. 40000.",
            "min_value": "A quantity cannot be negative; leave it blank if unknown.",
        },
    )
    quantity_note = cell(ShipmentItem, "quantity_note")
    unit = cell(ShipmentItem, "unit", error_messages={"required": "Give the unit."})
    # Read only to tell the kind of a quantity when a file gives none.
    quantity_is_estimate = YesNoCell(required=False)
    quantity_kind = cell(ShipmentItem, "quantity_kind", required=False)
    quantity_min = bound_cell("quantity_min", example=24)
    quantity_max = bound_cell("quantity_max", example=200)
    item_value_usd = cell(
        ShipmentItem,
        "value_usd",
        form_class=AmountCell,
        min_value=0,
        error_messages={
            "invalid": "'%(value)s' is not a number; write e.g. 1250.50.",
            "min_value": "An amount cannot be negative.",
        },
    )

    rejections_json = RecordsCell(
        Rejection,
        columns.REJECTION_KEYS,
        what="Rejection",
        exclude=["shipment", "item", "source"],
    )

    def __init__(self, cells, *, categories, emergencies=None, shipment=True):
        super().__init__({name: cell_text(value) for name, value in cells.items()})
        self.categories = categories
        # The emergencies by GLIDE number, for a file with a crisis column.
        self.emergencies = emergencies or {}
        self.reads_shipment = shipment
        if not shipment:
            for name in REPEATED_SHIPMENT_COLUMNS:
                del self.fields[name]
        # A column the file leaves out leaves what is stored as it is.
        for name in [*SHIPMENT_DETAIL_COLUMNS, "rejections_json"]:
            if name not in cells and name in self.fields:
                del self.fields[name]

    def clean_category(self):
        category = self.categories.get(self.cleaned_data["category"].lower())
        if category is None:
            slugs = ", ".join(self.categories)
            raise ValidationError(
                f"'{self.data.get('category', '')}' is not a category; use one of: {slugs}."
            )
        return category

    def clean_crisis(self):
        """The emergency the GLIDE number names; None for a blank cell, which keeps a stored
        shipment's and gives a new one the default emergency."""
        glide = self.cleaned_data["crisis"].upper()
        if not glide:
            return None
        emergency = self.emergencies.get(glide)
        if emergency is None:
            known = ", ".join(f"{code} ({one.name})" for code, one in self.emergencies.items())
            raise ValidationError(
                f"'{self.data.get('crisis', '')}' is not the GLIDE number of a recorded "
                f"emergency; use one of: {known}."
            )
        return emergency

    def clean_quantity_kind(self):
        """The kind given, or the one a file without the column implies."""
        return self.cleaned_data["quantity_kind"] or QuantityKind.implied(
            self.cleaned_data.get("quantity"), self.cleaned_data.get("quantity_is_estimate")
        )

    def clean(self):
        names = self.cleaned_data.get("donors")
        for column in ["donor_countries", "donor_kinds"]:
            listed = self.cleaned_data.get(column)
            if names and listed and len(listed) != len(names):
                self.add_error(
                    column,
                    f"Give one value per donor, in the donors' order, separated by "
                    f"'{LIST_SEPARATOR}' ({len(names)} donors, {len(listed)} values).",
                )
        # The model judges what the row says of the shipment (e.g. its
        # reference, its dates in order) and of the supply line; the
        # shipment as it will be saved, with its parties, is judged again
        # when it is (see shipments.imports.run).
        if self.reads_shipment:
            self._check_with_model(Shipment)
        self._check_with_model(ShipmentItem)
        return self.cleaned_data

    def columns_of(self, model):
        """{model field name: column} for the fields of `model` the row fills."""
        return {
            formfield.fills[1]: column
            for column, formfield in self.fields.items()
            if formfield.fills and formfield.fills[0] is model
        }

    def model_values(self, model):
        """The fields of `model` this row fills and reads cleanly, by model field name."""
        return {
            name: self.cleaned_data[column]
            for name, column in self.columns_of(model).items()
            if column in self.cleaned_data
        }

    def _check_with_model(self, model):
        column_of = self.columns_of(model)
        # Only the fields the row gives: a blank one is unknown, or left as
        # it is (status, terms), or comes from the parties (the countries).
        given = {
            name: value
            for name, value in self.model_values(model).items()
            if value not in ("", None)
        }
        # Relations are judged in the run, against the stored data: none is
        # read here, not even a default (the emergency's would be a query a row).
        unread = {
            field.name: None
            for field in model._meta.fields
            if field.is_relation and field.has_default() and field.name not in given
        }
        instance = model(**given, **unread)
        checked = {
            name
            for name, value in given.items()
            if not isinstance(self.fields[column_of[name]], CountryCell)
        }
        try:
            # Relations and uniqueness depend on the database, which a row
            # does not see. A country cell was checked against the model
            # field's own countries, which the model would walk again
            # (3 ms a row).
            instance.full_clean(
                exclude=[
                    f.name for f in model._meta.fields if f.name not in checked or f.is_relation
                ],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error(column_of.get(name), messages)

    def shipment_columns(self):
        """What the row says of its shipment, or None if any of those columns is wrong."""
        columns_read = ["shipment_reference", *REPEATED_SHIPMENT_COLUMNS]
        if any(column in self.errors for column in columns_read):
            return None
        data = self.cleaned_data
        countries, kinds = data["donor_countries"], data["donor_kinds"]
        donors = [
            Party(
                name,
                country=countries[index] if countries else "",
                kind=kinds[index] if kinds else "",
            )
            for index, name in enumerate(data["donors"])
        ]
        recipient = Party(data["recipient"], data["recipient_country"], data["recipient_kind"])
        fields = self.model_values(Shipment)
        return ShipmentColumns(
            fields.pop("reference"),
            fields,
            donors,
            recipient,
            pledge_reference=data.get("pledge_reference"),
            sources=data.get("sources_json"),
        )

    def item_values(self):
        """The supply line's fields, by model field name (the category as an object)."""
        return self.model_values(ShipmentItem)

    def rejections(self):
        """The line's rejections as records, or None where the file has no such column."""
        return self.cleaned_data.get("rejections_json")
