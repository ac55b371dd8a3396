"""The admin's upload form for an import: the file is judged before it is parsed."""

from django.core.exceptions import ValidationError
from import_export.forms import ImportForm

from shipments.imports.files import Limits, check_upload


class UploadForm(ImportForm):
    """django-import-export's upload form; a file beyond `Limits` is a form error."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats = formats

    def clean(self):
        cleaned_data = super().clean()
        upload, index = cleaned_data.get("import_file"), cleaned_data.get("format")
        # Both are set only when valid: the format is then one of the choices.
        if upload is not None and index:
            file_format = self.formats[int(index)]().get_title()
            try:
                check_upload(upload, file_format, Limits.from_settings())
            except ValidationError as error:
                self.add_error("import_file", error)
        return cleaned_data
