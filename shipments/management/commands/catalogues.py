"""The translation catalogues, kept in step with the text marked for translation.

Django's makemessages reads templates as Django templates: it misses Jinja2's
`{% trans %}` blocks, and it needs GNU gettext. Babel reads both the Python code
and the Jinja2 templates (with Jinja2's own extractor) and writes and compiles
the catalogues in pure Python, so the compiled catalogues are committed and a
machine without gettext serves them as they are (README, "Languages").

Babel is a development dependency: this command is for whoever changes the text.
"""

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

DOMAIN = "django"
# Django's lazy and no-op variants, besides gettext's own names.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
# Where the marked text is, in the order Babel tries the patterns (paths from the
# project's root). The staff templates are Django templates, not Jinja2 ones.
METHODS = [
    ("templates/staff/**", "ignore"),
    ("templates/**.html", "jinja2.ext:babel_extract"),
    ("aidtracker/**.py", "python"),
    ("donors/**.py", "python"),
    ("shipments/**.py", "python"),
]
# As the site's environment reads them (shipments/public/jinja2.py): a `{% trans %}`
# block's text with its runs of white space made one space.
OPTIONS = {"templates/**.html": {"trimmed": "true"}}
WIDTH = 100


def languages():
    """The languages with a catalogue of their own: every one but the site's default."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue_path(language, suffix):
    locale = translation.to_locale(language)
    return Path(settings.LOCALE_PATHS[0]) / locale / "LC_MESSAGES" / f"{DOMAIN}.{suffix}"


def extracted():
    """Every text marked for translation, as a catalogue template."""
    template = Catalog(domain=DOMAIN, project="AidTracker", fuzzy=False)
    root = settings.BASE_DIR
    for filename, _line, message, comments, context in extract_from_dir(
        root, METHODS, OPTIONS, keywords=KEYWORDS, comment_tags=("Translators:",)
    ):
        template.add(
            message,
            locations=[(filename, None)],
            auto_comments=comments,
            context=context,
        )
    return template


def read(language):
    with catalogue_path(language, "po").open("rb") as source:
        return read_po(source, locale=translation.to_locale(language), domain=DOMAIN)


def po_bytes(catalogue):
    out = io.BytesIO()
    write_po(out, catalogue, width=WIDTH, sort_output=True, ignore_obsolete=True)
    return out.getvalue()


def mo_bytes(catalogue):
    out = io.BytesIO()
    write_mo(out, catalogue, use_fuzzy=False)
    return out.getvalue()


def updated(language, template):
    """The language's catalogue with the template's messages: new ones untranslated,
    gone ones dropped; a new catalogue if it has none yet."""
    if catalogue_path(language, "po").exists():
        catalogue = read(language)
    else:
        catalogue = Catalog(
            locale=translation.to_locale(language),
            domain=DOMAIN,
            project=template.project,
            copyright_holder="AidTracker's authors",
            fuzzy=False,
        )
    creation_date = catalogue.creation_date
    # No guessing from similar messages: a guess would be shown as if translated.
    catalogue.update(template, no_fuzzy_matching=True)
    # The date of the catalogue, not of this run: the file changes only when its messages do.
    catalogue.creation_date = creation_date
    return catalogue


def untranslated(message):
    strings = message.string if isinstance(message.string, tuple | list) else [message.string]
    return message.fuzzy or not all(strings)


def keys(catalogue):
    """Each message's text (and its context, if it has one), the header left out."""
    return {
        message.id if message.context is None else (message.id, message.context)
        for message in catalogue
        if message.id
    }


def problems():
    """What is wrong with the committed catalogues, in words; nothing when they hold
    every marked text, translated, and their compiled files are their sources'."""
    found = []
    template = extracted()
    wanted = keys(template)
    for language in languages():
        po, mo = catalogue_path(language, "po"), catalogue_path(language, "mo")
        if not po.exists():
            found.append(f"{po} is missing")
            continue
        catalogue = read(language)
        held = keys(catalogue)
        found += [f"{po}: not in the catalogue: {key!r}" for key in sorted(wanted - held, key=str)]
        found += [f"{po}: no longer marked: {key!r}" for key in sorted(held - wanted, key=str)]
        found += [
            f"{po}: untranslated: {message.id!r}"
            for message in catalogue
            if message.id and untranslated(message)
        ]
        if not mo.exists() or mo.read_bytes() != mo_bytes(catalogue):
            found.append(f"{mo} is not compiled from {po.name}")
    return found


class Command(BaseCommand):
    help = (
        "Brings every language's catalogue (locale/<language>/LC_MESSAGES/django.po) in step "
        "with the text marked for translation and compiles it; --check only says what is "
        "out of step."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Change nothing; fail if a catalogue is stale."
        )

    def handle(self, *args, check=False, **options):
        if check:
            found = problems()
            if found:
                raise CommandError("\n".join(found))
            self.stdout.write("The catalogues are complete and compiled.")
            return
        template = extracted()
        for language in languages():
            catalogue = updated(language, template)
            po = catalogue_path(language, "po")
            po.parent.mkdir(parents=True, exist_ok=True)
            po.write_bytes(po_bytes(catalogue))
            # Compiled from the file as written, as the check reads it.
            catalogue_path(language, "mo").write_bytes(mo_bytes(read(language)))
            missing = sum(1 for message in catalogue if message.id and untranslated(message))
            self.stdout.write(f"{po}: {len(catalogue)} messages, {missing} to translate.")
