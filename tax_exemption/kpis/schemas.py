"""The plan's indicators, from live data."""

from __future__ import annotations

from pydantic import BaseModel, Field


class KpisOut(BaseModel):
    filings: int = Field(description="Filings past the draft stage")
    share_online: float | None = Field(description="Filed online / all (KPI 2025: 0.80)")
    share_electronic: float | None = Field(description="Fully electronic / all (KPI 2025: 0.86)")
    lines_decided: int = Field(description="Current declaration lines the engine has decided")
    auto_match_rate: float | None = Field(description="電腦比對成功率 (KPI 2025: 0.995)")
    review_backlog: int = Field(description="Lines waiting for an officer")
    refused: int
