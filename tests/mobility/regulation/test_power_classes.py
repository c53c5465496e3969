# SPDX-License-Identifier: MIT
"""The four SDIRVE power classes, exactly at and around their boundaries."""

from __future__ import annotations

import pytest

from mobility.regulation.power_classes import PowerClass, power_class


@pytest.mark.parametrize(
    ("power_kw", "expected"),
    [
        (2.3, 1),
        (7.4, 1),
        (7.400001, 2),
        (11.0, 2),
        (22.0, 2),
        (22.000001, 3),
        (50.0, 3),
        (149.999, 3),
        (150.0, 4),
        (350.0, 4),
    ],
)
def test_boundaries_are_the_schema_s(power_kw: float, expected: int) -> None:
    assert power_class(power_kw) is PowerClass(expected)


@pytest.mark.parametrize("power_kw", [0.0, -3.0, float("nan"), float("inf")])
def test_a_power_that_is_not_positive_and_finite_is_refused(power_kw: float) -> None:
    with pytest.raises(ValueError, match="positive and finite"):
        power_class(power_kw)


def test_suffixes_name_the_schema_fields() -> None:
    assert [c.suffix for c in PowerClass] == [f"intervalle_{n}" for n in range(1, 5)]
