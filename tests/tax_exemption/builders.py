"""Small builders of certificate items and declaration lines for the engine's unit tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from tax_exemption.domain.matching import CertificateItem, DeclarationLine, ItemKey

FIRM = "04595257"
OTHER_FIRM = "10458575"

ITEM = CertificateItem(
    certificate_no="113A004521",
    item_no=1,
    business_id=FIRM,
    ccc_code="84571010003",
    description="立式綜合加工機 VERTICAL MACHINING CENTER",
    model="VF-2SS",
    spec="X軸行程 762MM 主軸轉速 12000RPM",
    unit="SET",
    approved_quantity=Decimal(10),
    balance=Decimal(10),
    valid_from=date(2024, 1, 1),
    valid_until=date(2024, 12, 31),
)

LINE = DeclarationLine(
    declaration_no="AW13000001",
    item_no=1,
    importer_ban=FIRM,
    ccc_code="84571010003",
    description="立式綜合加工機 VERTICAL MACHINING CENTER",
    goods_model="VF-2SS",
    goods_spec="X軸行程 762MM 主軸轉速 12000RPM",
    quantity=Decimal(2),
    doc_unit="SET",
    stat_quantity=Decimal(2),
    stat_unit="SET",
    origin_country="US",
    cited_certificate_no="113A004521",
    cited_item_no=1,
    declaration_date=date(2024, 6, 1),
)


def item(**changes: Any) -> CertificateItem:
    return replace(ITEM, **changes)


def line(**changes: Any) -> DeclarationLine:
    return replace(LINE, **changes)


def key(certificate_item: CertificateItem) -> ItemKey:
    return ItemKey(certificate_item.certificate_no, certificate_item.item_no)


def ledger(*items: CertificateItem) -> dict[ItemKey, Decimal]:
    return {key(i): i.balance for i in items}
