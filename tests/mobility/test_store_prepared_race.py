# SPDX-License-Identifier: MIT
"""Workers keeping the same commune's prepared payload at once: each write lands, none fails.

Two workers that build a commune at the same time both keep what they built. On PostgreSQL each
write deletes the row and inserts its own; without a lock both deletes see no row and the second
insert meets the first's unique key (a 500 seen with two uvicorn workers). The writes are put
one after the other by locking the commune's row first.
"""

from __future__ import annotations

import threading

from mobility.store import SqlStore, open_store

CODE = "75110"
WRITERS = 4
ROUNDS = 15


def test_concurrent_keeps_of_one_commune_all_land(sample_store_url: str) -> None:
    stores: list[SqlStore] = [open_store(sample_store_url) for _ in range(WRITERS)]
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []
    written: list[bool] = []

    def keep(store: SqlStore, writer: int) -> None:
        for round_ in range(ROUNDS):
            start.wait()
            try:
                written.append(store.put_prepared(CODE, f"key-{round_}", bytes([writer]) * 64))
            except BaseException as exc:  # noqa: BLE001 (the failure is the finding)
                failures.append(exc)

    threads = [threading.Thread(target=keep, args=(s, i)) for i, s in enumerate(stores)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        kept = stores[0].get_prepared(CODE)
    finally:
        for store in stores:
            store.close()
    assert failures == []
    assert written == [True] * (WRITERS * ROUNDS)
    assert kept is not None and kept.intact and kept.build_key == f"key-{ROUNDS - 1}"
    assert kept.payload in {bytes([writer]) * 64 for writer in range(WRITERS)}
