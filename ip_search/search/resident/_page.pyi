"""Types of the C kernel ``_page.c`` (built by setup.py; see ``index.py`` and ``page.py``)."""

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

def slices(
    buffer: bytes | bytearray, offsets: npt.NDArray[np.int64], ordinals: Sequence[int], /
) -> list[str]: ...
def json_array(
    buffer: bytes | bytearray, offsets: npt.NDArray[np.int64], ordinals: Sequence[int], /
) -> bytes: ...
def ranked(
    values: Sequence[float],
    ordinals: Sequence[int],
    filter_words: npt.NDArray[np.uint64],
    floor: float,
    apart: float,
    limit: int,
    /,
) -> tuple[list[tuple[float, int]], int, list[int]]: ...
