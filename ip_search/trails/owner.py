"""The audit trail's scope in ip_search: every record is this deployment's agency's (TIPO).

Open-data datasets, their versions and API keys, and the firms' trademark watches all belong to
``IP_SEARCH_AGENCY``: its officers read their trails, an officer of another agency finds none
of them (404). A record is there while its row is (a version is named "dataset/3", its dataset
and number), so one seeded at start-up has an empty trail; or once audited, so a deleted watch
keeps its trail.
"""

from __future__ import annotations

from common.audit.record_row import RecordRow
from common.audit.scope import AgencyRecords
from ip_search.models import api_key, dataset, dataset_version, platform_tables, trademark_watch
from ip_search.settings import IpSearchSettings
from ip_search.watches.service import RECORD as WATCH

__all__ = ["RECORD_TYPES", "ROWS", "trail_owner"]

RECORD_TYPES = frozenset({"dataset", "dataset_version", "api_key", WATCH})
ROWS = {
    "dataset": RecordRow(dataset.c.id),
    "dataset_version": RecordRow(dataset_version.c.dataset_id, dataset_version.c.version),
    "api_key": RecordRow(api_key.c.id),
    WATCH: RecordRow(trademark_watch.c.id),
}


def trail_owner(settings: IpSearchSettings) -> AgencyRecords:
    return AgencyRecords(settings.agency, RECORD_TYPES, platform_tables.audit_event, ROWS)
