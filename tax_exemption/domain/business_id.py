"""統一編號 (business ID) checksum under the 2023 rule.

The Ministry of Finance relaxed the check from ``Z % 10 == 0`` to ``Z % 5 == 0`` for numbers
issued from 2023-04-01 (ROC 112/04/01); every number valid under the old rule stays valid.
python-stdnum still applies the old rule, hence our own implementation.
"""

from __future__ import annotations

__all__ = ["BUSINESS_ID_LENGTH", "business_id_sum", "is_valid_business_id"]

BUSINESS_ID_LENGTH = 8
_WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)
# The 7th digit times 4 is 28 when the digit is 7; its digit sum 10 may count as 1 or 0.
_SEVENTH_DIGIT_INDEX = 6


def business_id_sum(business_id: str) -> int:
    """Z: the sum of the digit sums of each digit times its weight (no shape check)."""
    total = 0
    for char, weight in zip(business_id, _WEIGHTS, strict=True):
        product = int(char) * weight
        total += product // 10 + product % 10
    return total


def is_valid_business_id(business_id: str) -> bool:
    """True when ``business_id`` is 8 ASCII digits passing the mod-5 checksum."""
    if len(business_id) != BUSINESS_ID_LENGTH or not business_id.isascii():
        return False
    if not business_id.isdigit():
        return False
    total = business_id_sum(business_id)
    if total % 5 == 0:
        return True
    return business_id[_SEVENTH_DIGIT_INDEX] == "7" and (total + 1) % 5 == 0
