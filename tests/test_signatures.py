"""Electronic signatures: bound to the record's content, only by the right person with the right PIN."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib

import pytest
from sqlalchemy import func, select

from hmi.services import permissions as P
from hmi.services.audit import AuditWriter, verify_chain
from hmi.services.auth import AuthService, WrongPin
from hmi.services.permissions import PermissionDenied
from hmi.services.signatures import HASH_ALG, Meaning, SignatureService, canonical_hash
from hmi.store.security import AuditEntry, Signature
from tests.test_auth import T0, FakeClock, open_test_store, seed

STATION = "ST-01"

RECORD = {
    "inspection": "FAI-7731",
    "order": "WO-2025-0042",
    "measured_at": dt.datetime(2025, 3, 3, 14, 0, tzinfo=dt.UTC),
    "results": [
        {"characteristic": "bore diameter", "value": decimal.Decimal("12.004"), "ok": True},
        {"characteristic": "surface", "value": "no scratches", "ok": True},
    ],
}


@pytest.fixture
def env(tmp_path):
    engine, factory = open_test_store(tmp_path / "sig.db")
    seed(factory)
    clock = FakeClock()
    audit = AuditWriter(STATION, clock)
    auth = AuthService(factory, STATION, clock=clock, audit=audit)
    service = SignatureService(factory, auth, audit, STATION, clock)
    yield factory, service
    engine.dispose()


def count_signatures(factory) -> int:
    with factory() as s:
        return s.scalar(select(func.count()).select_from(Signature))


def test_canonical_hash_is_sha256_of_rfc8785_json():
    assert canonical_hash({"b": 1, "a": "x"}) == hashlib.sha256(b'{"a":"x","b":1}').hexdigest()
    # Key order does not matter, values do.
    assert canonical_hash({"a": "x", "b": 1}) == canonical_hash({"b": 1, "a": "x"})
    assert canonical_hash({"a": "x", "b": 2}) != canonical_hash({"a": "x", "b": 1})
    assert HASH_ALG == "sha256+rfc8785"


def test_sign_then_verify(env):
    factory, service = env
    sig = service.sign(
        badge="2001", pin="2580", meaning=Meaning.APPROVED, record_type="inspection",
        record_id="FAI-7731", record=RECORD, required_permission=P.INSPECTION_SIGN,
    )
    assert (sig.signer_badge, sig.signer_name, sig.meaning) == ("2001", "Tina Lead", "Approved")
    assert sig.signed_at == T0
    assert sig.record_hash == canonical_hash(RECORD)
    assert sig.hash_alg == HASH_ALG

    check = service.verify(sig, dict(reversed(list(RECORD.items()))))  # same content
    assert check.ok, check.reason

    with factory() as s:
        stored = s.scalars(select(Signature)).one()
        entry = s.get(AuditEntry, stored.audit_entry_id)
        assert (entry.action, entry.entity, entry.entity_id) == ("sign", "inspection", "FAI-7731")
        assert entry.new_value["record_hash"] == sig.record_hash
        assert entry.new_value["signature_id"] == str(sig.id)
        assert verify_chain(s, STATION).ok
    assert service.verify(stored, RECORD).ok


def test_record_changed_after_signing_is_detected(env):
    _factory, service = env
    sig = service.sign(badge="1001", pin="2580", meaning="Performed", record_type="inspection",
                       record_id="FAI-7731", record=RECORD)
    changed = {**RECORD, "results": [{**RECORD["results"][0], "value": decimal.Decimal("12.040")},
                                     RECORD["results"][1]]}
    check = service.verify(sig, changed)
    assert not check.ok
    assert check.reason == "the record was changed after it was signed"
    assert check.expected_hash == sig.record_hash != check.actual_hash


def test_wrong_pin_stores_no_signature(env):
    factory, service = env
    with pytest.raises(WrongPin) as exc:
        service.sign(badge="2001", pin="1357", meaning=Meaning.APPROVED, record_type="inspection",
                     record_id="FAI-7731", record=RECORD)
    assert exc.value.operator_message.startswith("Wrong PIN. 4 attempts left")
    assert count_signatures(factory) == 0


def test_lacking_permission_is_refused_and_nothing_is_signed(env):
    factory, service = env
    with pytest.raises(PermissionDenied) as exc:
        service.sign(badge="1001", pin="2580", meaning=Meaning.APPROVED, record_type="inspection",
                     record_id="FAI-7731", record=RECORD, required_permission=P.INSPECTION_SIGN)
    assert exc.value.operator_message == (
        "Otto Operator (badge 1001) may not sign off inspection results. "
        "Ask a team lead or an administrator."
    )
    assert count_signatures(factory) == 0
    with factory() as s:
        refused = s.scalars(select(AuditEntry).where(AuditEntry.action == "signature_refused")).one()
        assert refused.actor_badge == "1001"
        assert refused.new_value["missing_permission"] == P.INSPECTION_SIGN


def test_unknown_meaning_is_refused_before_asking_for_the_pin(env):
    factory, service = env
    with pytest.raises(ValueError, match="unknown signature meaning"):
        service.sign(badge="2001", pin="2580", meaning="Liked", record_type="inspection",
                     record_id="FAI-7731", record=RECORD)
    assert count_signatures(factory) == 0
