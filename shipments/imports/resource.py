"""The admin's spreadsheet import, as django-import-export runs it: one row per supply line.

The resource is glue: each import gets its own `ImportRun`
(`shipments.imports.run`), which reads the rows through `SupplyLineForm`
(`shipments.imports.rows`) and then writes what they mean, unless it is a
preview. The whole import is one transaction: one invalid row means nothing
is saved.
"""

from django.core.exceptions import ValidationError
from import_export import fields, resources
from import_export.results import Error, RowResult

from shipments.imports.rows import COLUMN_NAMES
from shipments.imports.run import ImportRun
from shipments.models import ShipmentItem


def item_field(attribute, column):
    return fields.Field(attribute=attribute, column_name=column)


class ShipmentItemResource(resources.ModelResource):
    """One row per supply line; the columns of /items.csv. Used by the admin's import."""

    # The columns shown side by side in the preview of each row.
    shipment_reference = item_field("shipment__reference", "shipment_reference")
    category = item_field("category__slug", "category")
    description = item_field("description", "description")
    quantity = item_field("quantity", "quantity")
    quantity_note = item_field("quantity_note", "quantity_note")
    unit = item_field("unit", "unit")
    quantity_kind = item_field("quantity_kind", "quantity_kind")
    quantity_min = item_field("quantity_min", "quantity_min")
    quantity_max = item_field("quantity_max", "quantity_max")
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
            "quantity_kind",
            "quantity_min",
            "quantity_max",
            "item_value_usd",
        ]
        use_transactions = True
        # The run writes in batches once every row has been read; "bulk"
        # also spares each row a savepoint of its own.
        use_bulk = True
        report_skipped = True

    def get_user_visible_fields(self):
        # The import page lists every column of the file, not only the ones
        # compared side by side in the preview.
        return [fields.Field(column_name=name) for name in COLUMN_NAMES]

    def import_data(self, dataset, **kwargs):
        """Import `dataset`; any invalid row rolls the whole import back.

        A dry run (the admin's preview) reads the rows and writes nothing.
        """
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        kwargs["run"] = ImportRun(user=kwargs.get("user"))
        kwargs["preview"] = kwargs.get("dry_run", False)
        return super().import_data(dataset, **kwargs)

    def before_import(self, dataset, *, run, **kwargs):
        try:
            run.open(dataset)
        except ValueError:
            # Rows under a wrong header cannot be read; one message says why.
            dataset.wipe()
            raise

    def import_row(self, row, instance_loader, *, run, row_number, **kwargs):
        row_result = self.get_row_result_class()()
        try:
            line = run.read(row_number, row)
        except ValidationError as error:
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = error
            return row_result
        except Exception as error:  # reported like the base class does
            row_result.import_type = RowResult.IMPORT_TYPE_ERROR
            row_result.errors.append(Error(error, row=row, number=row_number))
            return row_result
        new = line.import_type == RowResult.IMPORT_TYPE_NEW
        diff = self.get_diff_class()(self, line.original or line.item, new)
        diff.compare_with(self, line.item)
        row_result.diff = diff.as_html()
        row_result.import_type = line.import_type
        row_result.add_instance_info(line.item)
        # The admin logs the lines it imported from the rows' instances.
        row_result.instance = line.item
        if not new:
            row_result.original = line.original
        return row_result

    def after_import(self, dataset, result, *, run, preview, **kwargs):
        # Nothing is written for a file with a wrong row. Nor by a preview:
        # written and rolled back, its writes would hold locks (on the data
        # version every change replaces, on the shipments it changes) that
        # every staff save waits for until the preview ends.
        # Named in the preview, then held for review when the import is confirmed.
        result.held_for_review = sorted(in_file.shipment.reference for in_file in run.held())
        if not (preview or result.has_errors() or result.has_validation_errors()):
            run.save()
        result.created = dict(run.created)
