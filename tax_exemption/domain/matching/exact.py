"""Exact pass: the certificate item a line cites, checked rule by rule.

Checks run cheapest first and stop at the first failure, which the engine turns into the
explanation (or hands to the fuzzy pass when the cite itself looks wrong).
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from tax_exemption.domain.ccc_levels import stat10
from tax_exemption.domain.matching.index import IndexedItem, ItemIndex
from tax_exemption.domain.matching.ledger import RunningLedger
from tax_exemption.domain.matching.normalise import model_key
from tax_exemption.domain.matching.outcomes import Check
from tax_exemption.domain.matching.quantities import quantity_in
from tax_exemption.domain.matching.records import DeclarationLine
from tax_exemption.domain.matching.rules import MatchConfig
from tax_exemption.domain.matching.scoring import LineText, description_score, spec_score
from tax_exemption.domain.units import normalise_unit

__all__ = ["ALL_CHECKS", "IDENTITY_CHECKS", "CitedCheck", "check_cited", "content_agrees"]

ALL_CHECKS = tuple(Check)
_ZERO = Decimal(0)
# Units that count whole goods one by one: pieces, machines (台) and sets (組), not dozens.
_WHOLE_GOODS_UNITS = frozenset({"PCE", "UNT", "SET"})
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


# The commonest outcomes of the residue (two lines in five cite nothing that exists), built once.
_NONE_CITED = CitedCheck(Check.CITED_ITEM, detail="none cited")
_NO_SUCH_ITEM = CitedCheck(Check.CITED_ITEM, detail="no such certificate item")


def content_agrees(
    line: DeclarationLine,
    item: IndexedItem,
    config: MatchConfig,
    index: ItemIndex | None = None,
) -> bool:
    """The goods agree: same model number; without a declared model, description and spec.

    An item approved without a model (materials) is identified by description and spec; when
    the line gives no spec, the cite decides only if no other grade on the cited certificate,
    valid that day, has the same description: a slipped item number lands on a neighbour of the
    same certificate, while the certificate number itself is checked (it must exist and be the
    firm's), so grades on the firm's other certificates do not make the cite doubtful. Grades on
    the same certificate are told apart by the declared 10-digit statistical code when theirs
    differ; when they share it, an officer decides.
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
    certificate = item.key.certificate_no
    # The item's block (firm and HS6), built only now: most cites are settled before this.
    block = () if index is None else index.block(item.business_id, item.item.ccc_code)
    rivals = [
        other
        for other in block
        if other is not item
        and other.key.certificate_no == certificate
        and not other.model_key
        and other.item.valid_from <= day <= other.item.valid_until
        and description_score(text, other) >= description_min
    ]
    if not rivals:
        return True
    # Grades with their own 10-digit statistical code: the declared code tells them apart.
    stat = stat10(line.ccc_code)
    return stat10(item.item.ccc_code) == stat and all(
        stat10(other.item.ccc_code) != stat for other in rivals
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
        return _NO_SUCH_ITEM if line.cited_certificate_no else _NONE_CITED
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
    detail = ""
    if quantity is None:
        quantity = _whole_goods_quantity(line, indexed, config)
        if quantity is None:
            return CitedCheck(Check.UNIT, indexed, detail=f"{line.doc_unit} vs {item.unit}")
        detail = f"{line.doc_unit} taken one for one as {item.unit}: same model number"
    if not content_agrees(line, indexed, config, index):
        return CitedCheck(Check.CONTENT, indexed, quantity, "model or description differs")
    return CitedCheck(None, indexed, quantity, detail)


def _whole_goods_quantity(
    line: DeclarationLine, indexed: IndexedItem, config: MatchConfig
) -> Decimal | None:
    """A machine cited by its item and declared with the item's exact model number is counted
    one for one across PCE/UNT and SET: a set of one model is one such machine. Units never
    convert so in general (a set's content is unknown), hence only with the model as proof."""
    if not config.whole_goods_one_for_one or not indexed.model_key:
        return None
    if model_key(line.goods_model) != indexed.model_key or line.quantity <= _ZERO:
        return None
    if _is_whole_goods_unit(line.doc_unit) and _is_whole_goods_unit(indexed.unit_code):
        return line.quantity
    return None


def _is_whole_goods_unit(raw: str | None) -> bool:
    code = None if raw is None else normalise_unit(raw)
    return code in _WHOLE_GOODS_UNITS
