"""Case-progress messages in Traditional Chinese (pure: payload in, subject and text out)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["render"]

_KIND = {
    "duty_exemption": "國內無產製減免稅捐證明申請",
    "refund_standard": "外銷品原料核退標準申請",
}
_EVENT = {
    "submit": "已送件，進入審查排程",
    "withdraw": "已撤回",
    "start_review": "審查中",
    "request_supplement": "需補正資料，請登入系統查看補正事項並回覆",
    "answer_supplement": "補正資料已收到，續行審查",
    "approve": "審查完成：核准（部分項目可能未獲核准，請查看各項審查結果）",
    "reject": "審查完成：駁回",
    "issue": "證明已核發",
    "certificate_amend": "證明已變更",
    "certificate_cancel": "證明已註銷",
    "certificate_void": "證明已撤銷",
}


def render(payload: Mapping[str, Any]) -> tuple[str, str]:
    """Subject and body of the notice for a ``case.progress`` payload."""
    kind = _KIND.get(str(payload.get("kind")), "申請案件")
    event = str(payload.get("event"))
    state = _EVENT.get(event, f"狀態更新：{payload.get('status')}")
    number = f"案號 {payload['filing_id']}"
    subject = f"【產業發展署】{kind}{number}：{state}"
    lines = [
        "貴公司您好：",
        f"您的{kind}（{number}）{state}。",
    ]
    if payload.get("certificate_no"):
        lines.append(f"證明號碼：{payload['certificate_no']}")
    lines += ["", "本信由系統自動發送，請勿直接回覆。", "經濟部產業發展署 產業減免稅捐服務"]
    return subject, "\n".join(lines)
