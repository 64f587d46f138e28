"""統一編號 checksum: the 2023 mod-5 rule, the 7th-digit exception, and shape."""

import pytest

from tax_exemption.domain.business_id import business_id_sum, is_valid_business_id

# From /work/shared/data/geo/ubn_checksum_test_vectors.json (ubn, valid under the 2023 rule).
VECTORS = [
    ("04595257", True),
    ("10458575", True),
    ("88117125", True),
    ("53212539", True),
    ("24536806", True),
    ("00501503", True),
    ("16209671", True),
    ("04595252", True),  # valid only under the 2023 rule: python-stdnum rejects it
    ("00501502", False),
    ("88117126", False),
]


@pytest.mark.parametrize(("ubn", "valid"), VECTORS)
def test_shared_vectors(ubn: str, valid: bool) -> None:
    assert is_valid_business_id(ubn) is valid


def test_mod5_accepts_what_mod10_rejects() -> None:
    assert business_id_sum("04595252") == 35
    assert is_valid_business_id("04595252")


def test_seventh_digit_seven_may_count_one_more() -> None:
    assert business_id_sum("10000073") == 14  # 7 x 4 = 28 -> 2 + 8 = 10
    assert is_valid_business_id("10000073")
    # The exception belongs to a 7th digit of 7 only.
    assert business_id_sum("10000083") == 9
    assert not is_valid_business_id("10000083")


@pytest.mark.parametrize(
    "ubn", ["", "0459525", "045952570", "0459525A", "０４５９５２５７", " 4595257"]
)
def test_shape_is_eight_ascii_digits(ubn: str) -> None:
    assert not is_valid_business_id(ubn)
