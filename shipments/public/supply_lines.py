"""A supply line in words, as the pages give it: "40,000 N95 respirator masks", "at least
24 ventilator sets (“dozens”)", "masks (not given)".

A table of shipments writes every line of every row, some 250 on a page of
the list: these are plain functions building strings, rather than template
macros, whose calls cost several times as much. The public ones return
Markup, the report's words escaped, for the templates (registered in
shipments.public.jinja2).
"""

from django.contrib.humanize.templatetags.humanize import intcomma
from markupsafe import Markup, escape


def _text(value):
    """`value` escaped, as a plain string to build a line from."""
    return str(escape(value))


def _unknown(words):
    return f'<span class="unknown">{_text(words)}</span>'


def same_words(text, other):
    """Whether two amounts read the same, whatever their spacing, case and separators.

    So a line shown as "about 20" does not repeat its source's "about 20".
    """

    def letters_and_digits(value):
        return "".join(character for character in str(value).lower() if character.isalnum())

    return letters_and_digits(text) == letters_and_digits(other)


def in_sentence(text):
    """A description as it reads within a sentence: "Gloves" becomes "gloves", while
    "N95 respirator masks" and "PCR kits" keep the capitals of their first word."""
    text = str(text)
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[0].isupper() and first[1:].islower():
        return text[0].lower() + text[1:]
    return text


def _figure(item):
    """The line's figure as its kind allows it to be stated ("40,000", "about 20", "at least
    2,000,000", "140 to 240", or the source's words for an amount with no figure), as
    escaped HTML and as plain text."""
    kind = item.quantity_kind
    if kind == "exact":
        text = intcomma(item.quantity)
    elif kind == "approximate":
        text = f"about {intcomma(item.quantity)}"
    elif kind == "at_least":
        text = f"at least {intcomma(item.quantity_min)}"
    elif kind == "at_most":
        text = f"at most {intcomma(item.quantity_max)}"
    elif kind == "range":
        text = f"{intcomma(item.quantity_min)} to {intcomma(item.quantity_max)}"
    elif item.quantity_min is not None:
        text = f"at least {intcomma(item.quantity_min)}"
    else:
        text = item.quantity_note or "unknown"
        return _unknown(text), text
    return _text(text), text


def _words(item, plain):
    """The source's words beside a figure, when they say more than it does: ' (“dozens”)'."""
    note = item.quantity_note
    if note and not same_words(plain, note):
        return f' <span class="note">(“{_text(note)}”)</span>'
    return ""


def _what(item):
    description = in_sentence(item.description)
    if item.unit != "pieces" and item.unit not in description.lower().split():
        return _text(f"{item.get_unit_display()} of {description}")
    return _text(description)


def _supply(item):
    kind = item.quantity_kind
    if kind == "unknown" and item.quantity_min is None:
        why = item.quantity_note or "no figure"
        # "assistance (not specified), not given" rather than two brackets in a row.
        if item.description.endswith(")"):
            return f"{_what(item)}, {_unknown(why)}"
        return f"{_what(item)} {_unknown(f'({why})')}"
    if kind == "unknown" and item.quantity_note:
        return f"{_text(item.quantity_note)} of {_what(item)}"
    shown, plain = _figure(item)
    return f"{shown} {_what(item)}{_words(item, plain)}"


def line_quantity(item):
    """The amount with its unit, as a shipment's supplies table gives it: "40,000 pieces",
    "at least 24 sets (“dozens”)", or the report's words for why there is no figure."""
    shown, plain = _figure(item)
    if item.quantity_kind != "unknown" or item.quantity_min is not None:
        shown += " " + _text(item.get_unit_display())
    return Markup(shown + _words(item, plain))


def line_what(item):
    """What a line is, in a sentence's words: "gloves", "pairs of gloves", "ventilator sets"
    (a unit the description already names is not repeated)."""
    return Markup(_what(item))


def line_supply(item):
    """One line as a table of shipments lists it: "40,000 N95 respirator masks", "250,000
    pairs of gloves", "at least 2,000,000 masks (“over 2 million”)". A line with no figure
    reads in the report's words: "dozens of ventilator sets" when they bound it, else its
    description with why there is none, "masks (not given)"."""
    return Markup(_supply(item))


def supplies(items):
    """A shipment's supply lines, in their order, separated by middle dots (which a table
    may hide, setting each line on its own)."""
    if not items:
        return Markup(_unknown("no supply lines"))
    return Markup(
        '<span class="sep"> · </span>'.join(
            f'<span class="supply">{_supply(item)}</span>' for item in items
        )
    )
