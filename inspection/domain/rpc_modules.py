"""Assessment modules (商品評鑑模式) of registration of product certification (驗證登錄, RPC).

Sources: 商品驗證登錄辦法 (Regulations Governing Registration of Product Certification) art. 3
names the modules; a BSMI FAQ (safety.bsmi.gov.tw, 2023-08-15) confirms the combinations in use:
quality-management-system modes "2+4" and "2+5" and factory-inspection mode "2+7". Mode "2+3"
(type test plus the applicant's declaration of conformity to type) is the common low-risk route
named in BSMI guidance. Module names marked UNVERIFIED below were not confirmed against the
current regulation text and are labels only: no rule here depends on them.

Every RPC combines module 2 (type test by a designated lab) with one production-phase module,
and each production module adds one piece of evidence to the application.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from inspection.domain.documents import DocumentKind

__all__ = [
    "ALLOWED_COMBINATIONS",
    "RpcModule",
    "RpcModules",
    "UnknownRpcModules",
    "parse_rpc_modules",
]


class RpcModule(IntEnum):
    """One module (模式); the value is its number in the regulation."""

    DESIGN_REVIEW = 1  # 模式一 (UNVERIFIED name)
    TYPE_TEST = 2  # 模式二 型式試驗
    DECLARATION_OF_CONFORMITY_TO_TYPE = 3  # 模式三 符合型式聲明
    PRODUCTION_QUALITY_ASSURANCE = 4  # 模式四 生產品質保證 (QMS, e.g. ISO 9001)
    PRODUCT_QUALITY_ASSURANCE = 5  # 模式五 產品品質保證 (QMS)
    PRODUCT_VERIFICATION = 6  # 模式六 (UNVERIFIED name)
    FACTORY_INSPECTION = 7  # 模式七 工廠檢查
    UNIT_VERIFICATION = 8  # 模式八 (UNVERIFIED name)


class UnknownRpcModules(ValueError):
    """The text does not name a module combination BSMI uses."""


@dataclass(frozen=True, slots=True)
class RpcModules:
    """A combination such as 模式二+模式三: the type test and one production-phase module."""

    design: RpcModule
    production: RpcModule

    @property
    def label(self) -> str:
        """The form BSMI writes, e.g. ``2+3``."""
        return f"{self.design.value}+{self.production.value}"

    @property
    def evidence(self) -> DocumentKind:
        """The production-phase evidence this combination requires."""
        return _PRODUCTION_EVIDENCE[self.production]


_PRODUCTION_EVIDENCE: dict[RpcModule, DocumentKind] = {
    RpcModule.DECLARATION_OF_CONFORMITY_TO_TYPE: DocumentKind.DECLARATION_OF_CONFORMITY_TO_TYPE,
    RpcModule.PRODUCTION_QUALITY_ASSURANCE: DocumentKind.QMS_CERTIFICATE,
    RpcModule.PRODUCT_QUALITY_ASSURANCE: DocumentKind.QMS_CERTIFICATE,
    RpcModule.FACTORY_INSPECTION: DocumentKind.FACTORY_INSPECTION_REPORT,
}

ALLOWED_COMBINATIONS: frozenset[RpcModules] = frozenset(
    RpcModules(RpcModule.TYPE_TEST, production) for production in _PRODUCTION_EVIDENCE
)


def parse_rpc_modules(text: str) -> RpcModules:
    """``2+3``, ``模式二+模式三`` or ``II+IV`` style input; UnknownRpcModules otherwise."""
    parts = [_module_number(part) for part in text.replace("＋", "+").split("+")]
    if len(parts) != 2 or None in parts:
        raise UnknownRpcModules(f"not a module combination: {text!r}")
    design, production = (RpcModule(number) for number in parts if number is not None)
    combination = RpcModules(design, production)
    if combination not in ALLOWED_COMBINATIONS:
        allowed = ", ".join(sorted(c.label for c in ALLOWED_COMBINATIONS))
        raise UnknownRpcModules(f"modules {combination.label} are not used; use one of {allowed}")
    return combination


_CHINESE_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8}
_ROMAN_NUMERALS = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8}


def _module_number(part: str) -> int | None:
    token = part.strip().removeprefix("模式").strip().upper()
    number = _CHINESE_NUMERALS.get(token) or _ROMAN_NUMERALS.get(token)
    if number is None and token.isascii() and token.isdigit():
        number = int(token)
    return number if number is not None and 1 <= number <= len(RpcModule) else None
