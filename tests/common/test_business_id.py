"""The business ID checksum against the shared test vectors (2023 mod-5 rule)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from common.business_id import business_id_check_total, is_valid_business_id

# The Ministry of Finance notice's vectors, copied from the steering repo's shared/data/geo.
_VECTORS_FILE = Path(__file__).parent / "data" / "ubn_checksum_test_vectors.json"
_VECTORS: list[dict[str, object]] = json.loads(_VECTORS_FILE.read_text(encoding="utf-8"))[
    "test_vectors"
]

# The same vectors inline: the rule at a glance, and a check that the copy above is complete.
_INLINE = [
    ("04595257", True),
    ("10458575", True),
    ("88117125", True),
    ("53212539", True),
    ("24536806", True),
    ("00501503", True),
    ("16209671", True),
    ("04595252", True),
    ("00501502", False),
    ("88117126", False),
]


@pytest.mark.parametrize(("ubn", "valid"), _INLINE)
def test_inline_vectors_follow_the_mod5_rule(ubn: str, valid: bool) -> None:
    assert is_valid_business_id(ubn) is valid


def test_shared_vectors_agree_with_inline_copy() -> None:
    assert [(str(v["ubn"]), bool(v["mod5"])) for v in _VECTORS] == _INLINE


def test_number_valid_only_under_2023_rule_is_accepted() -> None:
    # Z = 35: divisible by 5 but not by 10 — the old rule (and python-stdnum) rejects it.
    assert business_id_check_total("04595252") == 35
    assert is_valid_business_id("04595252")


def test_seventh_digit_seven_exception() -> None:
    # 16209671: 7th digit 7, Z = 29 with 28 -> 10; valid because Z + 1 = 30.
    assert business_id_check_total("16209671") % 5 != 0
    assert is_valid_business_id("16209671")


@pytest.mark.parametrize(
    "bad", ["", "1234567", "123456789", "0459525a", "０４５９５２５７", " 4595257"]
)
def test_malformed_inputs_are_invalid(bad: str) -> None:
    assert not is_valid_business_id(bad)
    with pytest.raises(ValueError, match="8 ASCII digits"):
        business_id_check_total(bad)


def test_seventh_digit_exception_belongs_to_a_seven_only() -> None:
    # 10000073: 7 x 4 = 28 -> 10; Z = 14, valid because Z + 1 = 15. With an 8 there, Z = 9.
    assert business_id_check_total("10000073") == 14
    assert is_valid_business_id("10000073")
    assert business_id_check_total("10000083") == 9
    assert not is_valid_business_id("10000083")
