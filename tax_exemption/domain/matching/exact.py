"""Exact pass: the certificate item a line cites, checked rule by rule.

Checks run cheapest first and stop at the first failure, which the engine turns into the
explanation (or hands to the fuzzy pass when the cite itself looks wrong).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from tax_exemption.domain.matching.index import IndexedItem, ItemIndex
from tax_exemption.domain.matching.ledger import RunningLedger
from tax_exemption.domain.matching.normalise import model_key
from tax_exemption.domain.matching.outcomes import Check
from tax_exemption.domain.matching.quantities import quantity_in
from tax_exemption.domain.matching.records import DeclarationLine
from tax_exemption.domain.matching.rules import MatchConfig
from tax_exemption.domain.matching.scoring import LineText, description_score, spec_score

__all__ = ["ALL_CHECKS", "IDENTITY_CHECKS", "CitedCheck", "check_cited", "content_agrees"]

ALL_CHECKS = tuple(Check)
# A cite failing one of these points at other goods; failing validity or balance it does not.
IDENTITY_CHECKS = frozenset(
    {Check.CITED_ITEM, Check.BUSINESS_ID, Check.CCC_CODE, Check.UNIT, Check.CONTENT}
)


class CitedCheck(NamedTuple):
    """Outcome of the exact pass for one line: ``failed`` is None when every check passed."""

    failed: Check | None
    item: IndexedItem | None = None
    quantity: Decimal | None = None
    detail: str = ""


def content_agrees(
    line: DeclarationLine,
    item: IndexedItem,
    config: MatchConfig,
    block: Sequence[IndexedItem] = (),
) -> bool:
    """The goods agree: same model number; without a declared model, description and spec.

    An item approved without a model (materials) is identified by description and spec; when
    the line gives no spec, the cite decides only if no other grade in the firm's ``block``,
    valid that day, has the same description.
    """
    line_model = model_key(line.goods_model)
    if item.model_key and line_model:
        return line_model == item.model_key
    text = LineText.of(line)
    description_min = config.exact_description_min
    spec = spec_score(text, item)
    if spec is not None:
        return spec >= config.exact_spec_min and description_score(text, item) >= description_min
    if item.model_key or description_score(text, item) < description_min:
        return False
    day = line.declaration_date
    return not any(
        other is not item
        and not other.model_key
        and other.item.valid_from <= day <= other.item.valid_until
        and description_score(text, other) >= description_min
        for other in block
    )


def check_cited(
    line: DeclarationLine,
    index: ItemIndex,
    ledger: RunningLedger,
    config: MatchConfig,
) -> CitedCheck:
    """Run the exact rules against the cited item, first failure wins."""
    indexed = index.cited(line.cited_certificate_no, line.cited_item_no)
    if indexed is None:
        detail = "no such certificate item" if line.cited_certificate_no else "none cited"
        return CitedCheck(Check.CITED_ITEM, detail=detail)
    identity = _check_identity(line, indexed, index, config)
    if identity.failed is not None or identity.quantity is None:
        return identity
    item = indexed.item
    quantity = identity.quantity
    day = line.declaration_date
    if day < item.valid_from or day > item.valid_until:
        span = f"{item.valid_from}..{item.valid_until}"
        return CitedCheck(Check.VALIDITY, indexed, quantity, f"{day} outside {span}")
    available = ledger.available(indexed)
    if quantity > available:
        return CitedCheck(Check.BALANCE, indexed, quantity, f"{quantity} > {available} left")
    return identity


def _check_identity(
    line: DeclarationLine, indexed: IndexedItem, index: ItemIndex, config: MatchConfig
) -> CitedCheck:
    """Is the cited item the declared goods of this firm? Firm, CCC, unit, then content."""
    item = indexed.item
    if item.business_id != line.importer_ban:
        return CitedCheck(Check.BUSINESS_ID, indexed, detail=f"item of {item.business_id}")
    digits = indexed.agreement_digits
    if line.ccc_code[:digits] != item.ccc_code[:digits]:
        return CitedCheck(Check.CCC_CODE, indexed, detail=f"differs within {digits} digits")
    quantity = quantity_in(line, indexed.unit_code)
    if quantity is None:
        return CitedCheck(Check.UNIT, indexed, detail=f"{line.doc_unit} vs {item.unit}")
    block = index.block(item.business_id, item.ccc_code)
    if not content_agrees(line, indexed, config, block):
        return CitedCheck(Check.CONTENT, indexed, quantity, "model or description differs")
    return CitedCheck(None, indexed, quantity)
