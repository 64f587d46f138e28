"""Taiwan business ID (統一編號, UBN) checksum, per the MOF rule in force since 2023-04-01.

The eight digits are weighted 1,2,1,2,1,2,4,1; each product contributes the sum of its own digits
and the total must be divisible by 5 (it was 10 before ROC 112/04/01, which is what python-stdnum
still checks, so it rejects new numbers such as 04595252). When the seventh digit is 7 its
product 28 may count as 10 or as 1, so the number is also valid when total + 1 is divisible by 5.
Every number valid under the old rule stays valid under this one.
"""

from __future__ import annotations

__all__ = ["business_id_check_total", "is_valid_business_id"]

_WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)
_DIVISOR = 5


def business_id_check_total(business_id: str) -> int:
    """The weighted digit-sum total Z of a business ID; ValueError unless 8 ASCII digits."""
    if len(business_id) != 8 or not business_id.isascii() or not business_id.isdigit():
        raise ValueError("a business ID is exactly 8 ASCII digits")
    return sum(
        _digit_sum(int(digit) * weight) for digit, weight in zip(business_id, _WEIGHTS, strict=True)
    )


def is_valid_business_id(business_id: str) -> bool:
    """Whether the string is 8 ASCII digits that pass the 2023 mod-5 checksum."""
    try:
        total = business_id_check_total(business_id)
    except ValueError:
        return False
    if total % _DIVISOR == 0:
        return True
    # 7 x 4 = 28 -> 2 + 8 = 10 -> may also be read as 1 + 0 = 1, i.e. one more than counted.
    return business_id[6] == "7" and (total + 1) % _DIVISOR == 0


def _digit_sum(product: int) -> int:
    return product // 10 + product % 10
