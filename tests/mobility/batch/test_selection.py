# SPDX-License-Identifier: MIT
"""Commune selection: codes, ranges and files of codes, refused with the field and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from mobility.batch import select_communes
from mobility.errors import InvalidInputError


def test_a_range_gives_every_code_in_it_in_order() -> None:
    codes = select_communes(["75101-75120"])
    assert codes == [f"751{n:02d}" for n in range(1, 21)]


def test_codes_ranges_and_files_mix_without_repeats(tmp_path: Path) -> None:
    listing = tmp_path / "communes.txt"
    listing.write_text("# Hauts-de-Seine\n92048 92049\n\n75110  # again\n2A004\n")
    codes = select_communes(["75110,75109-75111", f"@{listing}"])
    assert codes == ["75110", "75109", "75111", "92048", "92049", "2A004"]


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ("7511", "is not an INSEE commune code"),
        ("75120-75101", "runs upwards"),
        ("75101-7512", "two five-digit codes"),
        ("@missing.txt", "file of codes not found"),
    ],
)
def test_a_bad_item_is_refused_naming_the_field(item: str, reason: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        select_communes([item])
    [problem] = raised.value.problems
    assert problem.field == "communes"
    assert reason in problem.message


def test_an_empty_selection_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="empty"):
        select_communes([" , "])
