"""An uploaded import file, judged before anything parses it.

What reading a spreadsheet costs depends on what it holds more than on its
size: a CSV of short lines holds many rows, and an XLSX is a zip whose
sheets may unpack to a thousand times their size. `check_upload` refuses,
with a message for staff, a file larger than the limits, one that would
unpack beyond them, or one holding more rows or cells; and a CSV file that
is not UTF-8 text, saying what it is and how to save it as UTF-8. It reads
the file a line or a row at a time, never holding its contents in memory,
and leaves the parsing to the import (tablib, through django-import-export).
"""

import codecs
import csv
import zipfile
from contextlib import closing
from dataclasses import dataclass

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

# The members of an XLSX may unpack to this many times the largest upload.
# A zip bomb unpacks to a thousand times its size and more, and openpyxl holds
# a workbook's shared strings in memory; 20,000 rows in the template's
# columns unpack to about 25 MB (1.8 MB zipped).
EXPANSION = 10
SAVE_AS_UTF8 = (
    "Save it as CSV UTF-8 and upload that file: in Excel, File > Save As > 'CSV UTF-8 "
    "(Comma delimited) (*.csv)'; in LibreOffice Calc, File > Save As > 'Text CSV (.csv)', "
    "tick 'Edit filter settings' and choose the character set 'Unicode (UTF-8)'."
)
UTF16 = (
    "The file is in UTF-16, as Excel's 'Unicode Text' saves it, and the import reads UTF-8. "
    + SAVE_AS_UTF8
)
# What a file given as CSV is, by its first bytes, when it is no UTF-8 text.
NOT_CSV = [
    ((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), UTF16),
    (
        (b"PK\x03\x04",),
        "The file is an Excel workbook (.xlsx) or another zip file, not CSV: choose the "
        "format xlsx for a workbook.",
    ),
    (
        (b"\xd0\xcf\x11\xe0",),
        "The file is an old Excel workbook (.xls): open it in Excel or LibreOffice and save "
        "it as an Excel workbook (.xlsx), or as CSV UTF-8.",
    ),
]
SPLIT = "Split it into several files, each with the header row, and import them one by one."


@dataclass(frozen=True)
class Limits:
    """The most one import file may hold (settings `IMPORT_MAX_*`)."""

    max_bytes: int
    max_rows: int
    max_cells: int

    @classmethod
    def from_settings(cls):
        return cls(
            settings.IMPORT_MAX_FILE_BYTES, settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_CELLS
        )

    @property
    def max_unpacked_bytes(self):
        return self.max_bytes * EXPANSION

    def __str__(self):
        return (
            f"{filesizeformat(self.max_bytes)}, {self.max_rows:,} rows below the header and "
            f"{self.max_cells:,} cells (rows times columns)"
        )


def check_upload(upload, file_format, limits):
    """Raise ValidationError if `upload`, a "csv" or "xlsx" file, goes beyond `limits`."""
    if upload.size > limits.max_bytes:
        raise ValidationError(
            f"The file is {filesizeformat(upload.size)}; the import takes files of up to "
            f"{filesizeformat(limits.max_bytes)}. {SPLIT}",
            code="too_large",
        )
    if file_format == "xlsx":
        check_unpacked_size(upload, limits)
        check_sheet(upload, limits)
    else:
        rows = csv_rows(upload)
        with closing(rows):
            check_rows(rows, limits)


def beyond(rows, width, limits):
    """Why a file of `rows` rows below its header and `width` columns is refused, or None."""
    if rows > limits.max_rows:
        return ValidationError(
            f"The file has more than {limits.max_rows:,} rows below its header, the most "
            f"one import takes. {SPLIT}",
            code="too_many_rows",
        )
    if rows * width > limits.max_cells:
        return ValidationError(
            f"The file has more than {limits.max_cells:,} cells ({width:,} columns by "
            f"{rows:,} rows and more), the most one import takes. Leave out empty "
            f"columns, or {SPLIT[0].lower()}{SPLIT[1:]}",
            code="too_many_cells",
        )
    return None


def check_rows(rows, limits):
    """Count `rows` (the header first), stopping at the first row beyond the limits."""
    width = 0
    for number, row in enumerate(rows):
        width = max(width, len(row))
        refusal = beyond(number, width, limits)
        if refusal is not None:
            raise refusal


def csv_rows(upload):
    """The rows of a CSV file as tablib reads them (empty lines are skipped), one at a time."""
    try:
        yield from (row for row in csv.reader(utf8_lines(upload)) if row)
    except csv.Error as error:
        raise ValidationError(f"The file cannot be read as CSV: {error}.", code="csv") from None


def utf8_lines(upload):
    """The lines of a CSV file as text; a file in another encoding is refused, saying which."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    number = 0
    for number, line in enumerate(upload, 1):
        if number == 1:
            check_is_text(line)
        try:
            yield decoder.decode(line)
        except UnicodeDecodeError as error:
            raise not_utf8(number, error) from None
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise not_utf8(number, error) from None


def check_is_text(first_line):
    for prefixes, message in NOT_CSV:
        if first_line.startswith(prefixes):
            raise ValidationError(message, code="encoding")
    if b"\x00" in first_line:
        # UTF-16 without its byte-order mark: a Latin letter is a NUL byte and the letter's.
        raise ValidationError(UTF16, code="encoding")


def not_utf8(number, error):
    """The refusal of a file whose line `number` failed to decode as UTF-8 with `error`."""
    line, start = error.object, error.start
    message = (
        f"The file is not in UTF-8, the encoding the import reads: line {number} (the "
        f"header is line 1) has the byte 0x{line[start]:02X} where UTF-8 cannot have it."
    )
    try:
        # Excel's plain CSV in Western Europe: one byte a character, as in Latin-1.
        text = line.decode("cp1252").rstrip()
    except UnicodeDecodeError:
        pass
    else:
        first, last = max(0, start - 30), start + 30
        quoted = text[first:last].strip()
        quoted = ("..." if first else "") + quoted + ("..." if last < len(text) else "")
        message += (
            " It is probably in Windows-1252 or Latin-1, as Excel's plain 'CSV (Comma "
            f"delimited)' saves it, in which line {number} reads '{quoted}'."
        )
    return ValidationError(f"{message} {SAVE_AS_UTF8}", code="encoding")


def check_unpacked_size(upload, limits):
    """Refuse an XLSX (a zip) whose members would unpack beyond the limits, or no zip at all."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            # zipfile never unpacks a member beyond the size its directory gives.
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise not_a_workbook() from None
    if unpacked > limits.max_unpacked_bytes:
        raise ValidationError(
            f"The workbook unpacks to {filesizeformat(unpacked)}; the import takes workbooks "
            f"of up to {filesizeformat(limits.max_unpacked_bytes)} unpacked. {SPLIT}",
            code="too_large",
        )


def check_sheet(upload, limits):
    """Refuse an XLSX file whose active sheet, as the import reads it, goes beyond `limits`."""
    upload.seek(0)
    try:
        workbook = openpyxl.load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl reports a broken workbook in many ways
        raise not_a_workbook() from None
    try:
        sheet = workbook.active
        if sheet.max_row is None:
            check_rows(sheet.iter_rows(values_only=True), limits)
        else:
            # In read-only mode, as the import reads it, openpyxl reads no row
            # or column beyond the size a sheet states (its "dimension"), as
            # Excel and LibreOffice write it: no need to count, which takes
            # openpyxl some seconds for 20,000 rows.
            refusal = beyond(sheet.max_row - 1, sheet.max_column, limits)
            if refusal is not None:
                raise refusal
    except ValidationError:
        raise
    except Exception:
        raise not_a_workbook() from None
    finally:
        workbook.close()


def not_a_workbook():
    return ValidationError(
        "The file is not an Excel workbook (.xlsx), or it is damaged. Open it in Excel or "
        "LibreOffice and save it as an Excel workbook (.xlsx), or choose the format csv "
        "for a CSV file.",
        code="not_xlsx",
    )
