"""The age bands everyone shares: the feedback table, the staff filters, both forms.

One table of ages per band, so "14" means the same band when a young person gives
feedback and when a service's age limits are checked.
"""

from __future__ import annotations

AGE_BANDS: tuple[str, ...] = ("under-11", "11-15", "16-18", "19-25", "parent-carer")
# Youngest and oldest age in each band of young people (parents and carers have none).
AGE_RANGES: dict[str, tuple[int, int]] = {
    "under-11": (0, 10),
    "11-15": (11, 15),
    "16-18": (16, 18),
    "19-25": (19, 25),
}
# A representative age for each band, to check a service's age limits.
BAND_AGE: dict[str, int] = {"under-11": 9, "11-15": 13, "16-18": 17, "19-25": 21}


def band_for_age(age: int) -> str | None:
    return next((band for band, (low, high) in AGE_RANGES.items() if low <= age <= high), None)
