"""The audit trail's scope in ip_search: every record is this deployment's agency's (TIPO).

Open-data datasets, their versions and API keys, and the firms' trademark watches all belong to
``IP_SEARCH_AGENCY``: its officers read their trails, an officer of another agency finds none
of them (404). A record is there once audited, so a deleted watch keeps its trail.
"""

from __future__ import annotations

from common.audit.scope import AgencyRecords
from ip_search.models import platform_tables
from ip_search.settings import IpSearchSettings
from ip_search.watches.service import RECORD as WATCH

__all__ = ["RECORD_TYPES", "trail_owner"]

RECORD_TYPES = frozenset({"dataset", "dataset_version", "api_key", WATCH})


def trail_owner(settings: IpSearchSettings) -> AgencyRecords:
    return AgencyRecords(settings.agency, RECORD_TYPES, platform_tables.audit_event)
