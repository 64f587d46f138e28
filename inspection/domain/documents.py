"""Kinds of documents and evidence attached to an inspection application (附件)."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["DocumentKind"]


class DocumentKind(StrEnum):
    """One kind of attachment; the service stores its metadata, the domain checks presence."""

    APPLICATION_FORM = "application_form"  # 報驗申請書 / 申請書
    SHIPMENT_DOCUMENTS = "shipment_documents"  # 商業發票、裝箱單或出廠證明
    PRODUCT_CATALOGUE = "product_catalogue"  # 型錄或產品說明書
    TYPE_APPROVAL_CERTIFICATE = "type_approval_certificate"  # 型式認可證書
    TYPE_TEST_REPORT = "type_test_report"  # 型式試驗報告 (指定試驗室)
    TECHNICAL_FILE = "technical_file"  # 技術文件
    DECLARATION_OF_CONFORMITY_TO_TYPE = "declaration_of_conformity_to_type"  # 符合型式聲明書
    QMS_CERTIFICATE = "qms_certificate"  # 品質管理系統登錄證書
    FACTORY_INSPECTION_REPORT = "factory_inspection_report"  # 工廠檢查報告
    DECLARATION_OF_CONFORMITY = "declaration_of_conformity"  # 符合性聲明書
