"""Types of the C kernel ``_key_source.c`` (built by setup.py; see ``index.key_source``)."""

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

def key_source(
    postings: Sequence[npt.NDArray[np.int32]],
    filter_words: npt.NDArray[np.uint64],
    lengths: npt.NDArray[np.int16],
    mask: int,
    facets: int,
    per_key: int,
    cap: int,
    /,
) -> list[int]: ...
