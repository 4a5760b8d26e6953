"""Permission checks inside services, and the order-start prerequisite registry."""

from __future__ import annotations

import asyncio
import logging

import pytest

from hmi.services import permissions as P
from hmi.services.permissions import Actor, PermissionDenied, require, requires
from hmi.services.prerequisites import Blocker, PrerequisiteRegistry, StartContext

OPERATOR = Actor("1001", "Otto Operator", ("operator",), frozenset({P.PRODUCTION_VIEW}))
TEAM_LEAD = Actor("2001", "Tina Lead", ("operator", "teamlead"),
                  frozenset({P.PRODUCTION_VIEW, P.ORDER_START}))


class OrderService:
    def __init__(self) -> None:
        self.started: list[tuple[str, str]] = []

    @requires(P.ORDER_START)
    def start(self, actor: Actor, order_code: str) -> str:
        self.started.append((actor.badge, order_code))
        return f"started {order_code}"

    @requires(P.ORDER_START)
    async def start_async(self, actor: Actor, order_code: str) -> str:
        self.started.append((actor.badge, order_code))
        return f"started {order_code}"


def test_operator_is_refused_inside_the_service():
    service = OrderService()
    with pytest.raises(PermissionDenied) as exc:
        service.start(OPERATOR, "WO-1")
    assert service.started == []  # the method body never ran
    assert exc.value.permission == P.ORDER_START
    assert exc.value.actor is OPERATOR
    assert exc.value.operator_message == str(exc.value) == (
        "Otto Operator (badge 1001) may not start an order. Ask a team lead or an administrator."
    )


def test_team_lead_is_allowed():
    service = OrderService()
    assert service.start(TEAM_LEAD, "WO-1") == "started WO-1"
    assert service.start(actor=TEAM_LEAD, order_code="WO-2") == "started WO-2"
    assert service.started == [("2001", "WO-1"), ("2001", "WO-2")]


def test_nobody_logged_in_is_refused():
    service = OrderService()
    with pytest.raises(PermissionDenied) as exc:
        service.start(None, "WO-1")
    assert exc.value.actor is None
    assert exc.value.operator_message == "Nobody is logged in. Log in with your badge to start an order."
    assert service.started == []


def test_async_service_methods_are_checked_too():
    service = OrderService()
    with pytest.raises(PermissionDenied):
        asyncio.run(service.start_async(OPERATOR, "WO-1"))
    assert asyncio.run(service.start_async(TEAM_LEAD, "WO-1")) == "started WO-1"
    assert service.started == [("2001", "WO-1")]


def test_require_returns_the_actor_and_every_permission_has_text():
    assert require(TEAM_LEAD, P.ORDER_START) is TEAM_LEAD
    assert P.ALL_PERMISSIONS == {
        "production.view", "order.start", "downtime.classify", "downtime.reclassify",
        "inspection.record", "inspection.sign", "maintenance.log", "recipe.download",
        "recipe.approve", "masterdata.import", "user.manage", "audit.view",
        "alarm.acknowledge", "kiosk.exit", "tool.reset", "instruction.signoff", "sync.resolve",
    }
    assert OrderService.start.__required_permission__ == P.ORDER_START
    assert P.describe("no.such") == "use 'no.such'"


# --------------------------------------------------------------------------- prerequisites


def ctx() -> StartContext:
    return StartContext("ST-01", "WO-1", "P-100", TEAM_LEAD)


def test_prerequisites_collect_every_blocker():
    reg = PrerequisiteRegistry()
    reg.register("always.ok", lambda c: None)
    reg.register("materials.loaded", lambda c: Blocker(
        "materials.loaded", f"Lot for {c.product_code} is not loaded.", "Scan the lot label."))
    reg.register("fai.signed", lambda c: Blocker(
        "fai.signed", "First-article inspection is not signed.", "Ask a team lead to sign it."))
    assert [b.check for b in reg.evaluate(ctx())] == ["materials.loaded", "fai.signed"]
    reg.unregister("materials.loaded")
    assert [b.check for b in reg.evaluate(ctx())] == ["fai.signed"]
    with pytest.raises(KeyError):
        reg.unregister("materials.loaded")
    with pytest.raises(ValueError, match="already registered"):
        reg.register("fai.signed", lambda c: None)


def test_a_failing_check_blocks_and_is_logged(caplog):
    reg = PrerequisiteRegistry()

    def broken(_ctx):
        raise ConnectionError("PLC not reachable")

    reg.register("tooling.present", broken)
    reg.register("bad.answer", lambda c: True)
    with caplog.at_level(logging.ERROR, logger="hmi.services.prerequisites"):
        blockers = reg.evaluate(ctx())
    assert [b.check for b in blockers] == ["tooling.present", "bad.answer"]
    assert "could not be completed (PLC not reachable)" in blockers[0].reason
    assert "cannot start" in blockers[0].what_to_do
    assert any("tooling.present" in r.getMessage() and r.exc_info for r in caplog.records)
