# SPDX-License-Identifier: MIT
"""Fixtures of the import tests: the cut region files (the empty store URL is in tests/conftest)."""

from __future__ import annotations

import pytest

from tests.support.idf_import import ImportFiles, cut_region


@pytest.fixture(scope="session")
def region(tmp_path_factory: pytest.TempPathFactory) -> ImportFiles:
    """The idf-context files cut to the 10e, the 9e and 600 m around them."""
    return cut_region(tmp_path_factory.mktemp("region"))
