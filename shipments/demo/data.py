"""The demo data set: every donation, delivery and pledge in two news reports of March 2020.

Facts are as the reports give them. Where a report is vague ("dozens",
"medical equipment") there is no figure and its words are kept as the
quantity note, with the lower bound the words allow ("dozens": at least 24);
"over 2 million" is at least 2,000,000. Relative dates ("last Saturday") are resolved against the
report's date, and each shipment's notes say how. Nothing here is invented:
no web address was kept with either report, so sources have none.
"""

from datetime import date
from decimal import Decimal

from shipments.models import QuantityKind

DW_REPORT = {
    "title": "COVID-19: China steps in to help Italy battle the virus",
    "publisher": "DW",
    "published_on": None,
    "notes": "The publisher is taken from the report itself, which quotes people as having "
    "'told DW'. No publication date is printed: the events it reports (a Chinese team "
    "flying to Milan on 18 March, Italy's death toll passing China's 'last week') place it "
    "in late March 2020. No web address was kept with the copy.",
    # News reports, whoever they quote: nothing in them is confirmed by the recipients.
    "supports": "media_reported",
}

MARCH_18_REPORT = {
    "title": "Untitled news report on Chinese donations to Italy and Belgium",
    "publisher": "",
    "published_on": date(2020, 3, 18),
    "notes": "The copy has no headline, publisher or web address. Its date is inferred: it "
    "reports President Xi's call with Prime Minister Conte 'on Monday evening' (16 March "
    "2020) and a Zhejiang medical team that 'left for Italy yesterday' (17 March 2020), so "
    "it appeared on Wednesday 18 March 2020.",
    "supports": "media_reported",
}

DONORS = [
    {
        "slug": "chinese-government",
        "name": "Chinese government",
        "kind": "national-government",
        "country": "CN",
    },
    {
        "slug": "private-donors-in-china",
        "name": "Private donors in China (not named)",
        "kind": "other",
        "country": "CN",
        "notes": "The report says the supplies came from 'private donors' without naming them.",
    },
    {
        "slug": "eu-member-states",
        "name": "Several EU member states (not named)",
        "kind": "national-government",
        "country": "EU",
        "notes": "The report says 'several EU countries' without naming them.",
    },
    {
        "slug": "zhejiang-provincial-government",
        "name": "Zhejiang provincial government",
        "kind": "regional-government",
        "country": "CN",
    },
    {
        "slug": "blue-river-dairy",
        "name": "Blue River Dairy",
        "kind": "company",
        "country": "CN",
        "notes": "Nutritional formula maker based in Hunan Province.",
    },
    {
        "slug": "zoomlion",
        "name": "Zoomlion Heavy Industry Science & Technology Co",
        "kind": "company",
        "country": "CN",
        "notes": "Construction machinery maker based in Hunan Province.",
    },
    {
        "slug": "fosun-foundation",
        "name": "Fosun Foundation",
        "kind": "foundation",
        "country": "CN",
        "notes": "Foundation of the Shanghai-based Fosun Group.",
    },
    {"slug": "longfor-group", "name": "Longfor Group", "kind": "company", "country": "CN"},
    {
        "slug": "beijing-taikang-yicai-foundation",
        "name": "Beijing Taikang Yicai Foundation",
        "kind": "foundation",
        "country": "CN",
    },
    {
        "slug": "alibaba-foundation",
        "name": "Alibaba Foundation",
        "kind": "foundation",
        "country": "CN",
    },
    {
        "slug": "jack-ma-foundation",
        "name": "Jack Ma Foundation",
        "kind": "foundation",
        "country": "CN",
    },
]

UNNAMED = "The report names the country only, not who received the supplies."

RECIPIENTS = [
    {
        "slug": "recipients-in-italy",
        "name": "Recipients in Italy (not named)",
        "kind": "other",
        "country": "IT",
        "notes": UNNAMED,
    },
    {
        "slug": "recipients-in-spain",
        "name": "Recipients in Spain (not named)",
        "kind": "other",
        "country": "ES",
        "notes": UNNAMED,
    },
    {
        "slug": "recipients-in-france",
        "name": "Recipients in France (not named)",
        "kind": "other",
        "country": "FR",
        "notes": UNNAMED,
    },
    {
        "slug": "recipients-in-belgium",
        "name": "Recipients in Belgium (not named)",
        "kind": "other",
        "country": "BE",
        "notes": UNNAMED,
    },
    {
        "slug": "recipients-in-china",
        "name": "Recipients in China (not named)",
        "kind": "other",
        "country": "CN",
        "notes": UNNAMED,
    },
    {"slug": "european-union", "name": "European Union", "kind": "other", "country": "EU"},
    {
        "slug": "european-countries",
        "name": "European countries (not named)",
        "kind": "other",
        "country": "EU",
        "notes": "The report says 'European countries' without naming them; filed under the EU.",
    },
    {
        "slug": "lombardy-regional-government",
        "name": "Lombardy regional government",
        "kind": "regional-government",
        "country": "IT",
        "city": "Milan",
    },
    {
        "slug": "milan-municipal-government",
        "name": "Milan municipal government",
        "kind": "regional-government",
        "country": "IT",
        "city": "Milan",
    },
]

NOT_GIVEN = "not given"


def item(category, description, quantity=None, unit="pieces", note="", kind=None, least=None):
    """A supply line as a report gives it: exact when it gives a figure, else no figure.

    `kind` and `least` (a lower bound) record a vague amount: "over 2 million"
    is at least 2,000,000; "dozens" is no figure, at least 24.
    """
    if kind is None:
        kind = QuantityKind.EXACT if quantity is not None else QuantityKind.UNKNOWN
    exact = kind == QuantityKind.EXACT
    return {
        "category": category,
        "description": description,
        "quantity": quantity,
        "quantity_kind": kind,
        "quantity_min": None if exact else least,
        "quantity_max": None,
        "unit": unit,
        "quantity_note": note if quantity is not None else (note or NOT_GIVEN),
        "is_estimate": not exact,
    }


SHIPMENTS = [
    {
        "reference": "2020-CN-IT-001",
        "donors": ["chinese-government", "private-donors-in-china"],
        "recipient": "recipients-in-italy",
        "status": "delivered",
        "arrived_on": date(2020, 3, 12),
        "arrival_point": "Rome",
        "weight_kg": Decimal("31000"),
        "items": [
            item("ventilators", "Respirators"),
            item("protective-suits", "Protective suits"),
            item("masks", "Masks"),
            item("medicines", "Medications", unit="boxes"),
        ],
        "notes": "31 tons of essential supplies and equipment, brought by the first team of "
        "Chinese medical experts. The year (2020) comes from the report's context. The report "
        "lists 'respirators' apart from masks, so they are filed as ventilators. It gives no "
        "quantity for any item.",
        "source": DW_REPORT,
        "excerpt": "The first team from China arrived on March 12 in Rome with 31 tons of "
        "essential supplies and equipment, including respirators, protective suits, masks and "
        "medications. The supplies were donated both by the Chinese government and private "
        "donors.",
    },
    {
        "reference": "2020-CN-ES-001",
        "donors": ["chinese-government"],
        "recipient": "recipients-in-spain",
        "status": "delivered",
        # "Helped" says neither donated nor sold.
        "terms": "unclear",
        "items": [item("medical-equipment", "Medical equipment")],
        "notes": "The report says only that 'China has also helped hard-hit Spain with medical "
        "equipment': no date, quantity or named donor, nor whether it was given or sold; filed "
        "under the Chinese government.",
        "source": DW_REPORT,
        "excerpt": "China has also helped hard-hit Spain with medical equipment, and assistance "
        "is also expected soon to arrive in France.",
    },
    {
        "reference": "2020-CN-FR-001",
        "donors": ["chinese-government"],
        "recipient": "recipients-in-france",
        "status": "pledged",
        "terms": "unclear",
        "items": [item("other", "Assistance (not specified)")],
        "notes": "The report says assistance 'is also expected soon to arrive in France', "
        "without saying what, from whom in China, or whether given or sold; filed under the "
        "Chinese government.",
        "source": DW_REPORT,
        "excerpt": "China has also helped hard-hit Spain with medical equipment, and assistance "
        "is also expected soon to arrive in France.",
    },
    {
        "reference": "2020-CN-EU-001",
        "donors": ["chinese-government"],
        "recipient": "european-union",
        "status": "pledged",
        "terms": "unclear",
        "items": [item("masks", "Protective face masks", 2_000_000)],
        "notes": "Expected after talks between European Commission President Ursula von der "
        "Leyen and Chinese Prime Minister Li Keqiang. The report does not say whether the masks "
        "are given or sold.",
        "source": DW_REPORT,
        "excerpt": "More deliveries to the EU from China, like 2 million protective face masks, "
        "are expected to be delivered after talks between EU commission chief Ursula von der "
        "Leyen und China's Prime Minister Li Keqiang.",
    },
    {
        "reference": "2020-EU-CN-001",
        "donors": ["eu-member-states"],
        "recipient": "recipients-in-china",
        "status": "delivered",
        "weight_kg": Decimal("56000"),
        "items": [item("other", "Essential equipment")],
        "notes": "Sent 'during the height of the coronavirus outbreak in China' (early 2020); "
        "the report gives no date and does not name the countries.",
        "source": DW_REPORT,
        "excerpt": "The Europeans provided assistance to the Chinese during the height of the "
        "coronavirus outbreak in China, with several EU countries shipping 56 tons of "
        "essential equipment.",
    },
    {
        "reference": "2020-CN-IT-002",
        "donors": ["zhejiang-provincial-government"],
        "recipient": "recipients-in-italy",
        "status": "delivered",
        "arrived_on": date(2020, 3, 17),
        "items": [
            # "Dozens" is two dozen at the least.
            item("ventilators", "Ventilator sets", unit="sets", note="dozens", least=24),
            item("medical-equipment", "Monitors"),
            item("medical-equipment", "Dual channel infusion pumps"),
            item("medical-equipment", "Portable color ultrasound machines", 2),
            item("test-reagents", "Testing reagents", 60_000),
        ],
        "notes": "ICU equipment that arrived in Italy on the day a team of 12 Zhejiang medical "
        "experts left for Italy, 'yesterday' in a report of 18 March 2020: 17 March 2020. "
        "Zhejiang had by then sent 35.4 tons of medical supplies and commonly used drugs to "
        "Italy in all; that cumulative figure overlaps this shipment, so it is not recorded as "
        "a shipment of its own.",
        "source": MARCH_18_REPORT,
        "excerpt": "ICU equipment donated by the province also arrived in Italy on the same "
        "day, including dozens of ventilator sets, monitors and dual channel infusion pumps, "
        "two portable color ultrasound machines as well as 60,000 testing reagents. Zhejiang "
        "so far has sent 35.4 tons of medical supplies and commonly used drugs to Italy.",
    },
    {
        "reference": "2020-CN-IT-003",
        "donors": ["blue-river-dairy"],
        "recipient": "recipients-in-italy",
        "status": "dispatched",
        "shipped_on": date(2020, 3, 14),
        "declared_value": Decimal("2400000"),
        "currency": "CNY",
        "value_usd": Decimal("343000"),
        "usd_rate": Decimal("0.14291667"),
        # The report gives both figures: "2.4 million yuan (US$343,000)".
        "rate_source": "The report's own conversion",
        "items": [
            item("masks", "N95 respirator masks", 40_000),
            item("protective-suits", "Protective suits", 1_800),
            item("gloves", "Gloves", 250_000, unit="pairs"),
        ],
        "notes": "Donated 'last Saturday' in a report of Wednesday 18 March 2020: 14 March "
        "2020. The report says the supplies were donated, not that they arrived.",
        "source": MARCH_18_REPORT,
        "excerpt": "Nutritional formula maker Blue River Dairy, based in central Hunan "
        "Province, last Saturday donated medical supplies worth 2.4 million yuan (US$343,000) "
        "to Italy. They consist of 40,000 N95 respirator masks, 1,800 protective suits and "
        "250,000 pairs of gloves.",
    },
    {
        "reference": "2020-CN-IT-004",
        "donors": ["zoomlion"],
        "recipient": "lombardy-regional-government",
        "status": "dispatched",
        "shipped_on": date(2020, 3, 13),
        "items": [item("masks", "Masks", 50_000)],
        "notes": "The first batch, shipped on 'Friday' in a report of Wednesday 18 March 2020: "
        "13 March 2020. The masks were produced by companies across Hunan, comply with EU "
        "standards and are to be distributed to the frontline by the Lombardy regional "
        "government.",
        "source": MARCH_18_REPORT,
        "excerpt": "Zoomlion Heavy Industry Science & Technology Co, a leading construction "
        "gear maker based in Hunan, on Friday shipped its first batch of 50,000 masks which "
        "will be distributed to the frontline by the Lombardy regional government.",
    },
    {
        "reference": "2020-CN-IT-005",
        "donors": ["fosun-foundation", "longfor-group", "beijing-taikang-yicai-foundation"],
        "recipient": "recipients-in-italy",
        "status": "delivered",
        "arrival_point": "Milan",
        "items": [
            item("protective-suits", "Protective suits", 5_500),
            item("masks", "N95 respirator masks", 40_000),
        ],
        "notes": "Jointly donated. Arrived in Milan before 18 March 2020; the report gives no "
        "date.",
        "source": MARCH_18_REPORT,
        "excerpt": "More medical protection supplies, including 5,500 protective suits and "
        "40,000 N95 respirator masks, have arrived in Milan. The supplies were jointly donated "
        "by Fosun Foundation of the Shanghai-based Fosun Group, Longfor Group and Beijing "
        "Taikang Yicai Foundation.",
    },
    {
        "reference": "2020-CN-IT-006",
        "donors": ["fosun-foundation"],
        "recipient": "milan-municipal-government",
        "status": "dispatched",
        "items": [item("masks", "Face masks", 5_000)],
        "notes": "Donated 'early this month' in a report of 18 March 2020: early March 2020, "
        "no exact date. The report says the masks were donated, not that they arrived.",
        "source": MARCH_18_REPORT,
        "excerpt": "Fosun had also donated 5,000 face masks to Milan's municipal government "
        "early this month, the foundation said.",
    },
    {
        "reference": "2020-CN-EU-002",
        "donors": ["alibaba-foundation", "jack-ma-foundation"],
        "recipient": "european-countries",
        "status": "pledged",
        "items": [
            item(
                "masks",
                "Masks",
                2_000_000,
                note="over 2 million",
                kind=QuantityKind.AT_LEAST,
                least=2_000_000,
            ),
            item("medical-equipment", "Medical equipment"),
        ],
        "notes": "An 'ambitious donation' announced by the two foundations to support European "
        "countries, which the report does not name; filed under the EU. Deliveries that are "
        "part of it are linked to it and never added to it.",
        "source": MARCH_18_REPORT,
        "excerpt": "The shipment was part of an ambitious donation of over 2 million masks and "
        "medical equipment announced by the two foundations to support European countries.",
    },
    {
        "reference": "2020-CN-BE-001",
        "donors": ["alibaba-foundation", "jack-ma-foundation"],
        "recipient": "recipients-in-belgium",
        "status": "delivered",
        "arrived_on": date(2020, 3, 16),
        "transport_mode": "air",
        "arrival_point": "Liege Airport",
        "pledge": "2020-CN-EU-002",
        "items": [item("masks", "Masks", 300_000)],
        "notes": "Arrived by cargo plane on 'Monday' in a report of Wednesday 18 March 2020: "
        "16 March 2020. A poster on the package read 'L'union fait la force' ('Unity makes "
        "strength'), Belgium's motto. Part of the two foundations' pledge of over 2 million "
        "masks (2020-CN-EU-002).",
        "source": MARCH_18_REPORT,
        "excerpt": "A total of 300,000 masks donated by Chinese charities, the Alibaba "
        "Foundation and the Jack Ma Foundation, arrived in Belgium on Monday. A cargo plane "
        "carrying the medical supply landed midday at Liege Airport.",
    },
]
