/* Score totals of many marks against one query: ``ip_search.text.scoring.total`` in C.
 *
 * A similar search ranks every candidate by ``total``; in Python (compiled by mypyc) each one
 * still costs a few µs of object work (key lists, tuples, a rapidfuzz call per pair of texts),
 * the largest share of a search's CPU. This computes the same totals, to the last bit, reading
 * the marks' key documents in place:
 *
 * - every dimension's arithmetic is ``scoring.total``'s, in its order (doubles only, no fused
 *   multiply-add: setup.py compiles this with -ffp-contract=off);
 * - ``fuzz.ratio`` is the normalised Indel similarity ``1 - (a + b - 2·LCS) / (a + b)``, the
 *   same operations rapidfuzz performs, with the LCS counted bit-parallel (Hyyrö) over code
 *   points, or over syllables for the pinyin ratio;
 * - ``fuzz.token_set_ratio`` (texts of several words only) is rapidfuzz's own, called back.
 *
 * ``explained`` gives a page's hits each dimension's similarity, weight, contribution and
 * evidence (``scoring.explain``), and ``scores_json`` writes the same as the JSON a response
 * holds (``scoring.score_document``, as orjson writes it).
 *
 * A mark's keys come as a key document (a mapping of lists) or packed in one string
 * (``packed_keys.pack_keys``, as the cards hold them): either way they are read as views
 * of code points (``Text``) in place, with no object made per key.
 *
 * ``scoring.py`` stays the definition: ``totals`` there falls back to ``total`` when this module
 * is not built, and tests/ip_search/test_native_totals.py holds the two equal.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t length;
} Text;

#define CHAR(text, i) PyUnicode_READ((text).kind, (text).data, (i))

static PyObject *token_set_ratio; /* rapidfuzz.fuzz.token_set_ratio */
static PyObject *KEY_FORMS, *KEY_COMPACTS, *KEY_TONED, *KEY_PLAIN, *KEY_PHONETIC,
    *KEY_DISTINCTIVE, *KEY_TEXTS;
static PyObject *WITHIN, *SPACE, *COMMA; /* "⊂", " " and ", " of the evidence */

typedef struct {
    double words, distinctive, sound, glyph, classes;
    double same_sound, tones_differ, containment, same_class;
    double phonetic_share, pinyin_contained;
} Weights;

static int text_of(PyObject *value, Text *text) {
    if (!PyUnicode_Check(value)) {
        PyErr_Format(PyExc_TypeError, "expected str, got %.100s", Py_TYPE(value)->tp_name);
        return -1;
    }
    text->kind = PyUnicode_KIND(value);
    text->data = PyUnicode_DATA(value);
    text->length = PyUnicode_GET_LENGTH(value);
    return 0;
}

/* Equal code points. A view into a packed key string has that string's kind (the narrowest
 * that holds all of it), so equal texts may differ in kind; of one kind, the bytes compare. */
static int same_text(Text a, Text b) {
    if (a.length != b.length) return 0;
    if (a.kind == b.kind) return memcmp(a.data, b.data, (size_t)a.length * (size_t)a.kind) == 0;
    for (Py_ssize_t i = 0; i < a.length; i++) {
        if (CHAR(a, i) != CHAR(b, i)) return 0;
    }
    return 1;
}

/* ``needle in haystack`` over code points (keys are a few dozen characters: a plain scan). */
static int text_contains(Text haystack, Text needle) {
    for (Py_ssize_t start = 0; start + needle.length <= haystack.length; start++) {
        Py_ssize_t k = 0;
        while (k < needle.length && CHAR(haystack, start + k) == CHAR(needle, k)) k++;
        if (k == needle.length) return 1;
    }
    return 0;
}

static Py_ssize_t count_spaces(Text text) {
    Py_ssize_t spaces = 0;
    for (Py_ssize_t i = 0; i < text.length; i++) spaces += CHAR(text, i) == ' ';
    return spaces;
}

static int has_space(Text text) {
    for (Py_ssize_t i = 0; i < text.length; i++) {
        if (CHAR(text, i) == ' ') return 1;
    }
    return 0;
}

/* --- longest common subsequence ---------------------------------------------------------- */

/* LCS length of two sequences of n and m items, ``equal(i, j)`` comparing item i of the first
 * with item j of the second: bit-parallel (Hyyrö 2004) when n <= 64, a DP row otherwise. */
typedef int (*Equal)(const void *a, Py_ssize_t i, const void *b, Py_ssize_t j);

static Py_ssize_t lcs(const void *a, Py_ssize_t n, const void *b, Py_ssize_t m, Equal equal) {
    if (n <= 64) {
        uint64_t row = ~(uint64_t)0;
        for (Py_ssize_t j = 0; j < m; j++) {
            uint64_t matches = 0;
            for (Py_ssize_t i = 0; i < n; i++) {
                if (equal(a, i, b, j)) matches |= (uint64_t)1 << i;
            }
            uint64_t u = row & matches;
            row = (row + u) | (row - u);
        }
        uint64_t used = n == 64 ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1);
        return (Py_ssize_t)__builtin_popcountll(~row & used);
    }
    Py_ssize_t *previous = PyMem_Calloc((size_t)(2 * (n + 1)), sizeof(Py_ssize_t));
    if (previous == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t *current = previous + n + 1;
    for (Py_ssize_t j = 0; j < m; j++) {
        for (Py_ssize_t i = 0; i < n; i++) {
            current[i + 1] = equal(a, i, b, j)
                                 ? previous[i] + 1
                                 : (previous[i + 1] > current[i] ? previous[i + 1] : current[i]);
        }
        memcpy(previous, current, (size_t)(n + 1) * sizeof(Py_ssize_t));
    }
    Py_ssize_t found = previous[n];
    PyMem_Free(previous);
    return found;
}

static int equal_chars(const void *a, Py_ssize_t i, const void *b, Py_ssize_t j) {
    return CHAR(*(const Text *)a, i) == CHAR(*(const Text *)b, j);
}

static int equal_words(const void *a, Py_ssize_t i, const void *b, Py_ssize_t j) {
    return same_text(((const Text *)a)[i], ((const Text *)b)[j]);
}

/* rapidfuzz's ``fuzz.ratio / 100``: normalised Indel similarity, its operations in order. */
static double indel_ratio(Py_ssize_t common, Py_ssize_t lengths) {
    if (lengths == 0) return 1.0;
    double distance = (double)(lengths - 2 * common);
    return ((1.0 - distance / (double)lengths) * 100.0) / 100.0;
}

/* ``scoring._ratio``: 0 when either text is empty. Returns -1 on error. */
static double text_ratio(Text a, Text b) {
    if (!a.length || !b.length) return 0.0;
    Py_ssize_t common = lcs(&a, a.length, &b, b.length, equal_chars);
    return common < 0 ? -1.0 : indel_ratio(common, a.length + b.length);
}

/* --- the query ---------------------------------------------------------------------------- */

#define MAX_FORMS 16 /* of the query: one per text it was made of (a search's query: one) */
#define STACK_WORDS 64 /* a mark's syllables held on the stack; more are allocated */

enum { HELD_COMPACTS, HELD_FORMS, HELD_TONED, HELD_PLAIN, HELD_PHONETIC, HELD_DISTINCTIVE,
       HELD_SYLLABLES, HELD_HAN, QUERY_HELD };

typedef struct {
    Py_ssize_t forms;
    PyObject *form[MAX_FORMS]; /* for rapidfuzz's token set ratio */
    Text compact_text[MAX_FORMS], toned[MAX_FORMS], plain_text[MAX_FORMS], phonetic[MAX_FORMS];
    Text *syllable[MAX_FORMS]; /* each form's toneless syllables (allocated) */
    Py_ssize_t syllables[MAX_FORMS];
    int wholly_han[MAX_FORMS];
    int form_spaced[MAX_FORMS]; /* the form has several words */
    Py_UCS4 *chars[MAX_FORMS]; /* distinct characters of each compact form, sorted */
    Py_ssize_t char_count[MAX_FORMS];
    Py_UCS4 *all_chars; /* of every compact form, sorted */
    Py_ssize_t all_count;
    Py_UCS4 *buffer;
    int has_chars, spaced;
    PyObject *distinctive; /* a list or tuple of str */
    PyObject *joined;      /* "".join(distinctive) */
    PyObject *held[QUERY_HELD];
} Query;

static int compare_chars(const void *a, const void *b) {
    Py_UCS4 x = *(const Py_UCS4 *)a, y = *(const Py_UCS4 *)b;
    return (x > y) - (x < y);
}

/* Sorts ``chars`` and drops repeats; returns how many are left. */
static Py_ssize_t distinct(Py_UCS4 *chars, Py_ssize_t count) {
    if (count == 0) return 0;
    qsort(chars, (size_t)count, sizeof(Py_UCS4), compare_chars);
    Py_ssize_t kept = 1;
    for (Py_ssize_t i = 1; i < count; i++) {
        if (chars[i] != chars[kept - 1]) chars[kept++] = chars[i];
    }
    return kept;
}

static int contains_char(const Py_UCS4 *sorted, Py_ssize_t count, Py_UCS4 c) {
    Py_ssize_t low = 0, high = count;
    while (low < high) {
        Py_ssize_t middle = (low + high) / 2;
        if (sorted[middle] < c) low = middle + 1;
        else high = middle;
    }
    return low < count && sorted[low] == c;
}

/* ``items`` as a fast sequence with exactly ``expected`` items (or any number when < 0). */
static PyObject *sequence(PyObject *items, Py_ssize_t expected, const char *what) {
    PyObject *fast = PySequence_Fast(items, what);
    if (fast != NULL && expected >= 0 && PySequence_Fast_GET_SIZE(fast) != expected) {
        PyErr_Format(PyExc_ValueError, "%s: %zd items, expected %zd", what,
                     PySequence_Fast_GET_SIZE(fast), expected);
        Py_DECREF(fast);
        return NULL;
    }
    return fast;
}

static void query_clear(Query *query) {
    for (int i = 0; i < QUERY_HELD; i++) Py_CLEAR(query->held[i]);
    for (int i = 0; i < MAX_FORMS; i++) {
        PyMem_Free(query->syllable[i]);
        query->syllable[i] = NULL;
    }
    Py_CLEAR(query->joined);
    PyMem_Free(query->buffer);
    query->buffer = NULL;
}

/* The attribute ``name`` of ``owner`` as a fast sequence of ``expected`` items, held by
 * ``query`` until ``query_clear``. */
static PyObject *held_attribute(Query *query, int slot, PyObject *owner, const char *name,
                                Py_ssize_t expected) {
    PyObject *value = PyObject_GetAttrString(owner, name);
    if (value == NULL) return NULL;
    query->held[slot] = sequence(value, expected, name);
    Py_DECREF(value);
    return query->held[slot];
}

/* Reads a ``PreparedQuery``: its ``fields`` (a ``MarkFields``), ``syllables``, ``wholly_han``
 * and ``spaced``; the character sets are built again from the compact forms, as ``prepare``
 * builds them. */
static int query_read(PyObject *prepared, Query *query) {
    memset(query, 0, sizeof(*query));
    PyObject *fields = PyObject_GetAttrString(prepared, "fields");
    if (fields == NULL) return -1;
    PyObject *compacts = held_attribute(query, HELD_COMPACTS, fields, "compacts", -1);
    if (compacts == NULL) goto fail;
    Py_ssize_t forms = PySequence_Fast_GET_SIZE(compacts);
    if (forms < 1 || forms > MAX_FORMS) {
        PyErr_Format(PyExc_ValueError, "a query of %zd forms", forms);
        goto fail;
    }
    query->forms = forms;
    PyObject *form_list = held_attribute(query, HELD_FORMS, fields, "forms", forms);
    PyObject *toned = form_list ? held_attribute(query, HELD_TONED, fields, "pinyin_toned", forms)
                                : NULL;
    PyObject *plain = toned ? held_attribute(query, HELD_PLAIN, fields, "pinyin_plain", forms)
                            : NULL;
    PyObject *phonetic = plain ? held_attribute(query, HELD_PHONETIC, fields, "phonetic", forms)
                               : NULL;
    query->distinctive =
        phonetic ? held_attribute(query, HELD_DISTINCTIVE, fields, "distinctive", -1) : NULL;
    PyObject *syllables =
        query->distinctive ? held_attribute(query, HELD_SYLLABLES, prepared, "syllables", forms)
                           : NULL;
    PyObject *wholly_han =
        syllables ? held_attribute(query, HELD_HAN, prepared, "wholly_han", forms) : NULL;
    if (wholly_han == NULL) goto fail;
    Py_ssize_t all_chars = 0;
    for (Py_ssize_t i = 0; i < forms; i++) {
        query->form[i] = PySequence_Fast_GET_ITEM(form_list, i);
        Text form;
        if (text_of(query->form[i], &form) < 0 ||
            text_of(PySequence_Fast_GET_ITEM(compacts, i), &query->compact_text[i]) < 0 ||
            text_of(PySequence_Fast_GET_ITEM(toned, i), &query->toned[i]) < 0 ||
            text_of(PySequence_Fast_GET_ITEM(plain, i), &query->plain_text[i]) < 0 ||
            text_of(PySequence_Fast_GET_ITEM(phonetic, i), &query->phonetic[i]) < 0)
            goto fail;
        query->form_spaced[i] = has_space(form);
        all_chars += query->compact_text[i].length;
        /* The syllables are items of ``prepared``'s own lists: alive as long as it is. */
        PyObject *words = sequence(PySequence_Fast_GET_ITEM(syllables, i), -1, "syllables");
        if (words == NULL) goto fail;
        Py_ssize_t count = PySequence_Fast_GET_SIZE(words);
        query->syllable[i] = PyMem_Malloc((size_t)(count ? count : 1) * sizeof(Text));
        int read = query->syllable[i] != NULL ? 0 : -1;
        for (Py_ssize_t w = 0; w < count && read == 0; w++) {
            read = text_of(PySequence_Fast_GET_ITEM(words, w), &query->syllable[i][w]);
        }
        Py_DECREF(words);
        if (read < 0) {
            if (!PyErr_Occurred()) PyErr_NoMemory();
            goto fail;
        }
        query->syllables[i] = count;
        query->wholly_han[i] = PyObject_IsTrue(PySequence_Fast_GET_ITEM(wholly_han, i));
        if (query->wholly_han[i] < 0) goto fail;
    }
    query->buffer = PyMem_Malloc((size_t)(2 * all_chars + 1) * sizeof(Py_UCS4));
    if (query->buffer == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    Py_UCS4 *next = query->buffer;
    query->all_chars = query->buffer + all_chars;
    for (Py_ssize_t i = 0; i < forms; i++) {
        Text text = query->compact_text[i];
        query->chars[i] = next;
        for (Py_ssize_t c = 0; c < text.length; c++) {
            next[c] = CHAR(text, c);
            query->all_chars[query->all_count++] = next[c];
        }
        query->char_count[i] = distinct(next, text.length);
        next += text.length;
        query->has_chars |= text.length > 0;
    }
    query->all_count = distinct(query->all_chars, query->all_count);
    PyObject *spaced = PyObject_GetAttrString(prepared, "spaced");
    query->spaced = spaced ? PyObject_IsTrue(spaced) : -1;
    Py_XDECREF(spaced);
    if (query->spaced < 0) goto fail;
    PyObject *empty = PyUnicode_New(0, 0);
    query->joined = empty ? PyUnicode_Join(empty, query->distinctive) : NULL;
    Py_XDECREF(empty);
    if (query->joined == NULL) goto fail;
    Py_DECREF(fields);
    return 0;
fail:
    Py_DECREF(fields);
    query_clear(query);
    return -1;
}

/* --- a mark --------------------------------------------------------------------------------- */

enum { MARK_FORMS, MARK_COMPACTS, MARK_TONED, MARK_PLAIN, MARK_PHONETIC, MARK_DISTINCTIVE,
       MARK_LISTS };

#define STACK_ITEMS 48 /* a mark's keys held as views on the stack; more are allocated */
#define FIELD_SEPARATOR 0x1E /* ``packed_keys.FIELD_SEPARATOR`` */
#define ITEM_SEPARATOR 0x1F  /* ``packed_keys.ITEM_SEPARATOR`` */

typedef struct {
    Py_ssize_t count[MARK_LISTS]; /* items of each list */
    Text *list[MARK_LISTS];       /* each list's items, views into the document's strings */
    Text *items;                  /* ``stack``, or allocated when it is too small */
    PyObject *held[MARK_LISTS];
    Text stack[STACK_ITEMS]; /* last: ``mark_read`` clears the fields before it, not this */
} Mark;

#define FORMS(mark) ((mark)->count[MARK_COMPACTS]) /* of ``forms`` and ``compacts`` alike */

static void mark_clear(Mark *mark) {
    for (int i = 0; i < MARK_LISTS; i++) Py_CLEAR(mark->held[i]);
    if (mark->items != mark->stack) PyMem_Free(mark->items);
    mark->items = NULL;
}

/* Room for ``total`` views, and each list's place in it (``count`` already set). */
static int mark_reserve(Mark *mark, Py_ssize_t total) {
    mark->items = total <= STACK_ITEMS ? mark->stack : PyMem_Malloc((size_t)total * sizeof(Text));
    if (mark->items == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Text *next = mark->items;
    for (int i = 0; i < MARK_LISTS; i++) {
        mark->list[i] = next;
        next += mark->count[i];
    }
    return 0;
}

/* A key document (``MarkFields.from_document``): each list by name. */
static int document_read(PyObject *doc, Mark *mark) {
    PyObject *keys[MARK_LISTS] = {KEY_FORMS, KEY_COMPACTS, KEY_TONED, KEY_PLAIN, KEY_PHONETIC,
                                  KEY_DISTINCTIVE};
    Py_ssize_t total = 0;
    for (int i = 0; i < MARK_LISTS; i++) {
        PyObject *value = PyObject_GetItem(doc, keys[i]);
        if (value == NULL) return -1;
        /* held until ``mark_clear``: the views point into its strings */
        mark->held[i] = PySequence_Fast(value, "key document lists");
        Py_DECREF(value);
        if (mark->held[i] == NULL) return -1;
        mark->count[i] = PySequence_Fast_GET_SIZE(mark->held[i]);
        total += mark->count[i];
    }
    if (mark_reserve(mark, total) < 0) return -1;
    for (int i = 0; i < MARK_LISTS; i++) {
        PyObject **items = PySequence_Fast_ITEMS(mark->held[i]);
        for (Py_ssize_t k = 0; k < mark->count[i]; k++) {
            if (text_of(items[k], &mark->list[i][k]) < 0) return -1;
        }
    }
    return 0;
}

/* Keys packed in one string (``packed_keys.pack_keys``): six fields, then the first text,
 * split by ``FIELD_SEPARATOR``; the items of a field split by ``ITEM_SEPARATOR``. An empty
 * field is one empty item, but for ``distinctive``, where it is none (as ``unpack_keys``
 * reads it). */
static int packed_read(PyObject *packed, Mark *mark) {
    Text whole;
    if (text_of(packed, &whole) < 0) return -1;
    Py_ssize_t ends[MARK_LISTS], c = 0;
    for (int field = 0; field < MARK_LISTS; field++) {
        Py_ssize_t items = 1;
        for (; c < whole.length; c++) {
            Py_UCS4 ch = CHAR(whole, c);
            if (ch == FIELD_SEPARATOR) break;
            items += ch == ITEM_SEPARATOR;
        }
        if (c == whole.length) {
            PyErr_SetString(PyExc_ValueError, "a packed key string has too few fields");
            return -1;
        }
        ends[field] = c++;
        mark->count[field] = items;
    }
    if (ends[MARK_DISTINCTIVE] == ends[MARK_DISTINCTIVE - 1] + 1) mark->count[MARK_DISTINCTIVE] = 0;
    Py_ssize_t total = 0;
    for (int i = 0; i < MARK_LISTS; i++) total += mark->count[i];
    if (mark_reserve(mark, total) < 0) return -1;
    Py_ssize_t start = 0;
    for (int field = 0; field < MARK_LISTS; field++) {
        Py_ssize_t item = 0, from = start;
        for (Py_ssize_t at = start; at <= ends[field] && item < mark->count[field]; at++) {
            if (at == ends[field] || CHAR(whole, at) == ITEM_SEPARATOR) {
                mark->list[field][item++] = (Text){
                    whole.kind, (const char *)whole.data + from * whole.kind, at - from};
                from = at + 1;
            }
        }
        start = ends[field] + 1;
    }
    return 0;
}

/* A mark's keys, from a key document or a packed string. The pinyin and phonetic lists are read
 * by the pinyin list's length, as ``_sound`` reads them. */
static int mark_read(PyObject *doc, Mark *mark) {
    memset(mark, 0, offsetof(Mark, stack));
    int read = PyUnicode_Check(doc) ? packed_read(doc, mark) : document_read(doc, mark);
    if (read == 0 && mark->count[MARK_FORMS] != FORMS(mark)) {
        PyErr_SetString(PyExc_ValueError, "a key document's form lists differ in length");
        read = -1;
    }
    if (read < 0) mark_clear(mark);
    return read;
}

/* --- dimensions (``scoring._words`` and the rest, without evidence) --------------------------- */

/* ``_apart``: no shared character, one word on each side. */
static int apart(const Query *query, const Mark *mark) {
    if (query->spaced) return 0;
    for (Py_ssize_t i = 0; i < FORMS(mark); i++) {
        Text compact = mark->list[MARK_COMPACTS][i], form = mark->list[MARK_FORMS][i];
        for (Py_ssize_t c = 0; c < compact.length; c++) {
            if (contains_char(query->all_chars, query->all_count, CHAR(compact, c))) return 0;
        }
        if (has_space(form)) return 0;
    }
    return 1;
}

/* Which forms gave a dimension its best similarity, and how (for its evidence). */
typedef struct {
    Py_ssize_t q, m; /* the query's form, the mark's form */
    int how;
} Found;

enum { HOW_NONE, WORDS_SAME, WORDS_RATIO, WORDS_CONTAINED, SOUND_HOMOPHONE, SOUND_PINYIN,
       SOUND_METAPHONE };

static int words(const Query *query, const Mark *mark, const Weights *weights, double *best,
                 Found *found) {
    *best = 0.0;
    *found = (Found){0, 0, HOW_NONE};
    for (Py_ssize_t qi = 0; qi < query->forms; qi++) {
        Text q_compact = query->compact_text[qi];
        for (Py_ssize_t mi = 0; mi < FORMS(mark); mi++) {
            Text m_compact = mark->list[MARK_COMPACTS][mi];
            double similarity;
            int how = WORDS_RATIO;
            if (q_compact.length && same_text(q_compact, m_compact)) {
                similarity = 1.0;
                how = WORDS_SAME;
            } else {
                similarity = text_ratio(q_compact, m_compact);
                if (similarity < 0) return -1;
                Text m_form = mark->list[MARK_FORMS][mi];
                if (query->form_spaced[qi] || has_space(m_form)) {
                    PyObject *form = PyUnicode_FromKindAndData(m_form.kind, m_form.data,
                                                               m_form.length);
                    if (form == NULL) return -1;
                    PyObject *args[2] = {query->form[qi], form};
                    PyObject *ratio = PyObject_Vectorcall(token_set_ratio, args, 2, NULL);
                    Py_DECREF(form);
                    if (ratio == NULL) return -1;
                    double token_set = PyFloat_AsDouble(ratio) / 100.0;
                    Py_DECREF(ratio);
                    if (token_set == -1.0 / 100.0 && PyErr_Occurred()) return -1;
                    if (token_set > similarity) similarity = token_set;
                }
                if (q_compact.length >= 2 && similarity < weights->containment &&
                    text_contains(m_compact, q_compact)) {
                    similarity = weights->containment;
                    how = WORDS_CONTAINED;
                }
            }
            if (similarity > *best) {
                *best = similarity;
                *found = (Found){qi, mi, how};
            }
        }
    }
    return 0;
}

static int in_list(const Text *items, Py_ssize_t count, Text word) {
    for (Py_ssize_t i = 0; i < count; i++) {
        if (same_text(word, items[i])) return 1;
    }
    return 0;
}

static int distinctive(const Query *query, const Mark *mark, double *similarity) {
    PyObject **words = PySequence_Fast_ITEMS(query->distinctive);
    Py_ssize_t count = PySequence_Fast_GET_SIZE(query->distinctive);
    double total = 0.0;
    for (Py_ssize_t w = 0; w < count; w++) {
        Text word;
        if (text_of(words[w], &word) < 0) return -1;
        if (in_list(mark->list[MARK_DISTINCTIVE], mark->count[MARK_DISTINCTIVE], word)) {
            total += 1.0;
            continue;
        }
        if (word.length >= 2) {
            for (Py_ssize_t m = 0; m < mark->count[MARK_DISTINCTIVE]; m++) {
                if (text_contains(mark->list[MARK_DISTINCTIVE][m], word)) {
                    total += 0.75;
                    break;
                }
            }
        }
    }
    *similarity = total / (double)count;
    if (*similarity < 1.0 && count > 1) {
        Text joined;
        if (text_of(query->joined, &joined) < 0) return -1;
        if (in_list(mark->list[MARK_DISTINCTIVE], mark->count[MARK_DISTINCTIVE], joined))
            *similarity = 1.0;
    }
    return 0;
}

/* ``_glyph_similarity``: the best Jaccard of the forms' character sets. */
static int glyph(const Query *query, const Mark *mark, double *best) {
    *best = 0.0;
    for (Py_ssize_t mi = 0; mi < FORMS(mark); mi++) {
        Text compact = mark->list[MARK_COMPACTS][mi];
        if (!compact.length) continue;
        Py_UCS4 stack[64];
        Py_UCS4 *chars = compact.length <= 64 ? stack : PyMem_Malloc(compact.length * sizeof(Py_UCS4));
        if (chars == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        for (Py_ssize_t c = 0; c < compact.length; c++) chars[c] = CHAR(compact, c);
        Py_ssize_t mark_count = distinct(chars, compact.length);
        for (Py_ssize_t qi = 0; qi < query->forms; qi++) {
            Py_ssize_t query_count = query->char_count[qi];
            if (!query_count) continue;
            Py_ssize_t shared = 0;
            for (Py_ssize_t c = 0; c < mark_count; c++) {
                shared += contains_char(query->chars[qi], query_count, chars[c]);
            }
            double similarity = (double)shared / (double)(query_count + mark_count - shared);
            if (similarity > *best) *best = similarity;
        }
        if (chars != stack) PyMem_Free(chars);
    }
    return 0;
}

/* ``str.split()``: the runs of non-whitespace of ``text``, as views into it, in ``words``
 * (room for ``(length + 1) / 2``, the most a text can hold). */
static Py_ssize_t split_words(Text text, Text *words) {
    Py_ssize_t count = 0, c = 0;
    while (c < text.length) {
        while (c < text.length && Py_UNICODE_ISSPACE(CHAR(text, c))) c++;
        if (c == text.length) break;
        Py_ssize_t start = c;
        while (c < text.length && !Py_UNICODE_ISSPACE(CHAR(text, c))) c++;
        words[count++] = (Text){text.kind, (const char *)text.data + start * text.kind, c - start};
    }
    return count;
}

typedef struct {
    double similarity;
    int applies, homophone;
} Sound;

/* ``_sound``: a homophone of the whole mark, else the best pinyin or metaphone similarity. */
static int sound(const Query *query, const Mark *mark, const Weights *weights, Sound *result,
                 Found *found) {
    *found = (Found){0, 0, HOW_NONE};
    double best = 0.0, best_value = 0.0;
    int homophone = 0, applies = 0;
    Py_ssize_t plains = mark->count[MARK_PLAIN];
    if (mark->count[MARK_TONED] < plains || mark->count[MARK_PHONETIC] < plains ||
        FORMS(mark) < plains) {
        PyErr_SetString(PyExc_ValueError, "a key document's pinyin lists differ in length");
        return -1;
    }
    Text stack_words[STACK_WORDS];
    for (Py_ssize_t qi = 0; qi < query->forms; qi++) {
        Text q_plain = query->plain_text[qi], q_key = query->phonetic[qi];
        for (Py_ssize_t mi = 0; mi < plains; mi++) {
            Text m_plain = mark->list[MARK_PLAIN][mi];
            if (q_plain.length && m_plain.length) {
                applies = 1;
                double similarity, value;
                int is_homophone = 0;
                Text m_compact = mark->list[MARK_COMPACTS][mi];
                /* one syllable per character: the mark is wholly Chinese too */
                if (query->wholly_han[qi] && same_text(q_plain, m_plain) &&
                    count_spaces(m_plain) + 1 == m_compact.length) {
                    Text m_toned = mark->list[MARK_TONED][mi];
                    similarity = same_text(query->toned[qi], m_toned) ? 1.0 : weights->tones_differ;
                    value = similarity * weights->same_sound;
                    is_homophone = 1;
                } else {
                    Py_ssize_t room = (m_plain.length + 1) / 2; /* the most words it holds */
                    Text *m_words = room <= STACK_WORDS ? stack_words
                                                        : PyMem_Malloc((size_t)room * sizeof(Text));
                    if (m_words == NULL) {
                        PyErr_NoMemory();
                        return -1;
                    }
                    Py_ssize_t count = split_words(m_plain, m_words);
                    Py_ssize_t common = lcs(query->syllable[qi], query->syllables[qi], m_words,
                                            count, equal_words);
                    if (m_words != stack_words) PyMem_Free(m_words);
                    if (common < 0) return -1;
                    similarity = indel_ratio(common, query->syllables[qi] + count);
                    if (similarity < weights->pinyin_contained &&
                        text_contains(m_plain, q_plain))
                        similarity = weights->pinyin_contained;
                    value = similarity * weights->sound;
                }
                if (value > best_value || (value == best_value && similarity > best)) {
                    best = similarity;
                    best_value = value;
                    homophone = is_homophone;
                    *found = (Found){qi, mi, is_homophone ? SOUND_HOMOPHONE : SOUND_PINYIN};
                }
            }
            Text m_key = mark->list[MARK_PHONETIC][mi];
            if (q_key.length && m_key.length) {
                applies = 1;
                double ratio = text_ratio(q_key, m_key);
                if (ratio < 0) return -1;
                double similarity = weights->phonetic_share * ratio;
                double value = similarity * weights->sound;
                if (value > best_value || (value == best_value && similarity > best)) {
                    best = similarity;
                    best_value = value;
                    homophone = 0;
                    *found = (Found){qi, mi, SOUND_METAPHONE};
                }
            }
        }
    }
    result->similarity = best;
    result->applies = applies;
    result->homophone = homophone;
    return 0;
}

/* ``_classes``: a shared similar group, else a shared Nice class (-1: does not apply). */
static int classes(PyObject *wanted_classes, PyObject *wanted_groups, PyObject *mark_classes,
                   PyObject *mark_groups, const Weights *weights, double *similarity) {
    if (!PySet_GET_SIZE(wanted_classes) && !PySet_GET_SIZE(wanted_groups)) return 0;
    PyObject *pairs[2][2] = {{wanted_groups, mark_groups}, {wanted_classes, mark_classes}};
    double values[2] = {1.0, weights->same_class};
    for (int k = 0; k < 2; k++) {
        PyObject *fast = PySequence_Fast(pairs[k][1], "mark classes and groups");
        if (fast == NULL) return -1;
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(fast); i++) {
            int found = PySet_Contains(pairs[k][0], PySequence_Fast_GET_ITEM(fast, i));
            if (found) {
                Py_DECREF(fast);
                if (found < 0) return -1;
                *similarity = values[k];
                return 1;
            }
        }
        Py_DECREF(fast);
    }
    *similarity = 0.0;
    return 1;
}

/* --- total ---------------------------------------------------------------------------------- */

static int mark_total(const Query *query, PyObject *doc, PyObject *wanted_classes,
                      PyObject *wanted_groups, PyObject *mark_classes, PyObject *mark_groups,
                      const Weights *weights, double *result) {
    Mark mark;
    if (mark_read(doc, &mark) < 0) return -1;
    int ok = -1;
    double word_similarity = 0.0, distinctive_similarity = 0.0, glyph_similarity = 0.0;
    double class_similarity = 0.0;
    Found unread;
    int mark_chars = 0;
    for (Py_ssize_t i = 0; i < FORMS(&mark) && !mark_chars; i++) {
        mark_chars = mark.list[MARK_COMPACTS][i].length > 0;
    }
    int glyph_applies = query->has_chars && mark_chars;
    int words_apply = query->compact_text[0].length > 0;
    int distinctive_applies = PySequence_Fast_GET_SIZE(query->distinctive) > 0;
    int is_apart = apart(query, &mark);
    if (is_apart < 0) goto done;
    if (!is_apart) {
        if (words(query, &mark, weights, &word_similarity, &unread) < 0) goto done;
        if (distinctive_applies && distinctive(query, &mark, &distinctive_similarity) < 0)
            goto done;
        if (glyph_applies && glyph(query, &mark, &glyph_similarity) < 0) goto done;
    }
    Sound heard;
    if (sound(query, &mark, weights, &heard, &unread) < 0) goto done;
    int classes_apply = classes(wanted_classes, wanted_groups, mark_classes, mark_groups, weights,
                                &class_similarity);
    if (classes_apply < 0) goto done;
    double w_words = words_apply ? weights->words : 0.0;
    double w_distinctive = distinctive_applies ? weights->distinctive : 0.0;
    double w_sound = heard.homophone ? weights->same_sound : heard.applies ? weights->sound : 0.0;
    double w_glyph = glyph_applies ? weights->glyph : 0.0;
    double w_classes = classes_apply ? weights->classes : 0.0;
    double denominator = w_words + w_distinctive + w_sound + w_glyph + w_classes;
    if (denominator == 0.0) {
        *result = 0.0;
    } else {
        *result = word_similarity * w_words / denominator +
                  distinctive_similarity * w_distinctive / denominator +
                  heard.similarity * w_sound / denominator +
                  glyph_similarity * w_glyph / denominator +
                  class_similarity * w_classes / denominator;
    }
    ok = 0;
done:
    mark_clear(&mark);
    return ok;
}

static int weights_read(PyObject *values, Weights *weights) {
    double parsed[11];
    PyObject *fast = sequence(values, 11, "weights");
    if (fast == NULL) return -1;
    for (int i = 0; i < 11; i++) {
        parsed[i] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(fast, i));
        if (parsed[i] == -1.0 && PyErr_Occurred()) {
            Py_DECREF(fast);
            return -1;
        }
    }
    Py_DECREF(fast);
    *weights = (Weights){parsed[0], parsed[1], parsed[2], parsed[3], parsed[4], parsed[5],
                         parsed[6], parsed[7], parsed[8], parsed[9], parsed[10]};
    return 0;
}

/* What both entry points are given: a query, the marks' key documents, classes and groups, the
 * wanted classes and groups, and the weights. */
typedef struct {
    Query query;
    Weights weights;
    PyObject *docs, *classes, *groups; /* fast sequences of ``count`` items */
    PyObject *wanted_classes, *wanted_groups;
    Py_ssize_t count;
} Batch;

static int batch_read(PyObject *const *args, Batch *batch) {
    batch->wanted_classes = args[4];
    batch->wanted_groups = args[5];
    if (!PyAnySet_Check(batch->wanted_classes) || !PyAnySet_Check(batch->wanted_groups)) {
        PyErr_SetString(PyExc_TypeError, "wanted classes and groups must be sets");
        return -1;
    }
    if (weights_read(args[6], &batch->weights) < 0) return -1;
    batch->docs = sequence(args[1], -1, "docs");
    if (batch->docs == NULL) return -1;
    batch->count = PySequence_Fast_GET_SIZE(batch->docs);
    batch->classes = sequence(args[2], batch->count, "classes");
    batch->groups = batch->classes ? sequence(args[3], batch->count, "groups") : NULL;
    if (batch->groups == NULL || query_read(args[0], &batch->query) < 0) {
        Py_XDECREF(batch->groups);
        Py_XDECREF(batch->classes);
        Py_DECREF(batch->docs);
        return -1;
    }
    return 0;
}

static void batch_clear(Batch *batch) {
    query_clear(&batch->query);
    Py_DECREF(batch->docs);
    Py_DECREF(batch->classes);
    Py_DECREF(batch->groups);
}

static PyObject *totals(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 7) {
        PyErr_SetString(PyExc_TypeError,
                        "totals(query, docs, classes, groups, wanted_classes, wanted_groups, "
                        "weights)");
        return NULL;
    }
    Batch batch;
    if (batch_read(args, &batch) < 0) return NULL;
    PyObject *result = PyList_New(batch.count);
    for (Py_ssize_t i = 0; i < batch.count && result != NULL; i++) {
        double value;
        PyObject *number = NULL;
        if (mark_total(&batch.query, PySequence_Fast_GET_ITEM(batch.docs, i),
                       batch.wanted_classes, batch.wanted_groups,
                       PySequence_Fast_GET_ITEM(batch.classes, i),
                       PySequence_Fast_GET_ITEM(batch.groups, i), &batch.weights, &value) == 0)
            number = PyFloat_FromDouble(value);
        if (number == NULL) {
            Py_CLEAR(result);
            break;
        }
        PyList_SET_ITEM(result, i, number);
    }
    batch_clear(&batch);
    return result;
}

/* --- explained dimensions (``scoring._dimensions``: the similarities with their evidence) ---- */

static PyObject *text_object(Text text) {
    return PyUnicode_FromKindAndData(text.kind, text.data, text.length);
}

static PyObject *words_evidence(const Query *query, const Mark *mark, Found found) {
    if (found.how == HOW_NONE) return PyUnicode_FromString("no similar wording");
    PyObject *m_form = text_object(mark->list[MARK_FORMS][found.m]);
    if (m_form == NULL) return NULL;
    PyObject *q_form = query->form[found.q], *evidence;
    if (found.how == WORDS_SAME) {
        evidence = PyUnicode_FromFormat("same wording '%U'", m_form);
    } else if (found.how == WORDS_RATIO) {
        evidence = PyUnicode_FromFormat("'%U' ~ '%U'", q_form, m_form);
    } else {
        evidence = PyUnicode_FromFormat("'%U' contained in '%U'", q_form, m_form);
    }
    Py_DECREF(m_form);
    return evidence;
}

/* ``_distinctive``'s similarity (in ``distinctive``'s arithmetic) and the words it found. */
static PyObject *distinctive_evidence(const Query *query, const Mark *mark, double *similarity) {
    Py_ssize_t count = PySequence_Fast_GET_SIZE(query->distinctive);
    *similarity = 0.0;
    if (!count) return PyUnicode_FromString("query has no distinctive word");
    PyObject **words = PySequence_Fast_ITEMS(query->distinctive);
    PyObject *found = PyList_New(0);
    if (found == NULL) return NULL;
    double total = 0.0;
    for (Py_ssize_t w = 0; w < count; w++) {
        Text word;
        if (text_of(words[w], &word) < 0) goto fail;
        if (in_list(mark->list[MARK_DISTINCTIVE], mark->count[MARK_DISTINCTIVE], word)) {
            total += 1.0;
            if (PyList_Append(found, words[w]) < 0) goto fail;
            continue;
        }
        if (word.length < 2) continue;
        for (Py_ssize_t m = 0; m < mark->count[MARK_DISTINCTIVE]; m++) {
            if (text_contains(mark->list[MARK_DISTINCTIVE][m], word)) {
                total += 0.75;
                PyObject *part = PyUnicode_Concat(words[w], WITHIN);
                int appended = part ? PyList_Append(found, part) : -1;
                Py_XDECREF(part);
                if (appended < 0) goto fail;
                break;
            }
        }
    }
    *similarity = total / (double)count;
    if (*similarity < 1.0 && count > 1) {
        Text joined;
        if (text_of(query->joined, &joined) < 0) goto fail;
        if (in_list(mark->list[MARK_DISTINCTIVE], mark->count[MARK_DISTINCTIVE], joined)) {
            /* MAGNA BEAUTY vs MAGNABEAUTY: the same words, written together */
            *similarity = 1.0;
            PyObject *spaced = PyUnicode_Join(SPACE, query->distinctive);
            PyObject *same = spaced ? PyUnicode_FromFormat("%U = %U", spaced, query->joined) : NULL;
            Py_XDECREF(spaced);
            if (same == NULL) goto fail;
            Py_SETREF(found, PyList_New(1));
            if (found == NULL) {
                Py_DECREF(same);
                return NULL;
            }
            PyList_SET_ITEM(found, 0, same);
        }
    }
    PyObject *evidence;
    if (PyList_GET_SIZE(found)) {
        PyObject *listed = PyUnicode_Join(COMMA, found);
        evidence = listed ? PyUnicode_FromFormat("shared: %U", listed) : NULL;
        Py_XDECREF(listed);
    } else {
        evidence = PyUnicode_FromString("no shared distinctive word");
    }
    Py_DECREF(found);
    return evidence;
fail:
    Py_DECREF(found);
    return NULL;
}

static PyObject *sound_evidence(const Query *query, const Mark *mark, Found found) {
    if (found.how == HOW_NONE) return PyUnicode_FromString("no similar sound");
    PyObject *const *q_keys = PySequence_Fast_ITEMS(
        query->held[found.how == SOUND_METAPHONE ? HELD_PHONETIC : HELD_PLAIN]);
    int list = found.how == SOUND_METAPHONE ? MARK_PHONETIC : MARK_PLAIN;
    PyObject *m_key = text_object(mark->list[list][found.m]), *evidence;
    if (m_key == NULL) return NULL;
    const char *tones = same_text(query->toned[found.q], mark->list[MARK_TONED][found.m])
                            ? "same tones"
                            : "tones differ";
    if (found.how == SOUND_METAPHONE) {
        evidence = PyUnicode_FromFormat("phonetic key %U ~ %U", q_keys[found.q], m_key);
    } else if (found.how == SOUND_HOMOPHONE) {
        evidence = PyUnicode_FromFormat("pronounced as the whole mark: '%U' (%s)", m_key, tones);
    } else {
        evidence = PyUnicode_FromFormat("pinyin '%U' ~ '%U' (%s)", q_keys[found.q], m_key, tones);
    }
    Py_DECREF(m_key);
    return evidence;
}

/* The first text of a mark's keys: a packed string's last field, or ``texts[0]``. */
static PyObject *first_text(PyObject *doc) {
    if (!PyUnicode_Check(doc)) {
        PyObject *texts = PyObject_GetItem(doc, KEY_TEXTS);
        PyObject *text = texts ? PySequence_GetItem(texts, 0) : NULL;
        Py_XDECREF(texts);
        return text;
    }
    Text whole;
    if (text_of(doc, &whole) < 0) return NULL;
    Py_ssize_t at = 0;
    for (int field = 0; field < MARK_LISTS; at++) field += CHAR(whole, at) == FIELD_SEPARATOR;
    return PyUnicode_Substring(doc, at, whole.length);
}

/* ``_glyph``: the best Jaccard of the forms' character sets, the query's forms outermost as
 * there (the first best pair names the shared characters), and its evidence. */
static PyObject *glyph_evidence(const Query *query, PyObject *prepared, PyObject *doc,
                                const Mark *mark, PyObject *equal_after, double *similarity,
                                int *applies) {
    *similarity = 0.0;
    *applies = 0;
    Py_ssize_t forms = FORMS(mark), total = 0;
    for (Py_ssize_t mi = 0; mi < forms; mi++) total += mark->list[MARK_COMPACTS][mi].length;
    if (!query->has_chars || !total) return PyUnicode_FromString("no characters to compare");
    *applies = 1;
    Py_UCS4 *chars = PyMem_Malloc((size_t)total * sizeof(Py_UCS4));
    Py_ssize_t *start = PyMem_Malloc((size_t)(forms + 1) * sizeof(Py_ssize_t));
    Py_ssize_t *count = PyMem_Malloc((size_t)forms * sizeof(Py_ssize_t));
    PyObject *evidence = NULL;
    if (chars == NULL || start == NULL || count == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    start[0] = 0;
    for (Py_ssize_t mi = 0; mi < forms; mi++) {
        Text compact = mark->list[MARK_COMPACTS][mi];
        for (Py_ssize_t c = 0; c < compact.length; c++) chars[start[mi] + c] = CHAR(compact, c);
        count[mi] = distinct(chars + start[mi], compact.length);
        start[mi + 1] = start[mi] + compact.length;
    }
    double best = 0.0;
    Py_ssize_t best_q = -1, best_m = -1, best_shared = 0;
    for (Py_ssize_t qi = 0; qi < query->forms; qi++) {
        for (Py_ssize_t mi = 0; mi < forms; mi++) {
            Py_ssize_t query_count = query->char_count[qi];
            if (!query_count || !count[mi]) continue;
            Py_ssize_t shared = 0;
            for (Py_ssize_t c = 0; c < count[mi]; c++) {
                shared += contains_char(query->chars[qi], query_count, chars[start[mi] + c]);
            }
            double value = (double)shared / (double)(query_count + count[mi] - shared);
            if (value > best) {
                best = value;
                best_q = qi;
                best_m = mi;
                best_shared = shared;
            }
        }
    }
    *similarity = best;
    if (best_q < 0) {
        evidence = PyUnicode_FromString("no shared characters");
        goto done;
    }
    int same_compact = 0;
    for (Py_ssize_t qi = 0; qi < query->forms && !same_compact; qi++) {
        for (Py_ssize_t mi = 0; mi < forms && !same_compact; mi++) {
            same_compact = same_text(query->compact_text[qi], mark->list[MARK_COMPACTS][mi]);
        }
    }
    if (same_compact) { /* which foldings made them equal: ``_equal_after`` names them */
        PyObject *fields = PyObject_GetAttrString(prepared, "fields");
        PyObject *texts = fields ? PyObject_GetAttrString(fields, "texts") : NULL;
        PyObject *query_text = texts ? PySequence_GetItem(texts, 0) : NULL;
        PyObject *mark_text = query_text ? first_text(doc) : NULL;
        if (mark_text != NULL) {
            evidence = PyObject_CallFunctionObjArgs(equal_after, query_text, mark_text, NULL);
        }
        Py_XDECREF(mark_text);
        Py_XDECREF(query_text);
        Py_XDECREF(texts);
        Py_XDECREF(fields);
        goto done;
    }
    /* the shared characters in code point order, twenty at most */
    Py_UCS4 shown[20];
    Py_ssize_t kept = 0;
    for (Py_ssize_t c = 0; c < query->char_count[best_q] && kept < 20; c++) {
        Py_UCS4 ch = query->chars[best_q][c];
        if (contains_char(chars + start[best_m], count[best_m], ch)) shown[kept++] = ch;
    }
    PyObject *listed = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, shown, kept);
    if (listed != NULL) {
        evidence = PyUnicode_FromFormat("%zd shared characters: %U", best_shared, listed);
        Py_DECREF(listed);
    }
done:
    PyMem_Free(chars);
    PyMem_Free(start);
    PyMem_Free(count);
    return evidence;
}

/* ``wanted & marks`` of a mark's classes or groups, sorted (a new list). */
static PyObject *sorted_shared(PyObject *wanted, PyObject *marks) {
    PyObject *shared = PySet_New(NULL);
    PyObject *fast = shared ? PySequence_Fast(marks, "mark classes and groups") : NULL;
    if (fast == NULL) {
        Py_XDECREF(shared);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(fast); i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(fast, i);
        int found = PySet_Contains(wanted, item);
        if (found < 0 || (found && PySet_Add(shared, item) < 0)) {
            Py_DECREF(fast);
            Py_DECREF(shared);
            return NULL;
        }
    }
    Py_DECREF(fast);
    PyObject *listed = PySequence_List(shared);
    Py_DECREF(shared);
    if (listed != NULL && PyList_Sort(listed) < 0) Py_CLEAR(listed);
    return listed;
}

/* ``_classes`` with its evidence. */
static PyObject *classes_evidence(PyObject *wanted_classes, PyObject *wanted_groups,
                                  PyObject *mark_classes, PyObject *mark_groups,
                                  const Weights *weights, double *similarity, int *applies) {
    *similarity = 0.0;
    *applies = PySet_GET_SIZE(wanted_classes) || PySet_GET_SIZE(wanted_groups);
    if (!*applies) return PyUnicode_FromString("no classes or groups asked for");
    PyObject *groups = sorted_shared(wanted_groups, mark_groups), *evidence = NULL;
    if (groups == NULL) return NULL;
    if (PyList_GET_SIZE(groups)) {
        *similarity = 1.0;
        PyObject *listed = PyUnicode_Join(COMMA, groups);
        evidence = listed ? PyUnicode_FromFormat("shared similar groups %U", listed) : NULL;
        Py_XDECREF(listed);
        Py_DECREF(groups);
        return evidence;
    }
    Py_DECREF(groups);
    PyObject *classes = sorted_shared(wanted_classes, mark_classes);
    if (classes == NULL) return NULL;
    if (PyList_GET_SIZE(classes)) {
        *similarity = weights->same_class;
        evidence = PyUnicode_FromFormat("shared Nice classes %R", classes);
    } else {
        evidence = PyUnicode_FromString("no shared class or group");
    }
    Py_DECREF(classes);
    return evidence;
}

/* Every dimension of one mark, weighed as ``scoring._scored`` weighs them (its arithmetic, in
 * its order), in ``Dimension`` order. */
typedef struct {
    double total;
    double similarity[5], applied[5], contribution[5];
    int matched[5];
    PyObject *evidence[5]; /* owned */
} Weighed;

static void weighed_clear(Weighed *weighed) {
    for (int i = 0; i < 5; i++) Py_CLEAR(weighed->evidence[i]);
}

static int mark_weighed(const Query *query, PyObject *prepared, PyObject *doc,
                        PyObject *wanted_classes, PyObject *wanted_groups, PyObject *mark_classes,
                        PyObject *mark_groups, const Weights *weights, double matched_at,
                        PyObject *equal_after, Weighed *weighed) {
    memset(weighed, 0, sizeof(*weighed));
    Mark mark;
    if (mark_read(doc, &mark) < 0) return -1;
    double *similarity = weighed->similarity;
    PyObject **evidence = weighed->evidence;
    int applies[5] = {0, 0, 0, 0, 0}, ok = -1;
    Found found;
    Sound heard;
    if (words(query, &mark, weights, &similarity[0], &found) < 0) goto done;
    applies[0] = query->compact_text[0].length > 0;
    if ((evidence[0] = words_evidence(query, &mark, found)) == NULL) goto done;
    applies[1] = PySequence_Fast_GET_SIZE(query->distinctive) > 0;
    if ((evidence[1] = distinctive_evidence(query, &mark, &similarity[1])) == NULL) goto done;
    if (sound(query, &mark, weights, &heard, &found) < 0) goto done;
    similarity[2] = heard.similarity;
    applies[2] = heard.applies;
    if ((evidence[2] = sound_evidence(query, &mark, found)) == NULL) goto done;
    evidence[3] = glyph_evidence(query, prepared, doc, &mark, equal_after, &similarity[3],
                                 &applies[3]);
    if (evidence[3] == NULL) goto done;
    evidence[4] = classes_evidence(wanted_classes, wanted_groups, mark_classes, mark_groups,
                                   weights, &similarity[4], &applies[4]);
    if (evidence[4] == NULL) goto done;
    const double base[5] = {weights->words, weights->distinctive, weights->sound, weights->glyph,
                            weights->classes};
    double *applied = weighed->applied, denominator = 0.0;
    for (int i = 0; i < 5; i++) applied[i] = applies[i] ? base[i] : 0.0;
    if (heard.homophone) applied[2] = weights->same_sound;
    for (int i = 0; i < 5; i++) denominator += applied[i];
    for (int i = 0; i < 5; i++) {
        weighed->contribution[i] =
            denominator != 0.0 ? similarity[i] * applied[i] / denominator : 0.0;
        weighed->total += weighed->contribution[i];
        weighed->matched[i] = applies[i] && similarity[i] >= matched_at;
    }
    ok = 0;
done:
    if (ok < 0) weighed_clear(weighed);
    mark_clear(&mark);
    return ok;
}

/* ``(total, ((matched, similarity, weight, contribution, evidence), ...))``. */
static PyObject *weighed_tuple(const Weighed *weighed) {
    PyObject *dimensions = PyTuple_New(5);
    if (dimensions == NULL) return NULL;
    for (int i = 0; i < 5; i++) {
        PyObject *item = Py_BuildValue("(NdddO)", PyBool_FromLong(weighed->matched[i]),
                                       weighed->similarity[i], weighed->applied[i],
                                       weighed->contribution[i], weighed->evidence[i]);
        if (item == NULL) {
            Py_DECREF(dimensions);
            return NULL;
        }
        PyTuple_SET_ITEM(dimensions, i, item);
    }
    return Py_BuildValue("(dN)", weighed->total, dimensions);
}

/* --- a score as JSON (``scoring.score_document`` written by orjson) --------------------------- */

static PyObject *orjson_dumps; /* orjson.dumps: how a number is written */

/* A growing byte string. */
typedef struct {
    char *data;
    Py_ssize_t length, room;
} Json;

static int json_reserve(Json *json, Py_ssize_t more) {
    if (json->length + more <= json->room) return 0;
    Py_ssize_t room = json->room ? json->room : 1024;
    while (room < json->length + more) room *= 2;
    char *data = PyMem_Realloc(json->data, (size_t)room);
    if (data == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    json->data = data;
    json->room = room;
    return 0;
}

static int json_write(Json *json, const char *bytes, Py_ssize_t length) {
    if (json_reserve(json, length) < 0) return -1;
    memcpy(json->data + json->length, bytes, (size_t)length);
    json->length += length;
    return 0;
}

#define JSON_LITERAL(json, text) json_write((json), (text), (Py_ssize_t)sizeof(text) - 1)

/* ``text`` as a JSON string, escaped as orjson escapes it: the quote, the backslash, and the
 * control characters (\b \t \n \f \r by name, the others as \u00xx); all else as UTF-8. */
static int json_string(Json *json, PyObject *text) {
    Py_ssize_t length;
    const char *utf8 = PyUnicode_AsUTF8AndSize(text, &length);
    if (utf8 == NULL || json_reserve(json, 6 * length + 2) < 0) return -1;
    static const char hex[] = "0123456789abcdef";
    char *out = json->data + json->length;
    *out++ = '"';
    for (Py_ssize_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)utf8[i];
        if (c == '"' || c == '\\') {
            *out++ = '\\';
            *out++ = (char)c;
        } else if (c >= 0x20) {
            *out++ = (char)c;
        } else if (c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r') {
            *out++ = '\\';
            *out++ = c == '\b' ? 'b' : c == '\t' ? 't' : c == '\n' ? 'n' : c == '\f' ? 'f' : 'r';
        } else {
            memcpy(out, "\\u00", 4);
            out[4] = hex[c >> 4];
            out[5] = hex[c & 15];
            out += 6;
        }
    }
    *out++ = '"';
    json->length = out - json->data;
    return 0;
}

/* ``round(value, digits)`` as orjson writes it, the slow way: ``round`` writes the value
 * correctly rounded to ``digits`` decimals and reads it back, as this does with the same
 * conversions (David Gay's, as CPython builds them); then orjson writes that float. */
static int json_rounded_slowly(Json *json, double value, int digits) {
    char *text = PyOS_double_to_string(value, 'f', digits, 0, NULL);
    if (text == NULL) return -1;
    double rounded = PyOS_string_to_double(text, NULL, NULL);
    PyMem_Free(text);
    if (rounded == -1.0 && PyErr_Occurred()) return -1;
    PyObject *number = PyFloat_FromDouble(rounded);
    PyObject *written = number ? PyObject_CallOneArg(orjson_dumps, number) : NULL;
    Py_XDECREF(number);
    if (written == NULL) return -1;
    int ok = PyBytes_Check(written)
                 ? json_write(json, PyBytes_AS_STRING(written), PyBytes_GET_SIZE(written))
                 : -1;
    if (!PyBytes_Check(written)) PyErr_SetString(PyExc_TypeError, "orjson.dumps gave no bytes");
    Py_DECREF(written);
    return ok;
}

static const double POWERS_OF_TEN[] = {1e0, 1e1, 1e2, 1e3, 1e4};

/* ``round(value, digits)`` as orjson writes it. A page writes some 300 numbers, each in [0, 10]:
 * ``value * 10**digits`` is then within 1e-11 of the exact product, so unless it lies within
 * 1e-9 of a tie its nearest integer ``n`` is the one ``round`` picks, and ``round`` gives the
 * double nearest ``n / 10**digits``. orjson writes a double as the shortest decimal that reads
 * back as it, and no other decimal of ``digits`` places lies within a double's spacing of
 * ``n / 10**digits``: so it writes ``n``'s digits with the point put back and trailing zeros
 * dropped, keeping one ("0.5", "1.0"). Anything else (and more than four places, where orjson
 * may write an exponent) takes the slow way. */
static int json_rounded(Json *json, double value, int digits) {
    if (!(value >= 0.0 && value <= 10.0) || digits > 4) {
        return json_rounded_slowly(json, value, digits);
    }
    double scaled = value * POWERS_OF_TEN[digits];
    double whole = floor(scaled), fraction = scaled - whole;
    if (fabs(fraction - 0.5) < 1e-9) return json_rounded_slowly(json, value, digits);
    uint64_t n = (uint64_t)whole + (fraction > 0.5);
    uint64_t unit = (uint64_t)POWERS_OF_TEN[digits];
    uint64_t integer = n / unit, rest = n % unit;
    char text[32];
    int length = 0;
    do { /* the integer part's digits, backwards (it is at most 10) */
        text[length++] = (char)('0' + integer % 10);
        integer /= 10;
    } while (integer);
    for (int i = 0; i < length / 2; i++) {
        char swapped = text[i];
        text[i] = text[length - 1 - i];
        text[length - 1 - i] = swapped;
    }
    text[length++] = '.';
    int places = digits;
    while (places > 1 && rest % 10 == 0) {
        rest /= 10;
        places--;
    }
    for (int place = places - 1; place >= 0; place--) {
        text[length + place] = (char)('0' + rest % 10);
        rest /= 10;
    }
    if (digits == 0) text[length++] = '0';
    else length += places;
    return json_write(json, text, length);
}

/* ``(total, json)``: the total, and ``orjson.dumps(scoring.score_document(score, digits))``
 * (each dimension named by ``names``), byte for byte. */
static PyObject *weighed_json(const Weighed *weighed, PyObject *names, int digits) {
    Json json = {NULL, 0, 0};
    int ok = JSON_LITERAL(&json, "{\"total\":") == 0 &&
             json_rounded(&json, weighed->total, digits) == 0 &&
             JSON_LITERAL(&json, ",\"breakdown\":[") == 0;
    for (int i = 0; i < 5 && ok; i++) {
        ok = (i == 0 || JSON_LITERAL(&json, ",") == 0) &&
             JSON_LITERAL(&json, "{\"dimension\":") == 0 &&
             json_string(&json, PySequence_Fast_GET_ITEM(names, i)) == 0 &&
             (weighed->matched[i] ? JSON_LITERAL(&json, ",\"matched\":true")
                                  : JSON_LITERAL(&json, ",\"matched\":false")) == 0 &&
             JSON_LITERAL(&json, ",\"similarity\":") == 0 &&
             json_rounded(&json, weighed->similarity[i], digits) == 0 &&
             JSON_LITERAL(&json, ",\"weight\":") == 0 &&
             json_rounded(&json, weighed->applied[i], digits) == 0 &&
             JSON_LITERAL(&json, ",\"contribution\":") == 0 &&
             json_rounded(&json, weighed->contribution[i], digits) == 0 &&
             JSON_LITERAL(&json, ",\"evidence\":") == 0 &&
             json_string(&json, weighed->evidence[i]) == 0 && JSON_LITERAL(&json, "}") == 0;
    }
    ok = ok && JSON_LITERAL(&json, "]}") == 0;
    PyObject *result = NULL;
    if (ok) {
        PyObject *bytes = PyBytes_FromStringAndSize(json.data, json.length);
        if (bytes != NULL) result = Py_BuildValue("(dN)", weighed->total, bytes);
    }
    PyMem_Free(json.data);
    return result;
}

/* What ``explained`` and ``scores_json`` write of each mark's ``Weighed``. */
typedef PyObject *(*WeighedWriter)(const Weighed *weighed, PyObject *names, int digits);

static PyObject *tuple_writer(const Weighed *weighed, PyObject *names, int digits) {
    (void)names;
    (void)digits;
    return weighed_tuple(weighed);
}

/* Each mark of the batch weighed, as ``write`` writes it. */
static PyObject *each_weighed(PyObject *const *args, double matched_at, WeighedWriter write,
                              PyObject *names, int digits) {
    Batch batch;
    if (batch_read(args, &batch) < 0) return NULL;
    PyObject *result = PyList_New(batch.count);
    for (Py_ssize_t i = 0; i < batch.count && result != NULL; i++) {
        Weighed weighed;
        PyObject *written = NULL;
        if (mark_weighed(&batch.query, args[0], PySequence_Fast_GET_ITEM(batch.docs, i),
                         batch.wanted_classes, batch.wanted_groups,
                         PySequence_Fast_GET_ITEM(batch.classes, i),
                         PySequence_Fast_GET_ITEM(batch.groups, i), &batch.weights, matched_at,
                         args[8], &weighed) == 0) {
            written = write(&weighed, names, digits);
            weighed_clear(&weighed);
        }
        if (written == NULL) {
            Py_CLEAR(result);
            break;
        }
        PyList_SET_ITEM(result, i, written);
    }
    batch_clear(&batch);
    return result;
}

static PyObject *explained(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 9) {
        PyErr_SetString(PyExc_TypeError,
                        "explained(query, docs, classes, groups, wanted_classes, wanted_groups, "
                        "weights, matched_at, equal_after)");
        return NULL;
    }
    double matched_at = PyFloat_AsDouble(args[7]);
    if (matched_at == -1.0 && PyErr_Occurred()) return NULL;
    return each_weighed(args, matched_at, tuple_writer, NULL, 0);
}

static PyObject *scores_json(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 11) {
        PyErr_SetString(PyExc_TypeError,
                        "scores_json(query, docs, classes, groups, wanted_classes, wanted_groups, "
                        "weights, matched_at, equal_after, names, digits)");
        return NULL;
    }
    double matched_at = PyFloat_AsDouble(args[7]);
    if (matched_at == -1.0 && PyErr_Occurred()) return NULL;
    int overflow;
    long digits = PyLong_AsLongAndOverflow(args[10], &overflow);
    if (digits == -1 && PyErr_Occurred()) return NULL;
    if (overflow || digits < 0 || digits > 15) {
        PyErr_SetString(PyExc_ValueError, "digits must be 0 to 15");
        return NULL;
    }
    PyObject *names = sequence(args[9], 5, "names");
    if (names == NULL) return NULL;
    for (int i = 0; i < 5; i++) {
        if (!PyUnicode_Check(PySequence_Fast_GET_ITEM(names, i))) {
            PyErr_SetString(PyExc_TypeError, "names must be five str");
            Py_DECREF(names);
            return NULL;
        }
    }
    PyObject *result = each_weighed(args, matched_at, weighed_json, names, (int)digits);
    Py_DECREF(names);
    return result;
}

static PyMethodDef methods[] = {
    {"totals", (PyCFunction)(void (*)(void))totals, METH_FASTCALL,
     "totals(query, docs, classes, groups, wanted_classes, wanted_groups, weights) -> list of "
     "``scoring.total`` of each mark."},
    {"explained", (PyCFunction)(void (*)(void))explained, METH_FASTCALL,
     "explained(query, docs, classes, groups, wanted_classes, wanted_groups, weights, "
     "matched_at, equal_after) -> list of each mark's total and weighed dimensions."},
    {"scores_json", (PyCFunction)(void (*)(void))scores_json, METH_FASTCALL,
     "scores_json(query, docs, classes, groups, wanted_classes, wanted_groups, weights, "
     "matched_at, equal_after, names, digits) -> list of each mark's total and score document "
     "as orjson writes it."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_totals", "ip_search.text.scoring.total of many marks, in C.", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__totals(void) {
    PyObject *fuzz = PyImport_ImportModule("rapidfuzz.fuzz");
    if (fuzz == NULL) return NULL;
    token_set_ratio = PyObject_GetAttrString(fuzz, "token_set_ratio");
    Py_DECREF(fuzz);
    if (token_set_ratio == NULL) return NULL;
    PyObject *orjson = PyImport_ImportModule("orjson");
    if (orjson == NULL) return NULL;
    orjson_dumps = PyObject_GetAttrString(orjson, "dumps");
    Py_DECREF(orjson);
    if (orjson_dumps == NULL) return NULL;
    const char *names[10] = {"forms", "compacts", "pinyin_toned", "pinyin_plain", "phonetic",
                             "distinctive", "texts", "\u2282", " ", ", "};
    PyObject **keys[10] = {&KEY_FORMS, &KEY_COMPACTS, &KEY_TONED, &KEY_PLAIN, &KEY_PHONETIC,
                           &KEY_DISTINCTIVE, &KEY_TEXTS, &WITHIN, &SPACE, &COMMA};
    for (int i = 0; i < 10; i++) {
        *keys[i] = PyUnicode_InternFromString(names[i]);
        if (*keys[i] == NULL) return NULL;
    }
    return PyModule_Create(&module);
}
