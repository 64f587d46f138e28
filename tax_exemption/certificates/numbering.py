"""Certificate numbers: agency prefix, ROC year of issue, and the filing id."""

from __future__ import annotations

from datetime import date

ROC_OFFSET = 1911


def certificate_number(prefix: str, issued_on: date, filing_id: int) -> str:
    """e.g. ``IDA1140000042``: one filing yields at most one certificate, so it is unique."""
    return f"{prefix}{issued_on.year - ROC_OFFSET:03d}{filing_id:07d}"
