# SPDX-License-Identifier: MIT
"""Pages of features kept encoded between requests, for as long as the stored data is the same.

A page of a layer is the most frequent read after one item, and the same few pages are asked
for again and again (a map's layer, a client paging through a commune). Reading the rows and
encoding a hundred features took most of a page request; the answer only changes when the data
does. So each worker keeps the encoded features of the pages it served, under the store's data
version (:mod:`mobility.store.data_version`), which every committed change of the assets, the
communes and what else pages and analyses read raises, whoever made it. Serving a kept page
costs one read of that number.

What the envelope adds per request (the time stamp, the links with the request's own address)
is not kept: :func:`~mobility.geojson.joined_collection_json` wraps the kept features each
time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from mobility.features import page_features_json
from mobility.store import AssetQuery, Store

DEFAULT_BUDGET_BYTES = 64_000_000
"""The encoded features a worker keeps, in all (about 560 pages of 100 charging points)."""


@dataclass(frozen=True)
class EncodedPage:
    """One page's features as the UTF-8 text of a JSON array's members, with its counts."""

    features: bytes
    number_returned: int
    number_matched: int

    @classmethod
    def of(cls, features: list[str], number_matched: int) -> EncodedPage:
        """Return the page of features encoded as JSON text each."""
        return cls(",".join(features).encode("utf-8"), len(features), number_matched)


def encode_page(store: Store, query: AssetQuery) -> EncodedPage:
    """Read and encode one page (what a kept page saves)."""
    return EncodedPage.of(*page_features_json(store, query))


class FeaturePages:
    """A worker's encoded pages, least recently served dropped first past a byte budget.

    Thread-safe: the routes run in a thread pool. Two threads missing the same page both read
    it; the newer version kept wins.
    """

    def __init__(self, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
        self.budget_bytes = budget_bytes
        self._kept: OrderedDict[AssetQuery, tuple[int, EncodedPage]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def kept_bytes(self) -> int:
        """Return the bytes of encoded features held now."""
        return self._bytes

    def page(self, store: Store, query: AssetQuery) -> EncodedPage:
        """Return the page of the query, as the store holds it now.

        The version is read before the rows: a page kept under a version is at least as new as
        it, so serving it while the version is unchanged never serves older data.
        """
        version = store.data_version()
        with self._lock:
            kept = self._kept.get(query)
            if kept is not None and kept[0] == version:
                self._kept.move_to_end(query)
                return kept[1]
        page = encode_page(store, query)
        self._keep(query, version, page)
        return page

    def _keep(self, query: AssetQuery, version: int, page: EncodedPage) -> None:
        size = len(page.features)
        if size > self.budget_bytes // 4:
            return  # a page this large would push out many others for one client
        with self._lock:
            kept = self._kept.get(query)
            if kept is not None:
                if kept[0] > version:
                    return
                self._bytes -= len(kept[1].features)
            self._kept[query] = (version, page)
            self._kept.move_to_end(query)
            self._bytes += size
            while self._bytes > self.budget_bytes:
                _, (_, dropped) = self._kept.popitem(last=False)
                self._bytes -= len(dropped.features)
