"""Plain-language definitions of the data's coded values and of the JSON's totals and
facets, for the data dictionary.

Keyed by the models' choices: a value added to a model without a definition
here fails a test, rather than appearing on /about/data/ unexplained.
"""

from dataclasses import dataclass

from donors.models import Donor, Recipient
from shipments import columns
from shipments.models import VERIFICATION_EVIDENCE, QuantityKind, Rejection, Shipment, Unit

STATUSES = {
    Shipment.Status.PLEDGED: "Announced or expected, not yet sent. A pledge is never added to "
    "the deliveries that fulfil it.",
    Shipment.Status.DISPATCHED: "Sent or handed over; the sources do not confirm its arrival.",
    Shipment.Status.DELIVERED: "The sources say it arrived.",
    Shipment.Status.CANCELLED: "Announced but called off; left out of every total.",
}

# What each verification level rests on: the model's own words, which the admin shows staff
# choosing what a source supports.
VERIFICATION = VERIFICATION_EVIDENCE

TERMS = {
    Shipment.Terms.DONATION: "Given free of charge.",
    Shipment.Terms.SALE: "Sold, even if first reported as a donation.",
    Shipment.Terms.LOAN: "Lent, to be returned.",
    Shipment.Terms.UNCLEAR: "The sources do not say whether it was given, sold or lent.",
}

UNITS = {
    Unit.PIECES: "Single items: masks, suits, ventilators, machines.",
    Unit.PAIRS: "Pairs, for gloves and shoe covers.",
    Unit.SETS: "Sets of equipment sold or given together.",
    Unit.KITS: "Test or treatment kits, whatever each holds.",
    Unit.TESTS: "Individual tests (one test kit may hold many).",
    Unit.BOXES: "Boxes or packs, whatever each holds.",
    Unit.KG: "Weight in kilograms, when the source counts supplies by weight.",
}

QUANTITY_KINDS = {
    QuantityKind.EXACT: "The source gives the figure: '40,000'. quantity_min and quantity_max "
    "repeat it.",
    QuantityKind.APPROXIMATE: "The source gives a rounded or approximate figure: 'about 20'. "
    "No bounds unless the source gives them.",
    QuantityKind.AT_LEAST: "The source gives a lower bound: 'over 2 million' is at least "
    "2,000,000 (quantity_min), with no upper bound.",
    QuantityKind.AT_MOST: "The source gives an upper bound: 'up to 500' is at most 500 "
    "(quantity_max).",
    QuantityKind.RANGE: "The source gives two bounds: 'one to two hundred' is 100 to 200.",
    QuantityKind.UNKNOWN: "The source gives no figure. Its words are the quantity_note, and "
    "the least they allow is quantity_min where they allow any: 'dozens' is at least 24.",
}

REJECTION_REASONS = {
    Rejection.Reason.DEFECTIVE: "They did not work as they should: masks that failed filtration "
    "tests, test kits that gave false results.",
    Rejection.Reason.WRONG_SPECIFICATION: "They work but are not what was needed or allowed: "
    "certified to another standard, not medical grade, the wrong size.",
    Rejection.Reason.EXPIRED: "Past their expiry or sterility date.",
    Rejection.Reason.DAMAGED_IN_TRANSIT: "Damaged on the way: crushed, wet, seals broken.",
    Rejection.Reason.OTHER: "Any other reason the source gives, in its words (reason_detail).",
}

REJECTION_KINDS = {
    Rejection.Kind.REJECTED: "Refused or withdrawn by the recipient, or recalled, after they "
    "arrived.",
    Rejection.Kind.RETURNED: "Sent back to the donor or supplier.",
}

DONOR_KINDS = {
    Donor.Kind.NATIONAL_GOVERNMENT: "A national government or its agencies; also a group of "
    "governments acting together.",
    Donor.Kind.REGIONAL_GOVERNMENT: "A province, region, state or city government.",
    Donor.Kind.COMPANY: "A business, state-owned ones included.",
    Donor.Kind.FOUNDATION: "A charitable foundation, often a company's or a family's.",
    Donor.Kind.NGO: "A non-governmental organisation or charity.",
    Donor.Kind.MULTILATERAL: "A body of several states, such as the European Union or a UN agency.",
    Donor.Kind.INDIVIDUAL: "A private person.",
    Donor.Kind.OTHER: "Anyone else, or donors the sources do not name.",
}

RECIPIENT_KINDS = {
    Recipient.Kind.NATIONAL_GOVERNMENT: "A national government, its ministries or agencies.",
    Recipient.Kind.REGIONAL_GOVERNMENT: "A province, region, state, city or local authority.",
    Recipient.Kind.HOSPITAL: "A hospital or clinic.",
    Recipient.Kind.RED_CROSS: "A national Red Cross or Red Crescent society.",
    Recipient.Kind.NGO: "A non-governmental organisation or charity.",
    Recipient.Kind.OTHER: "Anyone else, or a recipient the sources describe only by place.",
}

# The fields of each row of totals in /shipments.json, in their order there.
TOTALS_FIELDS = {
    "category": "The category's slug (see the categories below).",
    "category_name": "The category's name.",
    "unit": "The unit of the quantities. Quantities in different units are never added "
    "together: each unit is a row of its own.",
    "status": "pledged, dispatched or delivered: each status is a row of its own, so a pledge "
    "is never added to deliveries. Cancelled shipments are left out.",
    "quantity": "The sum of the figures of the lines that give one, exact or not. Lines "
    "without a figure add nothing (they are counted in lines_without_quantity, never as 0); "
    "null when no line gives a figure.",
    "quantity_min": "The least the lines allow: the sum of their lower bounds, an exact figure "
    "being its own. A line with no lower bound adds nothing.",
    "quantity_max": "The most the lines allow: the sum of their upper bounds, an exact figure "
    "being its own; null when a line has no upper bound.",
    "lines": "How many supply lines the row adds up.",
    "lines_without_quantity": "Lines without a figure: 'dozens', a range given only by its "
    "bounds, or no amount at all.",
    "lines_estimated": "Lines whose quantity is not exact: every kind but exact, lines "
    "without a figure included.",
    "lines_bounded": "Lines the source bounds: at least, at most, a range, or no figure with "
    "a lower bound ('dozens').",
    "quantity_notes": "The source's words (quantity_note) of the lines that are not exact, in "
    "alphabetical order, when there are one or two and each has words: "
    '["dozens", "over 2 million"]. Empty when every line is exact; null when more lines are '
    "not exact or one has no words (each line's words are in the supply lines CSV).",
    "shipments": "How many shipments hold these lines.",
    "quantity_rejected": "How much of these lines was rejected or returned, adding the "
    "rejections that give a figure; null when none does. quantity less this is what remains; "
    "with rejections_without_quantity above 0, it is at most that.",
    "rejections": "How many rejections or returns are recorded against these lines.",
    "rejections_without_quantity": "Rejections whose source gives no figure ('part of the batch').",
}

# The query parameters of the list, both CSVs and the JSON (one FilterSet, see
# shipments.filters), in the list form's order, then those the renderers read.
PARAMETERS = {
    "q": "Text to search for in the reference, the parties' names, the supplies' "
    "descriptions, the notes and the arrival point.",
    "donor_country": "The country of any of the shipment's donors: an ISO 3166-1 alpha-2 code "
    "in any case (CN, it), or EU for the European Union. A code with no published shipment "
    "selects nothing.",
    "recipient_country": "The recipient's country, as donor_country.",
    "donor_name": "A donor's name as published, in any case: jack ma foundation selects the "
    "shipments of Jack Ma Foundation. Several names are given by repeating the parameter "
    "(a name may hold a comma). A name that no donor with published shipments has is "
    "answered with a 400 that suggests the closest one.",
    "recipient_name": "A recipient's name as published, as donor_name.",
    "donor": "A donor's slug, the last part of its page's address: jack-ma-foundation for "
    "/donors/jack-ma-foundation/. An unknown slug selects nothing.",
    "recipient": "A recipient's slug, as donor.",
    "donor_kind": "A kind of donor (see the kinds of donor below).",
    "category": "A category's slug (see the categories below): the shipments holding any "
    "supply of it. In the supply lines CSV it also keeps only that category's lines.",
    "status": "pledged, dispatched, delivered or cancelled (see the statuses below).",
    "quality": "rejected: the shipments with supplies rejected or returned.",
    "verification": "donor_reported, media_reported, recipient_confirmed or "
    "independently_verified (see the verification levels below): the shipments whose "
    "strongest source establishes that much. Any other value is answered with a 400 naming "
    "the levels.",
    "crisis": "An emergency's GLIDE number in any case, e.g. EP-2020-000012-001 for COVID-19 "
    "(see the emergencies below): the shipments sent for it. A number no emergency has, or "
    "one not written as XX-YYYY-NNNNNN-CCC, is answered with a 400 naming those there are.",
    "shipped_after": "A date as YYYY-MM-DD: the shipments shipped on that day or later. "
    "Shipments with no known shipping date are left out.",
    "shipped_before": "A date as YYYY-MM-DD: the shipments shipped on that day or earlier. "
    "Shipments with no known shipping date are left out.",
    "arrived_after": "A date as YYYY-MM-DD: the shipments that arrived on that day or later. "
    "Shipments with no known arrival date are left out.",
    "arrived_before": "A date as YYYY-MM-DD: the shipments that arrived on that day or "
    "earlier. Shipments with no known arrival date are left out.",
    "as_of": "A date (its first moment, 00:00 UTC) or a date-time in UTC, e.g. 2020-04-01 or "
    "2020-04-01T12:00:00Z: the published data exactly as it stood then, rebuilt from the "
    "change history, with every other parameter applying as usual. The same address gives "
    "the same file for ever; each export says the moment its data is as of in its "
    "X-Data-As-Of header. A shipment unpublished at that moment is not there, and nothing "
    "changed while a shipment was unpublished shows. A moment before the history begins or "
    "in the future is answered with a 400.",
    "sort": "The order: one of the keys below, with a leading - for the reverse. By "
    "default, the latest shipped first (-shipped_on); with arrived_after or arrived_before, "
    "the latest arrived first (-arrived_on). Shipments whose value is unknown come last in "
    "both directions.",
    "page": "The page of the list or of the JSON, from 1. The CSVs always hold the whole "
    "selection.",
    "bom": "bom=1 starts a CSV with a byte-order mark, so that Excel reads its accents right.",
    "hxl": "hxl=1 adds a row of HXL hashtags under a CSV's header (see HXL hashtags below), "
    "for HDX's tools; hxl=0, or leaving it out, adds none. Any other value is answered with a "
    "400.",
}

# The JSON's facets (shipments.facets): each facet, then the fields of each of its values.
FACETS = {
    "status": "How many shipments of the selection have each status; these counts add up to "
    "the selection's count.",
    "category": "How many shipments hold supplies of each category (by slug); a shipment "
    "holding several categories counts under each.",
    "donor_country": "How many shipments have a donor from each country (ISO 3166-1 alpha-2, "
    "or EU); a joint shipment counts once under each of its donors' countries.",
    "recipient_country": "How many shipments went to a recipient in each country; these "
    "counts add up to the selection's count.",
    "donor_kind": "How many shipments have a donor of each kind; a shipment whose donors are "
    "of several kinds counts under each.",
    "verification": "How many shipments have each verification level; these counts add up "
    "to the selection's count.",
    "crisis": "How many shipments were sent for each emergency (by GLIDE number); these counts "
    "add up to the selection's count.",
}

FACET_FIELDS = {
    "value": "The value as the filter of the same name takes it: add it to the query string "
    "(e.g. donor_country=CN) to list those shipments.",
    "label": "The value's name, as this page and the site name it.",
    "count": "How many shipments of the selection hold the value. When facets_exact is false, "
    "the least there are.",
    "facets_exact": "Beside facets: true when every count is exact. The counts are exact for a "
    "selection of up to 1,000 shipments, for the whole list and for one value of one of the "
    "facets' filters; beyond that they are counted on 1,001 shipments of the selection, so "
    "each is a lower bound, and this is false.",
}

COLUMN_KINDS = {
    columns.TEXT: "Text. Several values are joined with '; '.",
    columns.NUMBER: "A plain number: digits, a dot for decimals, no thousands separators. "
    "Empty when unknown, never 0.",
    columns.DATE: "A date as YYYY-MM-DD. Empty when unknown.",
    columns.DATETIME: "A date and time in UTC, to the microsecond, as "
    "YYYY-MM-DDThh:mm:ss.ffffffZ (ISO 8601). Empty when unknown.",
    columns.BOOLEAN: "true or false.",
    columns.URL: "A web address.",
}


@dataclass(frozen=True)
class Entry:
    value: str
    label: str
    definition: str


def entries(choices, definitions):
    """One Entry per choice, in the model's order."""
    return [Entry(value, label, definitions[value]) for value, label in choices.choices]
