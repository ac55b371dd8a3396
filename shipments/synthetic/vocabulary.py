"""The words, shares and ranges synthetic shipments are made of.

Shares are rough orders of magnitude for aid flows in a health emergency,
not measurements: enough for pages, filters and exports to meet data shaped
like the real thing (a few dominant countries, mostly masks and gloves,
some vague amounts).
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Supply:
    """A line as a report would word it, with its unit and plausible ranges."""

    description: str
    unit: str
    quantity: tuple[int, int]
    unit_price_usd: tuple[float, float]


# Per category slug: (share of all lines, the supplies filed under it).
SUPPLIES = {
    "masks": (
        30,
        [
            Supply("Surgical masks", "pieces", (1_000, 3_000_000), (0.05, 0.4)),
            Supply("N95 respirator masks", "pieces", (500, 1_000_000), (0.5, 3.0)),
            Supply("FFP2 respirator masks", "pieces", (500, 800_000), (0.5, 2.5)),
            Supply("KN95 masks", "pieces", (1_000, 1_000_000), (0.3, 2.0)),
            Supply("Disposable face masks", "pieces", (1_000, 2_000_000), (0.05, 0.3)),
            Supply("Boxes of surgical masks", "boxes", (50, 50_000), (3.0, 15.0)),
        ],
    ),
    "gloves": (
        14,
        [
            Supply("Medical gloves", "pairs", (1_000, 2_000_000), (0.05, 0.3)),
            Supply("Nitrile examination gloves", "pairs", (1_000, 1_000_000), (0.08, 0.4)),
            Supply("Latex gloves", "pairs", (1_000, 1_000_000), (0.05, 0.25)),
            Supply("Boxes of gloves", "boxes", (50, 40_000), (4.0, 20.0)),
        ],
    ),
    "protective-suits": (
        14,
        [
            Supply("Protective suits", "pieces", (100, 300_000), (3.0, 25.0)),
            Supply("Isolation gowns", "pieces", (100, 200_000), (1.0, 8.0)),
            Supply("Medical coveralls", "pieces", (100, 150_000), (4.0, 30.0)),
            Supply("Protective clothing sets", "sets", (50, 50_000), (8.0, 40.0)),
        ],
    ),
    "test-reagents": (
        12,
        [
            Supply("Nucleic acid test kits", "kits", (100, 500_000), (5.0, 30.0)),
            Supply("Testing reagents", "tests", (500, 1_000_000), (2.0, 15.0)),
            Supply("Rapid antigen tests", "tests", (1_000, 2_000_000), (1.0, 8.0)),
            Supply("PCR test kits", "kits", (50, 200_000), (10.0, 60.0)),
            Supply("Antibody test kits", "kits", (100, 300_000), (3.0, 20.0)),
        ],
    ),
    "medicines": (
        10,
        [
            Supply("Commonly used medicines", "boxes", (100, 100_000), (2.0, 30.0)),
            Supply("Antiviral medicines", "boxes", (50, 50_000), (10.0, 120.0)),
            Supply("Paracetamol tablets", "boxes", (100, 200_000), (0.5, 4.0)),
            Supply("Antibiotics", "boxes", (100, 80_000), (2.0, 25.0)),
            Supply("Medicines", "kg", (50, 20_000), (10.0, 80.0)),
        ],
    ),
    "medical-equipment": (
        8,
        [
            Supply("Patient monitors", "pieces", (1, 1_000), (800.0, 6_000.0)),
            Supply("Infusion pumps", "pieces", (1, 1_000), (400.0, 3_000.0)),
            Supply("Ultrasound machines", "pieces", (1, 100), (5_000.0, 40_000.0)),
            Supply("Oxygen concentrators", "pieces", (5, 5_000), (300.0, 1_500.0)),
            Supply("Infrared thermometers", "pieces", (50, 100_000), (5.0, 40.0)),
            Supply("Hospital beds", "pieces", (5, 2_000), (300.0, 2_500.0)),
        ],
    ),
    "ventilators": (
        5,
        [
            Supply("Ventilators", "pieces", (1, 400), (8_000.0, 35_000.0)),
            Supply("Non-invasive ventilators", "pieces", (1, 300), (3_000.0, 12_000.0)),
            Supply("ICU ventilators", "pieces", (1, 200), (15_000.0, 45_000.0)),
            Supply("Ventilator sets", "sets", (1, 150), (10_000.0, 40_000.0)),
        ],
    ),
    "other": (
        7,
        [
            Supply("Hand sanitiser", "kg", (100, 50_000), (2.0, 8.0)),
            Supply("Disinfectant", "kg", (100, 80_000), (1.0, 5.0)),
            Supply("Goggles", "pieces", (100, 200_000), (1.0, 6.0)),
            Supply("Face shields", "pieces", (100, 500_000), (0.5, 3.0)),
            Supply("Medical supplies", "kg", (100, 100_000), (3.0, 20.0)),
            Supply("Essential supplies", "kg", (500, 200_000), (2.0, 10.0)),
        ],
    ),
}

# The source's words when it gives no number.
VAGUE_AMOUNTS = [
    "dozens",
    "hundreds",
    "thousands",
    "tens of thousands",
    "several batches",
    "a planeload",
    "not given",
]
# The least each of those words allows, where it allows any: "dozens" is two
# dozen at the least.
VAGUE_LOWER_BOUNDS = {"dozens": 24, "hundreds": 200, "thousands": 2000, "tens of thousands": 20_000}
# How a source qualifies an approximate figure.
ESTIMATE_WORDS = ["about", "over", "nearly", "more than", "up to"]
# The kind of quantity each makes of its figure ("over 2 million": at least 2,000,000).
ESTIMATE_KINDS = {
    "about": "approximate",
    "over": "at_least",
    "nearly": "at_most",
    "more than": "at_least",
    "up to": "at_most",
}

# Countries that give or receive most, most first; every other country
# follows in a seeded order with a Zipf-like falling share.
LEADING_DONOR_COUNTRIES = [
    "CN", "US", "EU", "JP", "DE", "GB", "FR", "KR", "AE", "RU", "TR", "IN", "CA", "AU",
    "SA", "QA", "CH", "NL", "IT", "SE", "NO", "SG", "KW", "ES", "BE", "DK", "AT",
]  # fmt: skip
LEADING_RECIPIENT_COUNTRIES = [
    "IT", "ES", "IR", "RS", "FR", "IN", "BR", "PE", "ZA", "NG", "ET", "PK", "BD", "ID",
    "PH", "UA", "BE", "US", "KE", "EG", "IQ", "LB", "VE", "MX", "GB", "CN", "NP", "MM",
]  # fmt: skip
DONOR_COUNTRY_SKEW = 1.2
RECIPIENT_COUNTRY_SKEW = 0.9
# Within a country, a few parties give or receive most.
PARTY_ACTIVITY_SKEW = 0.8

DONOR_KINDS = {
    "company": 30,
    "foundation": 15,
    "ngo": 15,
    "national-government": 12,
    "regional-government": 10,
    "individual": 8,
    "other": 7,
    "multilateral": 3,
}
RECIPIENT_KINDS = {
    "hospital": 40,
    "national-government": 15,
    "regional-government": 15,
    "ngo": 12,
    "red-cross": 10,
    "other": 8,
}

STATUSES = {"delivered": 58, "pledged": 22, "dispatched": 14, "cancelled": 6}
TERMS = {"donation": 84, "unclear": 9, "sale": 5, "loan": 2}
TRANSPORT_MODES = {"air": 55, "sea": 18, "road": 12, "rail": 7, "multimodal": 4, "": 4}
# Most aid moved in the first two years of the pandemic.
YEARS = {2020: 40, 2021: 25, 2022: 13, 2023: 9, 2024: 7, 2025: 6}

# USD for one unit of each currency: fixed round figures, not market data.
USD_RATES = {
    "EUR": Decimal("1.10"),
    "CNY": Decimal("0.1429"),
    "GBP": Decimal("1.27"),
    "JPY": Decimal("0.0091"),
    "CHF": Decimal("1.08"),
    "AED": Decimal("0.2723"),
    "KRW": Decimal("0.00077"),
    "RUB": Decimal("0.0125"),
    "TRY": Decimal("0.05"),
    "INR": Decimal("0.012"),
    "CAD": Decimal("0.74"),
    "AUD": Decimal("0.66"),
    "SAR": Decimal("0.2667"),
    "QAR": Decimal("0.2747"),
}
CURRENCIES = {
    "USD": 35,
    "EUR": 25,
    "CNY": 20,
    **dict.fromkeys(sorted(USD_RATES.keys() - {"EUR", "CNY"}), 2),
}
RATE_SOURCE = "Central bank reference rate on the rate date"

SHIPMENT_NOTES = [
    "Weight reported in tonnes and converted to kilograms.",
    "The report gives the month only; the first of the month is used.",
    "Part of a larger pledge announced earlier by the same donor.",
    "Figures are as announced by the donor and not independently confirmed.",
    "Arrival confirmed by the recipient's statement.",
    "The cumulative figure reported at the time overlaps other shipments and is not added here.",
    "Some items were reported as sold rather than donated.",
]

# Syllables for made-up names of people, places and organisations, so no
# synthetic party is mistaken for a real one.
SYLLABLES = [
    "ka", "lo", "mer", "ta", "vin", "sa", "ro", "del", "an", "bri", "cor", "na", "tel",
    "mi", "zan", "qu", "or", "pel", "da", "rin", "vo", "sem", "ha", "lin", "to", "gar",
    "be", "nor", "ul", "fa", "res", "ki", "mon", "te", "ly", "dra", "su", "ven", "ar", "ol",
]  # fmt: skip

DONOR_NAME_PATTERNS = {
    "company": [
        "{word} Group",
        "{word} Industries",
        "{word} Holdings",
        "{word} Medical Co",
        "{word} Trading",
        "{word} Pharmaceuticals",
        "{word} Technology",
        "{word} Logistics",
    ],
    "foundation": ["{word} Foundation", "{word} Family Foundation", "{word} Charitable Trust"],
    "ngo": ["{word} Relief", "Friends of {place}", "{word} Aid Network", "{place} Solidarity"],
    "national-government": [
        "Government of {country}",
        "Ministry of Health of {country}",
        "Ministry of Foreign Affairs of {country}",
        "Civil Protection Agency of {country}",
    ],
    "regional-government": [
        "{place} Provincial Government",
        "{place} Regional Council",
        "{place} City Government",
    ],
    "individual": ["{person}"],
    "other": ["Private donors in {country} (not named)", "{place} business community"],
    "multilateral": ["{word} Development Bank", "{word} Regional Health Union", "{word} Fund"],
}
RECIPIENT_NAME_PATTERNS = {
    "hospital": [
        "{place} General Hospital",
        "{place} University Hospital",
        "{place} Children's Hospital",
        "{word} Memorial Hospital",
    ],
    "national-government": ["Ministry of Health of {country}", "Government of {country}"],
    "regional-government": ["{place} Regional Health Authority", "{place} City Council"],
    "ngo": ["{word} Medical Relief", "{place} Health Volunteers", "{word} Care"],
    "red-cross": ["{country} Red Cross", "{country} Red Crescent"],
    "other": ["Health workers in {place}", "Recipients in {country} (not named)"],
}
# The European Union as a body is neither a person nor a province.
EU_DONOR_KINDS = {"national-government", "multilateral", "other"}

PUBLISHER_PATTERNS = ["The {word} Herald", "{word} Daily", "{word} News Agency", "{word} Times"]
SOURCE_TITLES = [
    "{donor} sends {supply} to {country}",
    "{country} receives {supply} from {donor}",
    "{donor} pledges medical aid to {country}",
    "Aid flight with {supply} lands in {country}",
]

# The claim each source supports, by the shipment's status, in percent: what
# is only pledged is at most reported; a recipient confirms, and customs data
# or photographs show, only what was sent.
VERIFICATION = {
    "pledged": {"donor_reported": 45, "media_reported": 55},
    "cancelled": {"donor_reported": 40, "media_reported": 60},
    "dispatched": {"donor_reported": 30, "media_reported": 55, "independently_verified": 15},
    "delivered": {
        "donor_reported": 20,
        "media_reported": 45,
        "recipient_confirmed": 25,
        "independently_verified": 10,
    },
}

# Rejected or returned supplies (about 1 % of shipments sent).
REJECTION_REASONS = {
    "defective": 45,
    "wrong_specification": 25,
    "expired": 10,
    "damaged_in_transit": 12,
    "other": 8,
}
REJECTION_DETAILS = {
    "defective": [
        "Failed filtration tests",
        "Ear loops broke on use",
        "Test kits gave false results",
        "Valves did not seal",
    ],
    "wrong_specification": [
        "Certified to another country's standard",
        "Not medical grade",
        "Wrong size for the hospital's equipment",
    ],
    "expired": ["Past their expiry date on arrival", "Sterility date lapsed"],
    "damaged_in_transit": ["Crushed boxes", "Water damage in the hold", "Broken seals"],
    "other": ["Not needed by the time they arrived", "Held at customs and sent back"],
}
REJECTION_AMOUNTS = ["part of the batch", "an unspecified number", "most of the batch"]
