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
def exact_marks(
    text_hashes: npt.NDArray[np.int64],
    text_marks: npt.NDArray[np.int32],
    filter_words: npt.NDArray[np.uint64],
    keys: bytes | bytearray,
    key_offsets: npt.NDArray[np.int64],
    hash: int,
    compact: str,
    classes: int,
    facets: int,
    cap: int,
    /,
) -> list[int]: ...
def ranked(
    values: Sequence[float],
    ordinals: Sequence[int],
    filter_words: npt.NDArray[np.uint64],
    floor: float,
    apart: float,
    limit: int,
    /,
) -> tuple[list[tuple[float, int]], int, list[int]]: ...
