# SPDX-License-Identifier: MIT
"""API keys in the store (both backends): hashed at rest, checked, revoked, expired, migrated."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text

from mobility.errors import InvalidInputError, NotFoundError
from mobility.keys import authenticate, create_key, legacy_principal, secret_hash, split_key
from mobility.store import SqlStore, WriteRecord, open_store, schema


def test_a_key_is_stored_only_as_a_hash(store: SqlStore) -> None:
    key, record = create_key(store, name="planner", scopes=["write"], communes=["92048"])
    key_id, secret = split_key(key) or ("", "")
    assert key.startswith(f"cmp_{record.id}_") and len(secret) >= 40
    with store.engine.begin() as conn:
        rows = [dict(row) for row in conn.execute(select(schema.api_keys)).mappings()]
    assert len(rows) == 1
    assert secret not in json.dumps(rows, default=str)
    assert rows[0]["secret_sha256"] == secret_hash(secret)
    principal = authenticate(store, key)
    assert principal is not None and principal.key_id == key_id
    assert principal.scopes == {"read", "write"} and principal.communes == {"92048"}
    assert principal.may_write_in("92048") and not principal.may_write_in("75110")


def test_wrong_revoked_and_expired_keys_are_refused(store: SqlStore) -> None:
    key, record = create_key(store, name="a", scopes=["read"], expires=date(2030, 6, 30))
    assert authenticate(store, key, now=datetime(2030, 6, 30, 23, 59, tzinfo=UTC)) is not None
    assert authenticate(store, key, now=datetime(2030, 7, 1, tzinfo=UTC)) is None
    tampered = key[:-1] + ("A" if key[-1] != "A" else "B")
    assert authenticate(store, tampered) is None
    assert authenticate(store, f"cmp_{'0' * 12}_{split_key(key)[1]}") is None  # type: ignore[index]
    for malformed in ("", "cmp", "cmp__x", "abc_123456789012_secret", key.replace("cmp_", "")):
        assert authenticate(store, malformed) is None
    revoked = store.revoke_api_key(record.id)
    assert revoked.revoked_at is not None
    assert authenticate(store, key) is None
    assert store.revoke_api_key(record.id).revoked_at == revoked.revoked_at
    with pytest.raises(NotFoundError):
        store.revoke_api_key("ffffffffffff")
    assert [k.id for k in store.list_api_keys()] == [record.id]


@pytest.mark.parametrize(
    ("scopes", "communes", "expires", "field"),
    [
        ([], [], None, "scope"),
        (["root"], [], None, "scope"),
        (["write"], ["9204"], None, "commune"),
        (["write"], [], date(2001, 1, 1), "expires"),
    ],
)
def test_keys_that_cannot_be_made(
    store: SqlStore, scopes: list[str], communes: list[str], expires: date | None, field: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        create_key(store, name="x", scopes=scopes, communes=communes, expires=expires)
    assert field in {problem.field for problem in refused.value.problems}
    assert store.list_api_keys() == []


def test_admin_implies_every_scope_and_legacy_keys_read_and_write(store: SqlStore) -> None:
    key, _ = create_key(store, name="ops", scopes=["admin"])
    principal = authenticate(store, key)
    assert principal is not None and principal.scopes == {"read", "write", "admin"}
    legacy = legacy_principal(
        "a-plain-key-0123456789", ["other-key-0123456789", "a-plain-key-0123456789"]
    )
    assert legacy is not None and legacy.scopes == {"read", "write"} and not legacy.communes
    assert legacy.key_id == "env-" + secret_hash("a-plain-key-0123456789")[:8]
    assert legacy_principal("wrong-key-0123456789", ["a-plain-key-0123456789"]) is None


def test_the_write_audit_keeps_the_latest_first(store: SqlStore) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for index in range(3):
        entry = WriteRecord("k1" if index != 1 else "k2", "POST", f"/p{index}", 201, start)
        store.record_write(entry)
    assert [w.path for w in store.list_writes()] == ["/p2", "/p1", "/p0"]
    assert [w.path for w in store.list_writes("k1", limit=1)] == ["/p2"]
    assert store.list_writes("k2")[0].at == start


def test_a_version_3_store_gains_the_key_tables(store: SqlStore) -> None:
    """Migration: a database of schema 3 (no key tables) is upgraded in place on opening."""
    url = store.engine.url.render_as_string(hide_password=False)
    create_key(store, name="before", scopes=["read"])
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE write_audit"))
        conn.execute(text("DROP TABLE api_keys"))
        conn.execute(text("UPDATE store_meta SET value = '3' WHERE key = 'schema_version'"))
    store.close()
    if url.startswith("postgresql+psycopg"):
        url = url.replace("postgresql+psycopg", "postgresql", 1)
    reopened = open_store(url)
    try:
        with reopened.engine.begin() as conn:
            version = conn.execute(
                text("SELECT value FROM store_meta WHERE key = 'schema_version'")
            ).scalar()
        assert version == str(schema.SCHEMA_VERSION)
        assert reopened.list_api_keys() == []
        key, record = create_key(reopened, name="after", scopes=["write"])
        assert authenticate(reopened, key) is not None
        reopened.record_write(WriteRecord(record.id, "PUT", "/x", 200, datetime.now(UTC)))
        assert reopened.list_writes(record.id)[0].method == "PUT"
        assert reopened.list_writes()[0].at > datetime.now(UTC) - timedelta(minutes=5)
    finally:
        reopened.close()
