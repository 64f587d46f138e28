"""Receipt numbers, derived from the return itself: no counter, no lock, no extra query.

``<year>-<return id, 7+ digits>-<submission n>-<check>``: the return id is unique and the
submission count only grows under the return's version check, so two submissions can never get
the same number, however many replicas submit at once. The check character (weighted sum mod
34 over the digits) catches a mistyped digit when a factory quotes its receipt on the phone.
"""

from __future__ import annotations

CHECK_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def receipt_number(year: int, return_id: int, submission: int) -> str:
    body = f"{year}-{return_id:07d}-{submission}"
    return f"{body}-{check_character(body)}"


def check_character(body: str) -> str:
    digits = [int(char) for char in body if char.isdigit()]
    total = sum((position + 1) * digit for position, digit in enumerate(digits))
    return CHECK_ALPHABET[total % len(CHECK_ALPHABET)]


def is_valid_receipt(receipt: str) -> bool:
    body, _, check = receipt.rpartition("-")
    return bool(body) and len(check) == 1 and check_character(body) == check
