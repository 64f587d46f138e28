"""The table of filing steps is complete: every action it can take is a transition of the
workflow and has its own notice text (not the generic status update)."""

from __future__ import annotations

from tax_exemption.domain.workflow import FILING_STEPS, FilingAction
from tax_exemption.filings.steps import STEPS
from tax_exemption.notifications.templates import render

# The decision step approves or rejects, as the items decided say.
TAKEN = {step.action for step in STEPS} | {FilingAction.REJECT}


def test_every_action_a_step_takes_is_a_workflow_transition() -> None:
    transitions = {action for _, action in FILING_STEPS}
    assert transitions >= TAKEN
    assert transitions - TAKEN == {FilingAction.ISSUE}  # the certificates' own use case


def test_every_action_a_step_takes_has_its_own_notice() -> None:
    for action in TAKEN:
        payload = {"filing_id": 7, "kind": "duty_exemption", "status": "x", "event": str(action)}
        subject, _ = render(payload)
        assert "狀態更新" not in subject, action


def test_each_step_has_one_route() -> None:
    assert len({step.path for step in STEPS}) == len({step.name for step in STEPS}) == len(STEPS)
