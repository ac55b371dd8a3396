"""Synthetic parties and shipments, drawn from one seeded random generator.

The same seed and sizes always give the same rows: every draw comes from one
`random.Random(seed)` in a fixed order, and nothing depends on the clock,
hashing or the database (ids are handed in by the loader and never drawn).
"""

import math
import random
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate

from django.utils.text import slugify
from django_countries import countries

from donors.models import Donor, Recipient
from shipments.models import SENT_STATUSES, Verification
from shipments.search import codes, search_text
from shipments.synthetic import REFERENCE_PREFIX, SLUG_PREFIX
from shipments.synthetic import vocabulary as words

# When a synthetic shipment was recorded, its history says (shipments.synthetic.loader):
# two days after it was first reported, at a second of the day drawn from its id.
FIRST_REPORTED_WITHOUT_DATES = date(2020, 3, 1)


def recorded_at(shipment_id, announced, shipped, arrived):
    reported = announced or shipped or arrived or FIRST_REPORTED_WITHOUT_DATES
    moment = datetime.combine(reported, time(), UTC)
    return moment + timedelta(days=2, seconds=shipment_id % 86400)


# The columns of each generated row, by attribute name, in row order.
SHIPMENT_ROW_COLUMNS = (
    "id",
    "reference",
    "recipient_id",
    "origin_country",
    "destination_country",
    "status",
    "announced_on",
    "shipped_on",
    "arrived_on",
    "transport_mode",
    "arrival_point",
    "weight_kg",
    "terms",
    "declared_value",
    "currency",
    "value_usd",
    "usd_rate",
    "rate_date",
    "rate_source",
    "pledge_id",
    "notes",
    "is_published",
    "created_by_id",
    "updated_by_id",
    "created_at",
    "updated_at",
    "search_text",
    "donor_countries",
    "donor_kinds",
    "emergency_id",
    "category_keys",
    "verification",
    "last_changed",
)
DONOR_LINK_ROW_COLUMNS = ("id", "shipment_id", "donor_id")
ITEM_ROW_COLUMNS = (
    "id",
    "shipment_id",
    "category_id",
    "description",
    "quantity",
    "quantity_kind",
    "quantity_min",
    "quantity_max",
    "is_estimate",
    "quantity_note",
    "unit",
    "value_usd",
    "position",
)
REJECTION_ROW_COLUMNS = (
    "id",
    "shipment_id",
    "item_id",
    "kind",
    "quantity",
    "quantity_note",
    "reason",
    "reason_detail",
    "date",
    "source_id",
)
SOURCE_ROW_COLUMNS = (
    "id",
    "shipment_id",
    "title",
    "publisher",
    "published_on",
    "url",
    "excerpt",
    "notes",
    "supports",
)

# Shares of shipments and lines, in percent.
UNPUBLISHED = 8
SEVERAL_DONORS = 12
UNKNOWN_QUANTITY = 3
ESTIMATED_QUANTITY = 6
LINE_VALUE = 12
SHIPMENT_VALUE = 35
VALUE_WITHOUT_RATE = 15
WITH_NOTES = 15
SECOND_SOURCE = 8
PART_OF_PLEDGE = 4
# Of shipments dispatched or delivered: one of their lines partly rejected or returned.
WITH_REJECTION = 1
# Kept small, so a delivery links to a pledge made not long before it.
RECENT_PLEDGES = 500

CENT = Decimal("0.01")


class Picker:
    """Draws from a fixed list with fixed weights in O(log n)."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cumulative = list(accumulate(weights))

    def index(self, rng):
        drawn = bisect_right(self.cumulative, rng.random() * self.cumulative[-1])
        return min(drawn, len(self.items) - 1)

    def __call__(self, rng):
        return self.items[self.index(rng)]

    @classmethod
    def from_shares(cls, shares):
        return cls(shares.keys(), shares.values())

    @classmethod
    def zipf(cls, items, skew):
        """The first item is drawn most, the n-th about 1/n**skew as often."""
        items = list(items)
        return cls(items, [1 / rank**skew for rank in range(1, len(items) + 1)])


@dataclass
class Batch:
    """Rows for a run of consecutive shipments, each a tuple in its *_ROW_COLUMNS order."""

    shipments: list = field(default_factory=list)
    donor_links: list = field(default_factory=list)
    items: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    rejections: list = field(default_factory=list)


@dataclass
class NextIds:
    """The next free primary key of each table the shipments go into."""

    shipment: int
    donor_link: int
    item: int
    source: int
    rejection: int


def party_counts(shipments):
    """How many donors and recipients a data set of this many shipments has."""
    return max(100, min(6_000, shipments // 150)), max(150, min(10_000, shipments // 100))


def round_figure(number):
    """Two significant figures from 100 up, as reports give them (43,712 is 44,000)."""
    if number < 100:
        return number
    magnitude = 10 ** (len(str(number)) - 2)
    return round(number / magnitude) * magnitude


def log_uniform(rng, low, high):
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def lower_first(text):
    """'Surgical masks' reads 'surgical masks' mid-sentence; 'N95 masks' stays as it is."""
    return text[0].lower() + text[1:] if text[1:2].islower() else text


class SyntheticDataSet:
    """A reproducible set of donors, recipients and shipments of the requested size."""

    def __init__(self, shipments, items_per_shipment=5, seed=0):
        self.shipment_count = shipments
        self.items_per_shipment = items_per_shipment
        self.rng = random.Random(seed)
        # Rejections draw from a stream of their own, so that adding them
        # left every other row of a seed as it was.
        self.rejection_rng = random.Random(f"{seed}-rejections")
        # So do the claims sources support, added later still.
        self.verification_rng = random.Random(f"{seed}-verification")
        self.country_names = {code: str(name) for code, name in countries}
        self.donor_country_ranks = self._ranked_countries(words.LEADING_DONOR_COUNTRIES)
        self.recipient_country_ranks = self._ranked_countries(words.LEADING_RECIPIENT_COUNTRIES)
        donor_count, recipient_count = party_counts(shipments)
        self.donors = self._parties(
            Donor,
            donor_count,
            self.donor_country_ranks,
            words.DONOR_COUNTRY_SKEW,
            words.DONOR_KINDS,
            words.DONOR_NAME_PATTERNS,
        )
        self.recipients = self._parties(
            Recipient,
            recipient_count,
            self.recipient_country_ranks,
            words.RECIPIENT_COUNTRY_SKEW,
            words.RECIPIENT_KINDS,
            words.RECIPIENT_NAME_PATTERNS,
        )
        self.publishers = [self._name(self.rng.choice(words.PUBLISHER_PATTERNS)) for _ in range(40)]

    # Parties

    def _ranked_countries(self, leading):
        """Every country, the leading ones first, the rest in a seeded order."""
        rest = sorted(code for code in self.country_names if code not in leading)
        self.rng.shuffle(rest)
        return [code for code in leading if code in self.country_names] + rest

    def _word(self, syllables=None):
        count = syllables or self.rng.choice((2, 2, 3))
        return "".join(self.rng.choice(words.SYLLABLES) for _ in range(count)).capitalize()

    def _name(self, pattern, country=""):
        return pattern.format(
            word=self._word(),
            place=self._word(),
            person=f"{self._word(2)} {self._word()}",
            country=self.country_names.get(country, ""),
        )

    def _parties(self, model, count, ranked_countries, skew, kinds, patterns):
        """Unsaved parties; every kind appears, then kinds follow their shares."""
        country_picker = Picker.zipf(ranked_countries, skew)
        kind_picker = Picker.from_shares(kinds)
        all_kinds = list(kinds)
        parties = []
        for number in range(1, count + 1):
            kind = all_kinds[number - 1] if number <= len(all_kinds) else kind_picker(self.rng)
            country = country_picker(self.rng)
            if country == "EU" and model is Donor and kind not in words.EU_DONOR_KINDS:
                kind = "multilateral"
            name = self._name(self.rng.choice(patterns[kind]), country)
            party = model(
                name=name,
                slug=f"{SLUG_PREFIX}{slugify(name)}-{number}",
                kind=kind,
                country=country,
            )
            if model is Recipient:
                party.city = self._word() if self.rng.random() < 0.9 else ""
            parties.append(party)
        return parties

    # Shipments

    def shipment_batches(
        self, donor_ids, recipient_ids, category_ids, next_ids, now, size, emergency_id
    ):
        """Yield the shipments in batches of `size`, with their links, items and sources.

        `donor_ids` and `recipient_ids` are the saved parties' ids in the order
        of `self.donors` and `self.recipients`; `category_ids` maps category
        slugs to ids; `now` stamps every row's creation and change; every
        shipment belongs to the emergency `emergency_id`.
        """
        draw = _ShipmentDraw(
            self, donor_ids, recipient_ids, category_ids, next_ids, now, emergency_id
        )
        for start in range(1, self.shipment_count + 1, size):
            batch = Batch()
            for number in range(start, min(start + size, self.shipment_count + 1)):
                draw.shipment(number, batch)
            yield batch


class _ShipmentDraw:
    """Draws shipment after shipment, keeping the state that links them (ids, pledges)."""

    def __init__(
        self, data_set, donor_ids, recipient_ids, category_ids, next_ids, now, emergency_id
    ):
        self.data = data_set
        self.emergency_id = emergency_id
        self.rng = data_set.rng
        self.ids = next_ids
        self.now = now
        self.donors = data_set.donors
        self.donor_ids = donor_ids
        self.recipients = data_set.recipients
        self.recipient_ids = recipient_ids
        self.donor_countries, self.donors_in = self._by_country(
            data_set.donors, data_set.donor_country_ranks, words.DONOR_COUNTRY_SKEW
        )
        self.recipient_countries, self.recipients_in = self._by_country(
            data_set.recipients, data_set.recipient_country_ranks, words.RECIPIENT_COUNTRY_SKEW
        )
        self.categories = Picker(
            [(category_ids[slug], supplies) for slug, (_, supplies) in words.SUPPLIES.items()],
            [share for share, _ in words.SUPPLIES.values()],
        )
        self.statuses = Picker.from_shares(words.STATUSES)
        self.terms = Picker.from_shares(words.TERMS)
        self.modes = Picker.from_shares(words.TRANSPORT_MODES)
        self.years = Picker.from_shares(words.YEARS)
        self.currencies = Picker.from_shares(words.CURRENCIES)
        self.rejection_reasons = Picker.from_shares(words.REJECTION_REASONS)
        self.verification = {
            status: Picker.from_shares(shares) for status, shares in words.VERIFICATION.items()
        }
        self.recent_pledges = []

    @staticmethod
    def _by_country(parties, ranked_countries, skew):
        """A country picker over the countries that have parties, and one per country."""
        indexes = {}
        for index, party in enumerate(parties):
            indexes.setdefault(party.country.code, []).append(index)
        present = [code for code in ranked_countries if code in indexes]
        rank = {code: position for position, code in enumerate(ranked_countries, start=1)}
        country_picker = Picker(present, [1 / rank[code] ** skew for code in present])
        within = {
            code: Picker.zipf(members, words.PARTY_ACTIVITY_SKEW)
            for code, members in indexes.items()
        }
        return country_picker, within

    def shipment(self, number, batch):
        rng = self.rng
        shipment_id = self.ids.shipment
        self.ids.shipment += 1

        origin = self.donor_countries(rng)
        donors = [self.donors_in[origin](rng)]
        if rng.random() * 100 < SEVERAL_DONORS and len(self.donors_in[origin].items) > 1:
            wanted = rng.choice((2, 2, 2, 3, 3, 4))
            for _ in range(wanted * 3):
                donor = self.donors_in[origin](rng)
                if donor not in donors:
                    donors.append(donor)
                if len(donors) == wanted:
                    break
        # The tracker is for cross-border aid: the neighbouring country in
        # the ranking stands in when the draw lands on the origin.
        picker = self.recipient_countries
        position = picker.index(rng)
        if picker.items[position] == origin:
            position = (position + 1) % len(picker.items)
        destination = picker.items[position]
        recipient = self.recipients_in[destination](rng)

        status = self.statuses(rng)
        year = self.years(rng)
        base = date(year, 1, 1) + timedelta(days=rng.randrange(330))
        announced, shipped, arrived = self._dates(status, base)
        mode = self.modes(rng) if status != "pledged" or rng.random() < 0.3 else ""
        value = self._value(shipped or announced)
        pledge_id = None
        if status == "pledged":
            self.recent_pledges.append(shipment_id)
            del self.recent_pledges[:-RECENT_PLEDGES]
        elif self.recent_pledges and rng.random() * 100 < PART_OF_PLEDGE:
            pledge_id = self.recent_pledges[rng.randrange(len(self.recent_pledges))]

        reference = f"{REFERENCE_PREFIX}{year}-{origin}-{destination}-{number:07d}"
        # Drawn in the order the row lists them, as always, so a seed keeps its data.
        arrival_point = self._arrival_point(mode, self.recipients[recipient].city)
        weight = self._weight(status)
        terms = self.terms(rng)
        notes = rng.choice(words.SHIPMENT_NOTES) if rng.random() * 100 < WITH_NOTES else ""
        published = rng.random() * 100 >= UNPUBLISHED
        row = [
            shipment_id,
            reference,
            self.recipient_ids[recipient],
            origin,
            destination,
            status,
            announced,
            shipped,
            arrived,
            mode,
            arrival_point,
            weight,
            terms,
            *value,
            pledge_id,
            notes,
            published,
            None,
            None,
            self.now,
            self.now,
        ]
        for donor in donors:
            batch.donor_links.append((self.ids.donor_link, shipment_id, self.donor_ids[donor]))
            self.ids.donor_link += 1
        first_line = len(batch.items)
        descriptions = self._items(shipment_id, batch)
        row.append(
            search_text(
                reference,
                self.recipients[recipient].name,
                sorted(self.donors[donor].name for donor in donors),
                descriptions,
                notes,
                arrival_point,
            )
        )
        row.append(codes(self.donors[donor].country.code for donor in donors))
        row.append(codes(self.donors[donor].kind for donor in donors))
        row.append(self.emergency_id)
        row.append(codes(line[2] for line in batch.items[first_line:]))
        first_source = self.ids.source
        levels = self._sources(
            shipment_id,
            status,
            donors[0],
            destination,
            descriptions[0],
            announced or shipped,
            batch,
        )
        row.append(Verification.strongest(levels))
        # Its last public change is its latest version, when it was recorded
        # (shipments.changes); none until published.
        row.append(recorded_at(shipment_id, announced, shipped, arrived) if published else None)
        batch.shipments.append(tuple(row))
        if status in SENT_STATUSES:
            self._rejection(
                shipment_id, batch.items[first_line:], first_source, arrived or shipped, batch
            )

    def _dates(self, status, base):
        """(announced, shipped, arrived): later steps only once the status reaches them."""
        rng = self.rng
        if status in ("pledged", "cancelled"):
            return base, None, None
        announced = base if rng.random() < 0.8 else None
        shipped = base + timedelta(days=rng.randrange(22)) if rng.random() < 0.9 else None
        if status == "dispatched":
            return announced, shipped, None
        if rng.random() < 0.15:
            return announced, shipped, None
        arrived = (shipped or base) + timedelta(days=rng.randrange(15))
        if announced is None and shipped is None:
            # Something must date a delivered shipment.
            shipped = arrived
        return announced, shipped, arrived

    def _arrival_point(self, mode, city):
        if not city or self.rng.random() < 0.5:
            return ""
        if mode == "air":
            return f"{city} Airport"
        if mode == "sea":
            return f"Port of {city}"
        return city if mode else ""

    def _weight(self, status):
        known = 0.3 if status == "pledged" else 0.65
        if self.rng.random() >= known:
            return None
        kilograms = log_uniform(self.rng, 50, 120_000)
        if kilograms > 1_000 and self.rng.random() < 0.4:
            # Reported in tonnes.
            return Decimal(round(kilograms / 1_000) * 1_000).quantize(Decimal("0.1"))
        return Decimal(round(kilograms * 10)).scaleb(-1)

    def _value(self, on):
        """(declared_value, currency, value_usd, usd_rate, rate_date, rate_source)."""
        rng = self.rng
        if rng.random() * 100 >= SHIPMENT_VALUE:
            return None, "", None, None, None, ""
        usd = log_uniform(rng, 5_000, 20_000_000)
        currency = self.currencies(rng)
        if currency == "USD":
            declared = Decimal(round_figure(round(usd))).quantize(CENT)
            return declared, "USD", declared, Decimal(1), on, ""
        rate = words.USD_RATES[currency]
        declared = Decimal(round_figure(round(usd / float(rate)))).quantize(CENT)
        if rng.random() * 100 < VALUE_WITHOUT_RATE:
            return declared, currency, None, None, None, ""
        return declared, currency, (declared * rate).quantize(CENT), rate, on, words.RATE_SOURCE

    def _items(self, shipment_id, batch):
        """Append the shipment's lines; return their descriptions."""
        rng = self.rng
        descriptions = []
        for position in range(rng.randint(1, 2 * self.data.items_per_shipment - 1)):
            category_id, supplies = self.categories(rng)
            supply = supplies[rng.randrange(len(supplies))]
            quantity = round_figure(round(log_uniform(rng, *supply.quantity)))
            kind, low, high = "exact", None, None
            note, value = "", None
            chance = rng.random() * 100
            if chance < UNKNOWN_QUANTITY:
                quantity, note = None, rng.choice(words.VAGUE_AMOUNTS)
                kind, low, high = "unknown", words.VAGUE_LOWER_BOUNDS.get(note), None
            elif chance < UNKNOWN_QUANTITY + ESTIMATED_QUANTITY:
                word = rng.choice(words.ESTIMATE_WORDS)
                note, kind = f"{word} {quantity:,}", words.ESTIMATE_KINDS[word]
                low = quantity if kind == "at_least" else None
                high = quantity if kind == "at_most" else None
            if quantity is not None and rng.random() * 100 < LINE_VALUE:
                cents = round(quantity * rng.uniform(*supply.unit_price_usd) * 100)
                value = Decimal(cents).scaleb(-2)
            batch.items.append(
                (
                    self.ids.item,
                    shipment_id,
                    category_id,
                    supply.description,
                    quantity,
                    kind,
                    low,
                    high,
                    kind != "exact",
                    note,
                    supply.unit,
                    value,
                    position,
                )
            )
            self.ids.item += 1
            descriptions.append(supply.description)
        return descriptions

    def _rejection(self, shipment_id, lines, source_id, on, batch):
        """Now and then, part of one line rejected or sent back, reported by the first source."""
        rng = self.data.rejection_rng
        if rng.random() * 100 >= WITH_REJECTION:
            return
        line = lines[rng.randrange(len(lines))]
        item_id, quantity, kind, low, high, unit = (line[i] for i in (0, 4, 5, 6, 7, 10))
        # No more than the line surely held.
        most = {"range": low, "at_most": high, "unknown": low}.get(kind, quantity)
        if most is not None and most > 0 and rng.random() < 0.85:
            rejected, note = max(1, round(most * rng.uniform(0.02, 0.6))), ""
            if unit != "kg":
                rejected = round_figure(rejected) or 1
            rejected = min(rejected, most)
        else:
            rejected, note = None, rng.choice(words.REJECTION_AMOUNTS)
        reason = self.rejection_reasons(rng)
        batch.rejections.append(
            (
                self.ids.rejection,
                shipment_id,
                item_id,
                "returned" if rng.random() < 0.2 else "rejected",
                rejected,
                note,
                reason,
                rng.choice(words.REJECTION_DETAILS[reason]),
                on + timedelta(days=rng.randrange(1, 30)) if on else None,
                source_id,
            )
        )
        self.ids.rejection += 1

    def _sources(self, shipment_id, status, donor, destination, supply, published_on, batch):
        """Add the shipment's sources; return the claims they support."""
        rng = self.rng
        levels = []
        donor_name = self.donors[donor].name
        country = self.data.country_names[destination]
        count = 2 if rng.random() * 100 < SECOND_SOURCE else 1
        for _ in range(count):
            title = rng.choice(words.SOURCE_TITLES).format(
                donor=donor_name, supply=lower_first(supply), country=country
            )
            # Unknown publishers stay empty, as with real reports.
            publisher = rng.choice(self.data.publishers) if rng.random() < 0.7 else ""
            excerpt = (
                f"{donor_name} said the {lower_first(supply)} would go to {country}."
                if rng.random() < 0.3
                else ""
            )
            supports = self.verification[status](self.data.verification_rng)
            batch.sources.append(
                (
                    self.ids.source,
                    shipment_id,
                    title,
                    publisher,
                    published_on,
                    "",
                    excerpt,
                    "",
                    supports,
                )
            )
            levels.append(supports)
            self.ids.source += 1
        return levels
