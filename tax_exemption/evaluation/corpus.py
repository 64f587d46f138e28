"""A seeded corpus of certificate items and declaration lines whose true match is known.

Truth follows what an officer would decide: a line truly matches an item when the item is the
importer's own, covers the same goods (same model; for materials the same description and
spec figures), agrees on the CCC code to 8 digits (10 under the 10-digit rule), is valid on the
declaration date and still has the balance in declaration order. Everything else truly matches
nothing: another firm's goods, expired or not-yet-valid certificates, over-balance lines,
uncertified goods (often a sibling model of a certified one) and 10-digit-rule violations.

Truly matching lines carry the noise of real filings: cite missing, mistyped or formatted
differently, typos and spacing in descriptions, model-number formats, unit spellings and
conversions, CCC codes differing in the last digits, lines split or merged.
"""

from __future__ import annotations

import random
import string
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from common.business_id import is_valid_business_id
from tax_exemption.domain.matching.normalise import model_key
from tax_exemption.domain.matching.records import CertificateItem, DeclarationLine, ItemKey, LineKey
from tax_exemption.evaluation import noise
from tax_exemption.evaluation.catalogue import CATALOGUE, GoodsType

__all__ = ["Corpus", "generate_corpus"]

WINDOW_START = date(2024, 1, 1)
WINDOW_END = date(2024, 12, 31)
_ORIGINS = ("JP", "DE", "US", "CH", "IT", "KR", "AT", "GB", "NL", "SE")


@dataclass(frozen=True, slots=True)
class Corpus:
    """Items, lines, the balances at batch start, and each line's truth and scenario."""

    items: tuple[CertificateItem, ...]
    lines: tuple[DeclarationLine, ...]
    ledger_view: dict[ItemKey, Decimal]
    truth: dict[LineKey, ItemKey | None]
    kinds: dict[LineKey, str]


@dataclass(slots=True)
class _Draft:
    """A line before it is placed in a declaration."""

    firm: str
    day: date
    fields: dict[str, object]
    truth: ItemKey | None
    kind: str


@dataclass(slots=True)
class _Firm:
    ban: str
    types: list[GoodsType]
    items: list[CertificateItem] = field(default_factory=list)
    origin: dict[str, str] = field(default_factory=dict)


def generate_corpus(target_lines: int, seed: int = 0) -> Corpus:
    """About ``target_lines`` lines (a few more or less) and the items they are matched to."""
    rng = random.Random(seed)  # noqa: S311 - reproducible evaluation data, not a secret
    return _Generator(rng, target_lines).run()


def _identity(item: CertificateItem) -> tuple[str, str]:
    """What makes goods the same goods for the truth: the model, or for materials the spec."""
    return (item.ccc_code[:8], model_key(item.model) if item.model else item.spec)


class _Generator:
    def __init__(self, rng: random.Random, target_lines: int) -> None:
        self.rng = rng
        self.target = target_lines
        self.firms: list[_Firm] = []
        self.items: dict[ItemKey, CertificateItem] = {}
        self.owner: dict[ItemKey, _Firm] = {}
        self.twins: set[ItemKey] = set()
        self.drafts: list[_Draft] = []
        self.next_serial = 1000

    # ---- certificates ---------------------------------------------------------------------

    def run(self) -> Corpus:
        firm_count = max(8, self.target // 20)
        bans: set[str] = set()
        while len(bans) < firm_count:
            ban = f"{self.rng.randrange(10**8):08d}"
            if is_valid_business_id(ban):
                bans.add(ban)
        for ban in sorted(bans):
            self.firms.append(self._firm(ban))
        stories = [key for key, item in self.items.items() if self._in_window(item)]
        self.rng.shuffle(stories)
        for key in stories:
            if len(self.drafts) >= self.target * 0.955:
                break
            self._story(key)
        while len(self.drafts) < self.target * 0.975:
            self._wrong_firm()
        while len(self.drafts) < self.target:
            self._not_covered()
        return self._assemble()

    def _firm(self, ban: str) -> _Firm:
        types = self.rng.sample(CATALOGUE, self.rng.randint(1, 3))
        # Firms specialise: often a second type from the same HS6 block.
        siblings = [g for g in CATALOGUE if g.hs8[:6] == types[0].hs8[:6] and g not in types]
        if siblings and self.rng.random() < 0.5:
            types.append(self.rng.choice(siblings))
        firm = _Firm(ban, types)
        for _ in range(self.rng.randint(1, 5)):
            self._certificate(firm)
        return firm

    def _certificate(self, firm: _Firm) -> None:
        self.next_serial += self.rng.randint(1, 4)
        valid_from = date(2022, 7, 1) + timedelta(days=self.rng.randrange(820))
        years = self.rng.choice((1, 1, 2))
        valid_until = valid_from + timedelta(days=365 * years - 1)
        number = f"{valid_from.year - 1911}{self.rng.choice('ABCDE')}{self.next_serial:06d}"
        identities = {_identity(item) for item in firm.items}
        for item_no in range(1, self.rng.randint(1, 6) + 1):
            item = self._item(
                firm,
                number=number,
                item_no=item_no,
                valid_from=valid_from,
                valid_until=valid_until,
                taken=identities,
            )
            identities.add(_identity(item))
            key = ItemKey(number, item_no)
            self.items[key] = item
            self.owner[key] = firm
            firm.items.append(item)

    def _item(
        self,
        firm: _Firm,
        *,
        number: str,
        item_no: int,
        valid_from: date,
        valid_until: date,
        taken: set[tuple[str, str]],
    ) -> CertificateItem:
        earlier = [item for item in firm.items if item.certificate_no != number]
        if earlier and self.rng.random() < 0.04:
            # A repeat purchase: the same goods on another certificate.
            twin = self.rng.choice(earlier)
            self.twins.add(ItemKey(number, item_no))
            self.twins.add(ItemKey(twin.certificate_no, twin.item_no))
            return replace(
                twin,
                certificate_no=number,
                item_no=item_no,
                valid_from=valid_from,
                valid_until=valid_until,
                balance=twin.approved_quantity,
            )
        # Goods are unique per firm (twins aside): otherwise the truth itself would be ambiguous.
        for attempt in range(200):
            kinds = firm.types if attempt < 20 else CATALOGUE
            item = self._fresh_item(
                firm,
                goods=self.rng.choice(kinds),
                number=number,
                item_no=item_no,
                valid_from=valid_from,
                valid_until=valid_until,
            )
            if _identity(item) not in taken:
                return item
        raise RuntimeError("no unique goods left for a firm")

    def _fresh_item(
        self,
        firm: _Firm,
        *,
        goods: GoodsType,
        number: str,
        item_no: int,
        valid_from: date,
        valid_until: date,
    ) -> CertificateItem:
        low, high = goods.quantity
        approved = self.rng.randint(low, high) * self.rng.choice((1, 2, 3))
        used = int(approved * self.rng.choice((0, 0, 0.1, 0.25, 0.4)))
        ccc = goods.hs8 + "".join(self.rng.choice(string.digits) for _ in range(3))
        firm.origin.setdefault(goods.hs8, self.rng.choice(_ORIGINS))
        return CertificateItem(
            certificate_no=number,
            item_no=item_no,
            business_id=firm.ban,
            ccc_code=ccc,
            description=goods.description,
            model=self._model(goods),
            spec=self._spec(goods),
            unit=goods.unit,
            approved_quantity=Decimal(approved),
            balance=Decimal(approved - used),
            valid_from=valid_from,
            valid_until=valid_until,
            ten_digit_rule=self.rng.random() < 0.08,
        )

    def _model(self, goods: GoodsType) -> str:
        if not goods.model_prefixes:
            return ""
        return self.rng.choice(goods.model_prefixes) + self._pattern(goods.model_pattern)

    def _pattern(self, pattern: str) -> str:
        out: list[str] = []
        i = 0
        while i < len(pattern):
            kind = pattern[i]
            if kind in "DL" and i + 1 < len(pattern) and pattern[i + 1] == "{":
                end = pattern.index("}", i)
                bounds = [int(b) for b in pattern[i + 2 : end].split(",")]
                count = self.rng.randint(bounds[0], bounds[-1])
                alphabet = string.digits if kind == "D" else noise.LETTERS
                out.append("".join(self.rng.choice(alphabet) for _ in range(count)))
                i = end + 1
            else:
                out.append(kind)
                i += 1
        return "".join(out)

    def _spec(self, goods: GoodsType) -> str:
        return " ".join(
            f"{slot.label} {self.rng.choice(slot.values)}{slot.unit}" for slot in goods.spec
        )

    @staticmethod
    def _in_window(item: CertificateItem) -> bool:
        return item.valid_from <= WINDOW_END and item.valid_until >= WINDOW_START

    # ---- truly matching lines and the unmatched tails of an item's story --------------------

    def _story(self, key: ItemKey) -> None:
        item = self.items[key]
        start = max(item.valid_from, WINDOW_START)
        end = min(item.valid_until, WINDOW_END)
        span = (end - start).days
        twin = key in self.twins
        tail = self.rng.random()
        over = not twin and tail < 0.05 and span > 10
        quantities = self._quantities(int(item.balance), over)
        last = end - timedelta(days=31) if over else end
        days = sorted(start + timedelta(days=self.rng.randint(0, max(0, (last - start).days)))
                      for _ in quantities)  # fmt: skip
        for quantity, day in zip(quantities, days, strict=True):
            self._truthful(key, Decimal(quantity), day, clean=over)
        if over:
            excess = self.rng.randint(1, max(1, int(item.balance) // 3 + 1))
            over_quantity = Decimal(int(item.balance) - sum(quantities) + excess)
            day = (days[-1] if days else start) + timedelta(days=self.rng.randint(1, 30))
            self._untrue(key, over_quantity, day, "over_balance", cite_ok=self.rng.random() < 0.9)
        elif not twin and 0.05 <= tail < 0.10:
            day = item.valid_until + timedelta(days=self.rng.randint(1, 120))
            self._untrue(key, self._small(item), day, "expired", cite_ok=self.rng.random() < 0.85)
        elif not twin and 0.10 <= tail < 0.11:
            day = item.valid_from - timedelta(days=self.rng.randint(1, 60))
            self._untrue(key, self._small(item), day, "not_yet_valid", cite_ok=True)
        if item.ten_digit_rule and self.rng.random() < 0.3 and span > 0:
            day = start + timedelta(days=self.rng.randint(0, span))
            self._untrue(key, self._small(item), day, "ccc_10_digit", cite_ok=True)

    def _small(self, item: CertificateItem) -> Decimal:
        return Decimal(self.rng.randint(1, max(1, int(item.approved_quantity) // 4)))

    def _quantities(self, balance: int, over: bool) -> list[int]:
        """Line quantities summing to at most the balance (to at most a part of it if ``over``)."""
        if balance <= 0:
            return []
        count = min(balance, self.rng.choice((1, 2, 3, 3, 4, 5, 6, 8)))
        total = self.rng.randint(max(count, balance // 2), balance)
        if over:
            total = max(count, total // 2)
        cuts = sorted(self.rng.sample(range(1, total), count - 1)) if count > 1 else []
        bounds = [0, *cuts, total]
        return [bounds[i + 1] - bounds[i] for i in range(count)]

    def _truthful(self, key: ItemKey, quantity: Decimal, day: date, clean: bool) -> None:
        item = self.items[key]
        firm = self.owner[key]
        if not clean and quantity >= 2 and self.rng.random() < 0.05:
            first = Decimal(self.rng.randint(1, int(quantity) - 1))
            for part, tag in ((first, "split"), (quantity - first, "split")):
                self._add(firm, day=day, item=item, quantity=part, key=key, tag=tag, clean=False)
            return
        tag = "merged" if not clean and self.rng.random() < 0.04 else "clean"
        self._add(firm, day=day, item=item, quantity=quantity, key=key, tag=tag, clean=clean)

    def _untrue(self, key: ItemKey, quantity: Decimal, day: date, kind: str, cite_ok: bool) -> None:
        item = self.items[key]
        firm = self.owner[key]
        fields = self._fields(firm, item, quantity, key, clean=True)
        if not cite_ok:
            fields["cited_certificate_no"] = None
            fields["cited_item_no"] = None
        if kind == "ccc_10_digit":
            fields["ccc_code"] = self._differ_at_10(item.ccc_code)
        self.drafts.append(_Draft(firm.ban, day, fields, None, kind))

    def _differ_at_10(self, code: str) -> str:
        while True:
            candidate = noise.ccc_tail_variant(self.rng, code, 8)
            if candidate[8:10] != code[8:10]:
                return candidate

    def _add(
        self,
        firm: _Firm,
        *,
        day: date,
        item: CertificateItem,
        quantity: Decimal,
        key: ItemKey,
        tag: str,
        clean: bool,
    ) -> None:
        fields = self._fields(firm, item, quantity, key, clean)
        noise_tags = fields.pop("_noise")
        kind = tag if tag != "clean" or not noise_tags else str(noise_tags)
        self.drafts.append(_Draft(firm.ban, day, fields, key, kind))

    # ---- the fields of one line, with noise --------------------------------------------------

    def _fields(
        self,
        firm: _Firm,
        item: CertificateItem,
        quantity: Decimal,
        key: ItemKey,
        clean: bool,
    ) -> dict[str, object]:
        tags: list[str] = []
        description, model, spec = item.description, item.model, item.spec
        ccc = item.ccc_code
        cert: str | None = item.certificate_no
        cert_item: int | None = item.item_no
        unit, doc_quantity = item.unit, quantity
        if not clean:
            description = self._noisy_description(description, tags)
            model = self._noisy_model(model, tags)
            spec = self._noisy_spec(spec, tags)
            ccc = self._noisy_ccc(item, tags)
            cert, cert_item = self._noisy_cite(firm, item, key, tags)
            unit, doc_quantity = self._noisy_unit(item.unit, quantity, tags)
        stat_unit = "KGM" if item.unit == "KGM" else item.unit
        return {
            "importer_ban": firm.ban,
            "ccc_code": ccc,
            "description": description,
            "goods_model": model,
            "goods_spec": spec,
            "quantity": doc_quantity,
            "doc_unit": unit,
            "stat_quantity": quantity,
            "stat_unit": stat_unit if "incompatible_unit" not in tags else unit,
            "origin_country": firm.origin.get(item.ccc_code[:8], "JP"),
            "cited_certificate_no": cert,
            "cited_item_no": cert_item,
            "_noise": "+".join(tags),
        }

    def _noisy_description(self, text: str, tags: list[str]) -> str:
        roll = self.rng.random()
        if roll < 0.10:
            tags.append("desc_spacing")
            return noise.spacing_variant(self.rng, text)
        if roll < 0.18:
            tags.append("desc_typo")
            return noise.description_typo(self.rng, text)
        if roll < 0.20:
            tags.append("desc_typo_spacing")
            return noise.spacing_variant(self.rng, noise.description_typo(self.rng, text))
        if roll < 0.23:
            tags.append("desc_english_only")
            return noise.english_only(text)
        return text

    def _noisy_model(self, model: str, tags: list[str]) -> str:
        if not model:
            return model
        roll = self.rng.random()
        if roll < 0.22:
            tags.append("model_format")
            return noise.model_format_variant(self.rng, model)
        if roll < 0.24:
            confused = noise.model_confusable(self.rng, model)
            if confused is not None:
                tags.append("model_confusable")
                return confused
        elif roll < 0.243:
            tags.append("model_typo")
            return noise.model_typo(self.rng, model)
        elif roll < 0.245:
            tags.append("model_missing")
            return ""
        return model

    def _noisy_spec(self, spec: str, tags: list[str]) -> str:
        roll = self.rng.random()
        if roll < 0.08:
            tags.append("spec_spacing")
            return noise.spacing_variant(self.rng, spec)
        if roll < 0.11:
            tags.append("spec_typo")
            return noise.description_typo(self.rng, spec)
        if roll < 0.12:
            tags.append("spec_missing")
            return ""
        return spec

    def _noisy_ccc(self, item: CertificateItem, tags: list[str]) -> str:
        roll = self.rng.random()
        if roll < 0.10:
            tags.append("ccc_digit_11")
            return noise.ccc_tail_variant(self.rng, item.ccc_code, 10)
        if roll < 0.15 and not item.ten_digit_rule:
            tags.append("ccc_digits_9_11")
            return noise.ccc_tail_variant(self.rng, item.ccc_code, 8)
        return item.ccc_code

    def _noisy_cite(
        self, firm: _Firm, item: CertificateItem, key: ItemKey, tags: list[str]
    ) -> tuple[str | None, int | None]:
        roll = self.rng.random()
        if roll < 0.04:
            tags.append("cite_missing")
            return None, None
        if roll < 0.07:
            tags.append("cite_format")
            return noise.cert_format_variant(self.rng, item.certificate_no), item.item_no
        if roll < 0.095:
            for _ in range(5):
                typo = noise.cert_typo(self.rng, item.certificate_no)
                if self._harmless_cite(firm, key, ItemKey(typo, item.item_no)):
                    tags.append("cite_typo")
                    return typo, item.item_no
        elif roll < 0.105:
            wrong = ItemKey(item.certificate_no, item.item_no + self.rng.choice((-1, 1)))
            if wrong.item_no > 0 and self._harmless_cite(firm, key, wrong):
                tags.append("cite_item_wrong")
                return wrong
        return item.certificate_no, item.item_no

    def _harmless_cite(self, firm: _Firm, truth: ItemKey, cited: ItemKey) -> bool:
        """A wrong cite must not name the same goods elsewhere, or the truth is ambiguous."""
        other = self.items.get(cited)
        if other is None or self.owner[cited] is not firm:
            return True
        return _identity(other) != _identity(self.items[truth])

    def _noisy_unit(self, unit: str, quantity: Decimal, tags: list[str]) -> tuple[str, Decimal]:
        roll = self.rng.random()
        if roll < 0.20:
            spelling = noise.unit_spelling(self.rng, unit)
            if spelling != unit:
                tags.append("unit_spelling")
            return spelling, quantity
        if roll < 0.23 and unit == "KGM":
            tags.append("unit_tonnes")
            return "TNE", quantity / 1000
        if roll < 0.23 and unit == "PCE" and quantity % 12 == 0:
            tags.append("unit_dozens")
            return "DZN", quantity / 12
        if 0.23 <= roll < 0.232 and unit in ("SET", "UNT"):
            tags.append("incompatible_unit")
            return ("PCE" if unit == "SET" else "SET"), quantity
        return unit, quantity

    # ---- lines that truly match nothing, across firms ------------------------------------------

    def _wrong_firm(self) -> None:
        key = self.rng.choice(list(self.items))
        item = self.items[key]
        if not item.model or not self._in_window(item):
            return
        owner = self.owner[key]
        firm = self.rng.choice(self.firms)
        if firm is owner or _identity(item) in {_identity(i) for i in firm.items}:
            return
        fields = self._fields(owner, item, self._small(item), key, clean=True)
        fields["importer_ban"] = firm.ban
        start = max(item.valid_from, WINDOW_START)
        end = min(item.valid_until, WINDOW_END)
        day = start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))
        self.drafts.append(_Draft(firm.ban, day, fields, None, "wrong_firm"))

    def _not_covered(self) -> None:
        firm = self.rng.choice(self.firms)
        modelled = [item for item in firm.items if item.model]
        taken = {_identity(item) for item in firm.items}
        if modelled and self.rng.random() < 0.6:
            base = self.rng.choice(modelled)
            sibling = replace(base, model=noise.model_typo(self.rng, base.model))
            kind = "not_covered_sibling"
        else:
            goods = self.rng.choice(CATALOGUE)
            sibling = self._fresh_item(
                firm,
                goods=goods,
                number="X",
                item_no=1,
                valid_from=WINDOW_START,
                valid_until=WINDOW_END,
            )
            kind = "not_covered_other"
        if _identity(sibling) in taken:
            return
        fields = self._fields(firm, sibling, self._small(sibling), ItemKey("X", 1), clean=True)
        roll = self.rng.random()
        if roll < 0.5 or not firm.items:
            fields["cited_certificate_no"] = None
            fields["cited_item_no"] = None
        elif roll < 0.8:
            cited = self.rng.choice(firm.items)
            fields["cited_certificate_no"] = cited.certificate_no
            fields["cited_item_no"] = cited.item_no
        else:
            fields["cited_certificate_no"] = f"113Z{self.rng.randrange(10**6):06d}"
        day = WINDOW_START + timedelta(days=self.rng.randrange(366))
        self.drafts.append(_Draft(firm.ban, day, fields, None, kind))

    # ---- declarations ----------------------------------------------------------------------------

    def _assemble(self) -> Corpus:
        groups: defaultdict[tuple[str, date], list[_Draft]] = defaultdict(list)
        for draft in self.drafts:
            groups[(draft.firm, draft.day)].append(draft)
        lines: list[DeclarationLine] = []
        truth: dict[LineKey, ItemKey | None] = {}
        kinds: dict[LineKey, str] = {}
        for serial, ((_, day), drafts) in enumerate(sorted(groups.items()), start=1):
            declaration_no = f"AW{(day.year - 1911) % 100:02d}{serial:08d}"
            for item_no, draft in enumerate(drafts, start=1):
                line = _line(declaration_no, item_no, day, draft.fields)
                lines.append(line)
                truth[line.key] = draft.truth
                kinds[line.key] = draft.kind
        self.rng.shuffle(lines)
        items = tuple(self.items.values())
        view = {ItemKey(i.certificate_no, i.item_no): i.balance for i in items}
        return Corpus(items, tuple(lines), view, truth, kinds)


def _line(
    declaration_no: str, item_no: int, day: date, fields: dict[str, object]
) -> DeclarationLine:
    cited_item = fields["cited_item_no"]
    stat_quantity = fields["stat_quantity"]
    quantity = fields["quantity"]
    assert isinstance(quantity, Decimal) and isinstance(stat_quantity, Decimal)
    return DeclarationLine(
        declaration_no=declaration_no,
        item_no=item_no,
        importer_ban=str(fields["importer_ban"]),
        ccc_code=str(fields["ccc_code"]),
        description=str(fields["description"]),
        goods_model=str(fields["goods_model"]),
        goods_spec=str(fields["goods_spec"]),
        quantity=quantity,
        doc_unit=str(fields["doc_unit"]),
        stat_quantity=stat_quantity,
        stat_unit=str(fields["stat_unit"]),
        origin_country=str(fields["origin_country"]),
        cited_certificate_no=None
        if fields["cited_certificate_no"] is None
        else str(fields["cited_certificate_no"]),
        cited_item_no=cited_item if isinstance(cited_item, int) else None,
        declaration_date=day,
    )
