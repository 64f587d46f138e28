"""All the keys a mark is indexed under, and the same keys for a query.

A mark has several texts: its name (商標名稱) and the words in the device (圖樣中文/英文/日文),
which may differ (方圓牌 shows 活性炭). Each distinct text becomes one *form*; similarity takes
the best form, while index tokens are the union over forms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from ip_search.text.generic import is_generic_latin, strip_generic_cjk
from ip_search.text.normalize import fold
from ip_search.text.phonetic import latin_key, pinyin
from ip_search.text.scripts import Script, cjk_chars, runs


@dataclass(frozen=True, slots=True)
class MarkKeys:
    """Matching keys of one mark (or one query). Tuples are ordered and duplicate-free.

    ``forms``/``compacts``/``pinyin_toned``/``pinyin_plain``/``phonetic`` run
    parallel: entry *i* describes the mark's *i*-th text (entry 0 is the name).
    """

    forms: tuple[str, ...]
    """Folded text with generic words removed, words separated by one space."""
    compacts: tuple[str, ...]
    """``forms`` without spaces: ``magna beauty`` -> ``magnabeauty``."""
    texts: tuple[str, ...]
    """The input texts as given (stripped): evidence of which folding made two marks meet."""
    pinyin_toned: tuple[str, ...]
    """Space-separated pinyin with tone numbers (``dong1 sheng1 hua2``), '' without Han."""
    pinyin_plain: tuple[str, ...]
    """Space-separated toneless pinyin (``dong sheng hua``): homophones share it."""
    phonetic: tuple[str, ...]
    """Metaphone of Latin letters plus toneless pinyin, spaces removed (cross-script sound)."""
    words: tuple[str, ...]
    """Latin words and CJK runs of all forms."""
    distinctive: tuple[str, ...]
    """``words`` minus generic ones (及圖, 商標, LTD, TM ...)."""
    cjk_unigrams: tuple[str, ...]
    """Distinct CJK characters: back one-character queries."""
    cjk_bigrams: tuple[str, ...]
    """CJK character bigrams inside each run: back two-character queries (no pg_trgm)."""
    sound_grams: tuple[str, ...]
    """Toneless pinyin syllables and syllable bigrams (``kang_shi``): homophone candidates."""

    @property
    def has_han(self) -> bool:
        return any(self.pinyin_plain)


@dataclass(frozen=True, slots=True)
class _Form:
    core: str
    words: tuple[str, ...]
    distinctive: tuple[str, ...]


def _form(text: str) -> _Form:
    """Fold one text and drop generic words; a wholly generic text keeps its folded self."""
    folded = fold(text)
    words: list[str] = []
    distinctive: list[str] = []
    for script, run in runs(folded):
        if script is Script.CJK:
            words.append(run)
            distinctive.extend(strip_generic_cjk(run).split())
        else:
            words.append(run)
            if not is_generic_latin(run):
                distinctive.append(run)
    core = " ".join(distinctive) if distinctive else folded
    return _Form(core=core, words=tuple(words), distinctive=tuple(distinctive))


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


def _bigrams(sequence: list[str] | str) -> list[str]:
    return ["".join(sequence[i : i + 2]) for i in range(len(sequence) - 1)]


def _sound_grams(syllables: tuple[str, ...]) -> list[str]:
    grams = [f"{a}_{b}" for a, b in pairwise(syllables)]
    return grams or list(syllables)


def _romanised(core: str) -> str:
    """Latin runs as they are and CJK runs as toneless pinyin, in reading order."""
    return "".join(
        "".join(pinyin(run)[1]) if script is Script.CJK else run for script, run in runs(core)
    )


def mark_keys(name: str, *words_in_mark: str) -> MarkKeys:
    """Keys of a mark from its name and the words shown in it (zh / en / ja)."""
    texts = list(dict.fromkeys(t.strip() for t in (name, *words_in_mark) if t and t.strip()))
    forms: list[_Form] = []
    seen: set[str] = set()
    for text in texts:
        form = _form(text)
        # A word field already contained in an earlier form adds nothing (富山 FUSAN / FUSAN).
        if form.core and not any(form.core.replace(" ", "") in s for s in seen):
            forms.append(form)
            seen.add(form.core.replace(" ", ""))
    if not forms:
        forms = [_Form(core="", words=(), distinctive=())]
    toned: list[str] = []
    plain: list[str] = []
    phonetic: list[str] = []
    unigrams: list[str] = []
    bigrams: list[str] = []
    sound: list[str] = []
    for form in forms:
        form_toned, form_plain = pinyin(form.core)
        toned.append(" ".join(form_toned))
        plain.append(" ".join(form_plain))
        phonetic.append(latin_key(_romanised(form.core)))
        unigrams.extend(cjk_chars(form.core))
        for script, run in runs(form.core):
            if script is Script.CJK:
                bigrams.extend(_bigrams(run))
        sound.extend(_sound_grams(form_plain))
    return MarkKeys(
        forms=tuple(f.core for f in forms),
        compacts=tuple(f.core.replace(" ", "") for f in forms),
        texts=tuple(texts) or ("",),
        pinyin_toned=tuple(toned),
        pinyin_plain=tuple(plain),
        phonetic=tuple(phonetic),
        words=_unique(w for f in forms for w in f.words),
        distinctive=_unique(w for f in forms for w in f.distinctive),
        cjk_unigrams=_unique(unigrams),
        cjk_bigrams=_unique(bigrams),
        sound_grams=_unique(sound),
    )


def query_keys(query: str) -> MarkKeys:
    """Keys of a search query: the same analysis as a mark's name, so both meet in one space."""
    return mark_keys(query)
