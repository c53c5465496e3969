# SPDX-License-Identifier: MIT
"""The ledger next to a batch's output: which communes are finished, under which inputs.

One JSON line per finished task, appended and flushed as soon as its result arrives, so a batch
stopped by Ctrl-C or a killed worker loses at most the communes in flight. A commune counts as
finished only under the same key: its code, the digest of its stored sources and of the assets
the analysis reads, and the batch's parameters. Change any of them and it is computed again.
Failed communes are written too (the report shows them) but are tried again on the next run.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from mobility.assets import Layer
from mobility.batch.tasks import Row
from mobility.coverage.context import fingerprint
from mobility.coverage.layers import read_layer
from mobility.errors import NotFoundError
from mobility.store import Store


def ledger_path(out: Path) -> Path:
    """Return the ledger file of an output file (``x.parquet`` -> ``x.parquet.ledger.jsonl``)."""
    return out.with_name(out.name + ".ledger.jsonl")


def task_key(
    store: Store, code: str, parameters: dict[str, Any], layer: Layer, *, extra: object = None
) -> str:
    """Return the key a commune's result is valid under (see the module docstring).

    ``extra`` is anything else the job reads from the store (the SDIRVE figures a commune
    supplied), as JSON values.
    """
    try:
        record = store.get_commune(code)
    except NotFoundError:
        sources, assets = "absent", ""
    else:
        sources = fingerprint(record)
        assets = hashlib.sha256(
            json.dumps(
                [
                    (a.id, a.lon, a.lat, a.properties(), a.footprint)
                    for a in read_layer(store, code, layer, None)
                ],
                sort_keys=True,
                default=str,
            ).encode()
        ).hexdigest()
    return digest([code, sources, assets, parameters, extra])


def digest(value: object) -> str:
    """Return the SHA-256 of a JSON value (keys sorted, anything else as its text)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def read_finished(path: Path) -> dict[str, tuple[str, list[Row]]]:
    """Return, per commune, the key and rows of its last successful entry in the ledger.

    A last line cut short by a kill is ignored: its commune is simply computed again.
    """
    finished: dict[str, tuple[str, list[Row]]] = {}
    if not path.is_file():
        return finished
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry: dict[str, Any] = json.loads(line)
        except json.JSONDecodeError:
            continue
        if entry.get("status") == "done":
            finished[entry["commune"]] = (entry["key"], entry["rows"])
        else:
            finished.pop(entry.get("commune", ""), None)
    return finished


def append_entry(path: Path, code: str, key: str, rows: list[Row]) -> None:
    """Append one commune's outcome and flush it to disk before the next one is awaited.

    A last line cut short by a kill is closed first, so the new entry stands on its own line.
    """
    status = "failed" if any(row["status"] == "failed" for row in rows) else "done"
    entry = {"commune": code, "key": key, "status": status, "rows": rows}
    with path.open("ab+") as handle:
        handle.seek(0, 2)
        cut_short = False
        if handle.tell():
            handle.seek(-1, 2)
            cut_short = handle.read(1) != b"\n"
        text = ("\n" if cut_short else "") + json.dumps(entry, ensure_ascii=False) + "\n"
        handle.write(text.encode("utf-8"))
        handle.flush()
