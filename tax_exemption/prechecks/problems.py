"""What a broker should fix, in words, from the engine's decision (pure)."""

from __future__ import annotations

from tax_exemption.domain.matching import Check, Decision, RefusalReason

_REASONS = {
    RefusalReason.EXPIRED: "證明已逾有效期限 (certificate expired on the declaration date)",
    RefusalReason.NOT_YET_VALID: "證明尚未生效 (certificate not yet valid)",
    RefusalReason.WRONG_FIRM: "證明非屬進口人 (the certificate belongs to another firm)",
    RefusalReason.OVER_BALANCE: "超過核准餘額 (quantity exceeds the remaining balance)",
    RefusalReason.NOT_COVERED: "無相符之核准項目 (no approved item covers these goods)",
}
_CHECKS = {
    Check.CITED_ITEM: "產證號碼/項次 (CERT_NO / CERT_NO_ITEM) missing or unknown",
    Check.BUSINESS_ID: "the cited item is not the importer's",
    Check.CCC_CODE: "貨品分類號列 differs from the approved item",
    Check.UNIT: "unit does not convert to the item's unit; give ST_QTY / ST_UM",
    Check.CONTENT: "model or description differs from the approved item",
    Check.VALIDITY: "declaration date outside the certificate's validity",
    Check.BALANCE: "quantity exceeds the item's balance",
}


def problems(decision: Decision) -> list[str]:
    found: list[str] = []
    failed = decision.explanation.failed
    if failed is not None:
        found.append(
            _CHECKS[failed]
            + (f": {decision.explanation.detail}" if decision.explanation.detail else "")
        )
    if decision.reason is not None:
        found.append(_REASONS[decision.reason])
    return found
