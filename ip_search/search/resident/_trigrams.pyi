"""Types of the C kernel ``_trigrams.c`` (built by setup.py; see ``trigrams.WordTrigrams``)."""

import numpy as np
import numpy.typing as npt

def build(texts: bytes, offsets: npt.NDArray[np.int64], /) -> tuple[bytes, bytes]: ...
def similar_rows(
    query: str,
    texts: bytes,
    offsets: npt.NDArray[np.int64],
    starts: npt.NDArray[np.int64],
    rows: npt.NDArray[np.int32],
    marks: npt.NDArray[np.int32],
    filter_words: npt.NDArray[np.uint64],
    counts: bytearray,
    mask: int,
    facets: int,
    cap: int,
    threshold: float,
    /,
) -> list[int] | None: ...
def word_similarity(query: str, text: str, /) -> float: ...
