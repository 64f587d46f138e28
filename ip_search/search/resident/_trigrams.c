/* ``sql.words_source`` on the resident index, in C: marks whose text is similar in wording to
 * a Latin query by pg_trgm's word similarity (``:latin <% compact``), best first.
 *
 * PostgreSQL answers that source through its GIN trigram index; for a query of common
 * trigrams (``starstyle``) it merged posting lists of hundreds of thousands of rows and then
 * rechecked thousands of heap rows, 20-135 ms, about one cold similar search in a hundred.
 * Here the same candidates come from trigram postings held in memory, and the recheck runs
 * on the texts held beside them.
 *
 * What pg_trgm does, as its documentation and its results define it:
 * - a text is split into words (runs of letters and digits); each word, lower-cased and padded
 *   with two blanks before and one after, gives its trigrams (``"abc"``: ``"  a"``, ``" ab"``,
 *   ``"abc"``, ``"bc "``);
 * - the word similarity of a query to a text is found by one scan of the text's trigrams. The
 *   extent under consideration ends at each trigram the query shares; its start moves only
 *   forwards, to whichever later start scores best, and the best score any extent reached is
 *   the answer. A score is shared / (the query's distinct trigrams + the extent's distinct
 *   trigrams - shared), in single precision. The scan is reproduced as it is, not the true
 *   maximum over all extents, so both backends keep the same marks at the threshold.
 * Trigrams are compared by their characters. PostgreSQL stores a trigram holding a non-ASCII
 * character as a 24-bit hash, so two such trigrams in one text can, rarely, count as one there.
 *
 * Only trigrams of ASCII letters, digits and blanks are indexed (37 symbols, 50,653 codes): a
 * query with another trigram returns None, and PostgreSQL answers it.
 *
 * The arrays are read through the buffer protocol: texts as UTF-8 bytes, offsets ``int64``,
 * starts ``int64``, rows and marks ``int32``, classes ``uint64``, the scratch counts ``uint8``.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SYMBOLS 37
#define CODES (SYMBOLS * SYMBOLS * SYMBOLS)
#define NOT_INDEXED UINT32_MAX
#define MOST_QUERY_TRIGRAMS 255 /* the scratch counts are bytes */

typedef uint64_t Trigram; /* three code points, 21 bits each */

/* A character's symbol in the index's alphabet: 0 the blank, 1-36 digits and letters;
 * -1 for anything else. */
static int symbol_of(uint32_t c) {
    if (c == ' ') return 0;
    if (c >= '0' && c <= '9') return 1 + (int)(c - '0');
    if (c >= 'a' && c <= 'z') return 11 + (int)(c - 'a');
    return -1;
}

/* The index code of an ASCII trigram, or NOT_INDEXED. */
static uint32_t code_of(Trigram t) {
    int a = symbol_of((uint32_t)(t >> 42)), b = symbol_of((uint32_t)(t >> 21) & 0x1FFFFF),
        c = symbol_of((uint32_t)t & 0x1FFFFF);
    if (a < 0 || b < 0 || c < 0) return NOT_INDEXED;
    return (uint32_t)(a * SYMBOLS * SYMBOLS + b * SYMBOLS + c);
}

/* The code point at ``*at`` (valid UTF-8, as PostgreSQL sends text), advancing ``*at``. */
static uint32_t next_char(const uint8_t **at, const uint8_t *end) {
    const uint8_t *s = *at;
    uint32_t c = s[0];
    int extra = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
    if (extra) c &= 0x3F >> extra;
    for (int i = 1; i <= extra && s + i < end; i++) c = (c << 6) | (s[i] & 0x3F);
    *at = s + 1 + extra > end ? end : s + 1 + extra;
    return c;
}

static int is_word_char(uint32_t c) {
    if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return Py_UNICODE_ISALNUM((Py_UCS4)c);
}

static Trigram trigram(uint32_t a, uint32_t b, uint32_t c) {
    return ((Trigram)a << 42) | ((Trigram)b << 21) | (Trigram)c;
}

/* The trigrams of ``text`` in order (see the head of this file); ``out`` holds at least
 * ``2 * length`` of them. Returns how many. */
static Py_ssize_t trigrams_of(const uint8_t *text, Py_ssize_t length, Trigram *out) {
    const uint8_t *at = text, *end = text + length;
    Py_ssize_t n = 0;
    uint32_t before2 = ' ', before1 = ' ';
    int in_word = 0;
    while (at < end) {
        uint32_t c = next_char(&at, end);
        if (!is_word_char(c)) {
            if (in_word) out[n++] = trigram(before2, before1, ' ');
            in_word = 0;
            continue;
        }
        if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
        if (!in_word) before2 = before1 = ' ';
        out[n++] = trigram(before2, before1, c);
        before2 = before1;
        before1 = c;
        in_word = 1;
    }
    if (in_word) out[n++] = trigram(before2, before1, ' ');
    return n;
}

static int by_trigram(const void *a, const void *b) {
    Trigram x = *(const Trigram *)a, y = *(const Trigram *)b;
    return (x > y) - (x < y);
}

static int by_code(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int array_of(PyObject *array, Py_buffer *view, Py_ssize_t itemsize, int writable,
                    const char *what) {
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(array, view, flags) < 0) return -1;
    if (view->itemsize != itemsize || view->ndim != 1) {
        PyErr_Format(PyExc_TypeError, "%s must be a 1-D array of %zd-byte items", what, itemsize);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* The distinct index codes of ``text``'s ASCII trigrams, sorted; returns how many. */
static Py_ssize_t row_codes(const uint8_t *text, Py_ssize_t length, Trigram *scratch,
                            uint32_t *codes) {
    Py_ssize_t n = trigrams_of(text, length, scratch), kept = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint32_t code = code_of(scratch[i]);
        if (code != NOT_INDEXED) codes[kept++] = code;
    }
    qsort(codes, (size_t)kept, sizeof(uint32_t), by_code);
    Py_ssize_t distinct = 0;
    for (Py_ssize_t i = 0; i < kept; i++) {
        if (distinct == 0 || codes[distinct - 1] != codes[i]) codes[distinct++] = codes[i];
    }
    return distinct;
}

/* build(texts, offsets) -> (starts, rows): each trigram code's rows (text ``i`` is
 * ``texts[offsets[i]:offsets[i + 1]]``), ascending, each row once per code. A counting sort
 * in two passes over the texts, without the GIL. */
static PyObject *build(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "build(texts, offsets)");
        return NULL;
    }
    Py_buffer texts, offsets;
    if (array_of(args[0], &texts, 1, 0, "texts") < 0) return NULL;
    if (array_of(args[1], &offsets, 8, 0, "offsets") < 0) {
        PyBuffer_Release(&texts);
        return NULL;
    }
    const uint8_t *text = texts.buf;
    const int64_t *offset = offsets.buf;
    Py_ssize_t count = offsets.len / 8 - 1, longest = 0;
    PyObject *starts = NULL, *rows = NULL, *result = NULL;
    Trigram *scratch = NULL;
    uint32_t *codes = NULL;
    int64_t *next = NULL;
    int bad = count < 0 || count > INT32_MAX;
    for (Py_ssize_t i = 0; !bad && i < count; i++) {
        int64_t length = offset[i + 1] - offset[i];
        bad = length < 0 || offset[i] < 0 || offset[i + 1] > texts.len;
        if (length > longest) longest = (Py_ssize_t)length;
    }
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "offsets do not fit the texts");
        goto done;
    }
    starts = PyBytes_FromStringAndSize(NULL, (CODES + 1) * (Py_ssize_t)sizeof(int64_t));
    scratch = PyMem_RawMalloc((size_t)(2 * longest + 2) * sizeof(Trigram));
    codes = PyMem_RawMalloc((size_t)(2 * longest + 2) * sizeof(uint32_t));
    if (starts == NULL || scratch == NULL || codes == NULL) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        goto done;
    }
    int64_t *start = (int64_t *)PyBytes_AS_STRING(starts);
    memset(start, 0, (CODES + 1) * sizeof(int64_t));
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_ssize_t n = row_codes(text + offset[i], offset[i + 1] - offset[i], scratch, codes);
        for (Py_ssize_t k = 0; k < n; k++) start[codes[k] + 1]++;
    }
    for (Py_ssize_t code = 0; code < CODES; code++) start[code + 1] += start[code];
    Py_END_ALLOW_THREADS
    rows = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(start[CODES] * sizeof(int32_t)));
    next = PyMem_RawMalloc(CODES * sizeof(int64_t));
    if (rows == NULL || next == NULL) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        goto done;
    }
    int32_t *row = (int32_t *)PyBytes_AS_STRING(rows);
    memcpy(next, start, CODES * sizeof(int64_t));
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_ssize_t n = row_codes(text + offset[i], offset[i + 1] - offset[i], scratch, codes);
        for (Py_ssize_t k = 0; k < n; k++) row[next[codes[k]]++] = (int32_t)i;
    }
    Py_END_ALLOW_THREADS
    result = PyTuple_Pack(2, starts, rows);
done:
    PyMem_RawFree(next);
    PyMem_RawFree(scratch);
    PyMem_RawFree(codes);
    Py_XDECREF(starts);
    Py_XDECREF(rows);
    PyBuffer_Release(&texts);
    PyBuffer_Release(&offsets);
    return result;
}

/* The query: its distinct trigrams, sorted, and which index codes they are. */
typedef struct {
    Trigram *trigrams;
    Py_ssize_t count;
    uint8_t shared[(CODES + 7) / 8]; /* bit per index code: the query holds it */
} Query;

static int query_shares(const Query *query, Trigram t) {
    uint32_t code = code_of(t);
    return code != NOT_INDEXED && (query->shared[code >> 3] >> (code & 7)) & 1;
}

/* ``query`` from its text: its distinct trigrams, sorted, in ``buffer`` (room for
 * ``2 * length + 2``). Returns 0, or -1 when a trigram is not indexed or there are more than
 * the scratch counts can count: the index cannot answer that query. */
static int query_init(Query *query, const char *text, Py_ssize_t length, Trigram *buffer) {
    Py_ssize_t n = trigrams_of((const uint8_t *)text, length, buffer);
    qsort(buffer, (size_t)n, sizeof(Trigram), by_trigram);
    query->count = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (query->count && buffer[query->count - 1] == buffer[i]) continue;
        uint32_t code = code_of(buffer[i]);
        if (code == NOT_INDEXED || query->count == MOST_QUERY_TRIGRAMS) return -1;
        buffer[query->count++] = buffer[i];
        query->shared[code >> 3] |= (uint8_t)(1 << (code & 7));
    }
    query->trigrams = buffer;
    return 0;
}

/* pg_trgm's word similarity of ``query`` to the text (the scan at the head of this file).
 * ``t``: the text's trigrams; ``ids``/``last``: scratch of ``n`` ints each. */
static float word_similarity(const Query *query, const Trigram *t, Py_ssize_t n, int *ids,
                             int *last) {
    /* Each trigram's id: the position of its first occurrence. */
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t first = 0;
        while (t[first] != t[i]) first++;
        ids[i] = (int)first;
        last[i] = -1;
    }
    float best = 0.0f;
    int whole = (int)query->count;
    Py_ssize_t start = -1;
    int distinct = 0, shared = 0;
    for (Py_ssize_t end = 0; end < n; end++) {
        int id = ids[end], in_query = query_shares(query, t[end]);
        if (start >= 0 || in_query) {
            if (last[id] < 0) {
                distinct++;
                shared += in_query;
            }
            last[id] = (int)end;
        }
        if (!in_query) continue;
        if (start < 0) start = end;
        /* The extent [start, end], then each later start: keep the best (the first of equals). */
        float score = (float)shared / (float)(whole + distinct - shared);
        Py_ssize_t best_start = start;
        int best_distinct = distinct, best_shared = shared, d = distinct, s = shared;
        for (Py_ssize_t from = start; from <= end; from++) {
            float tried = (float)s / (float)(whole + d - s);
            if (tried > score) {
                score = tried;
                best_start = from;
                best_distinct = d;
                best_shared = s;
            }
            if (last[ids[from]] == from) {
                d--;
                s -= query_shares(query, t[from]);
            }
        }
        if (score > best) best = score;
        for (Py_ssize_t from = start; from < best_start; from++) {
            if (last[ids[from]] == from) last[ids[from]] = -1;
        }
        start = best_start;
        distinct = best_distinct;
        shared = best_shared;
    }
    return best;
}

typedef struct {
    float similarity;
    int32_t row;
} Match;

static int by_match(const void *a, const void *b) {
    const Match *x = a, *y = b;
    if (x->similarity != y->similarity) return x->similarity > y->similarity ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

typedef struct {
    Py_buffer texts, offsets, starts, rows, marks, classes, counts;
} Index;

static void index_release(Index *index) {
    Py_buffer *views[] = {&index->texts, &index->offsets, &index->starts, &index->rows,
                          &index->marks, &index->classes, &index->counts};
    for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
        if (views[i]->obj != NULL) PyBuffer_Release(views[i]);
    }
}

static int index_open(Index *index, PyObject *const *args) {
    memset(index, 0, sizeof(*index));
    if (array_of(args[0], &index->texts, 1, 0, "texts") < 0 ||
        array_of(args[1], &index->offsets, 8, 0, "offsets") < 0 ||
        array_of(args[2], &index->starts, 8, 0, "starts") < 0 ||
        array_of(args[3], &index->rows, 4, 0, "rows") < 0 ||
        array_of(args[4], &index->marks, 4, 0, "marks") < 0 ||
        array_of(args[5], &index->classes, 8, 0, "classes") < 0 ||
        array_of(args[6], &index->counts, 1, 1, "counts") < 0) {
        index_release(index);
        return -1;
    }
    Py_ssize_t texts = index->offsets.len / 8 - 1;
    if (index->starts.len != (CODES + 1) * 8 || index->marks.len / 4 != texts ||
        index->counts.len < texts) {
        PyErr_SetString(PyExc_ValueError, "the trigram index's arrays do not fit together");
        index_release(index);
        return -1;
    }
    return 0;
}

/* similar_rows(query, texts, offsets, starts, rows, marks, classes, counts, mask, facets, cap,
 * threshold) -> text rows best first, or None for a query with a trigram not indexed. A text
 * counts only if its mark is in the class mask and the facet mask (each when it is not 0). */
static PyObject *similar_rows(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 12 || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "similar_rows(query, texts, offsets, starts, rows, "
                                         "marks, classes, counts, mask, facets, cap, threshold)");
        return NULL;
    }
    uint64_t mask = PyLong_AsUnsignedLongLong(args[8]);
    uint64_t facets = PyLong_AsUnsignedLongLong(args[9]);
    Py_ssize_t cap = PyLong_AsSsize_t(args[10]);
    double threshold = PyFloat_AsDouble(args[11]);
    Py_ssize_t query_length;
    const char *query_text = PyUnicode_AsUTF8AndSize(args[0], &query_length);
    if (query_text == NULL || PyErr_Occurred()) return NULL;
    if (cap < 0 || !(threshold > 0.0 && threshold <= 1.0)) {
        PyErr_SetString(PyExc_ValueError, "cap must not be negative, threshold in (0, 1]");
        return NULL;
    }
    Index index;
    if (index_open(&index, args + 1) < 0) return NULL;
    const uint8_t *texts = index.texts.buf;
    const int64_t *offsets = index.offsets.buf, *starts = index.starts.buf;
    const int32_t *rows = index.rows.buf, *marks = index.marks.buf;
    const uint64_t *classes = index.classes.buf;
    uint8_t *counts = index.counts.buf;
    Py_ssize_t row_count = index.rows.len / 4, mark_count = index.classes.len / 8;
    PyObject *result = NULL;
    Query *query = PyMem_Calloc(1, sizeof(Query));
    Trigram *t = PyMem_Malloc((size_t)(2 * query_length + 2) * sizeof(Trigram));
    Match *matches = NULL;
    Trigram *text_trigrams = NULL;
    int *scratch = NULL;
    Py_ssize_t found = 0, candidates = 0, longest = 0;
    int32_t *candidate = NULL;
    if (query == NULL || t == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    /* A query the index cannot answer is left to PostgreSQL. */
    if (query_init(query, query_text, query_length, t) < 0) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    if (query->count == 0) {
        result = PyList_New(0);
        goto done;
    }
    /* Rows holding enough of the query's trigrams to reach the threshold: a score is at most
     * shared / query trigrams (PostgreSQL's GIN index keeps the same ones). */
    int needed = (int)ceil(threshold * (double)query->count - 1e-6);
    if (needed < 1) needed = 1;
    Py_ssize_t postings = 0;
    for (Py_ssize_t i = 0; i < query->count; i++) {
        uint32_t code = code_of(t[i]);
        postings += (Py_ssize_t)(starts[code + 1] - starts[code]);
    }
    candidate = PyMem_Malloc((size_t)(postings + 1) * sizeof(int32_t));
    if (candidate == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < query->count; i++) {
        uint32_t code = code_of(t[i]);
        if (starts[code] < 0 || starts[code + 1] > row_count) {
            PyErr_SetString(PyExc_ValueError, "starts do not fit the rows");
            goto reset;
        }
        for (int64_t p = starts[code]; p < starts[code + 1]; p++) {
            int32_t r = rows[p];
            if (r < 0 || r >= index.counts.len) {
                PyErr_SetString(PyExc_IndexError, "a posting is not a text of the index");
                goto reset;
            }
            if (++counts[r] == needed) candidate[candidates++] = r;
        }
    }
reset:
    for (Py_ssize_t i = 0; i < query->count; i++) {
        uint32_t code = code_of(t[i]);
        int64_t from = starts[code] < 0 ? 0 : starts[code];
        int64_t to = starts[code + 1] > row_count ? row_count : starts[code + 1];
        for (int64_t p = from; p < to; p++) {
            if (rows[p] >= 0 && rows[p] < index.counts.len) counts[rows[p]] = 0;
        }
    }
    if (PyErr_Occurred()) goto done;
    for (Py_ssize_t i = 0; i < candidates; i++) {
        int32_t r = candidate[i];
        Py_ssize_t length = (Py_ssize_t)(offsets[r + 1] - offsets[r]);
        if (length > longest) longest = length;
    }
    matches = PyMem_Malloc((size_t)(candidates + 1) * sizeof(Match));
    text_trigrams = PyMem_Malloc((size_t)(2 * longest + 2) * sizeof(Trigram));
    scratch = PyMem_Malloc((size_t)(4 * longest + 4) * sizeof(int));
    if (matches == NULL || text_trigrams == NULL || scratch == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < candidates; i++) {
        int32_t r = candidate[i], mark = marks[r];
        if (mark < 0 || mark >= mark_count) {
            PyErr_SetString(PyExc_IndexError, "a text's mark is not a mark of the index");
            goto done;
        }
        if ((mask && !(classes[mark] & mask)) || (facets && !(classes[mark] & facets))) continue;
        if (offsets[r] < 0 || offsets[r] > offsets[r + 1] || offsets[r + 1] > index.texts.len) {
            PyErr_SetString(PyExc_ValueError, "offsets do not fit the texts");
            goto done;
        }
        Py_ssize_t m = trigrams_of(texts + offsets[r], offsets[r + 1] - offsets[r], text_trigrams);
        float similarity = word_similarity(query, text_trigrams, m, scratch, scratch + m);
        if ((double)similarity >= threshold) matches[found++] = (Match){similarity, r};
    }
    qsort(matches, (size_t)found, sizeof(Match), by_match);
    Py_ssize_t kept = found < cap ? found : cap;
    result = PyList_New(kept);
    for (Py_ssize_t i = 0; result != NULL && i < kept; i++) {
        PyObject *row = PyLong_FromLong(matches[i].row);
        if (row == NULL) Py_CLEAR(result);
        else PyList_SET_ITEM(result, i, row);
    }
done:
    PyMem_Free(query);
    PyMem_Free(t);
    PyMem_Free(candidate);
    PyMem_Free(matches);
    PyMem_Free(text_trigrams);
    PyMem_Free(scratch);
    index_release(&index);
    return result;
}

/* word_similarity(query, text) -> pg_trgm's ``word_similarity(query, text)``, for tests. */
static PyObject *py_word_similarity(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 2 || !PyUnicode_Check(args[0]) || !PyUnicode_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "word_similarity(query, text)");
        return NULL;
    }
    Py_ssize_t query_length, text_length;
    const char *query_text = PyUnicode_AsUTF8AndSize(args[0], &query_length);
    const char *text = query_text ? PyUnicode_AsUTF8AndSize(args[1], &text_length) : NULL;
    if (text == NULL) return NULL;
    Query *query = PyMem_Calloc(1, sizeof(Query));
    Trigram *q = PyMem_Malloc((size_t)(2 * query_length + 2) * sizeof(Trigram));
    Trigram *tt = PyMem_Malloc((size_t)(2 * text_length + 2) * sizeof(Trigram));
    int *scratch = PyMem_Malloc((size_t)(4 * text_length + 4) * sizeof(int));
    PyObject *result = NULL;
    if (query == NULL || q == NULL || tt == NULL || scratch == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (query_init(query, query_text, query_length, q) < 0) {
        PyErr_SetString(PyExc_ValueError, "the index cannot answer this query");
        goto done;
    }
    Py_ssize_t m = trigrams_of((const uint8_t *)text, text_length, tt);
    result = PyFloat_FromDouble(
        query->count ? (double)word_similarity(query, tt, m, scratch, scratch + m) : 0.0);
done:
    PyMem_Free(query);
    PyMem_Free(q);
    PyMem_Free(tt);
    PyMem_Free(scratch);
    return result;
}

static PyMethodDef methods[] = {
    {"build", (PyCFunction)(void (*)(void))build, METH_FASTCALL,
     "build(texts, offsets) -> (starts, rows): each ASCII trigram's texts."},
    {"similar_rows", (PyCFunction)(void (*)(void))similar_rows, METH_FASTCALL,
     "similar_rows(query, texts, offsets, starts, rows, marks, classes, counts, mask, facets, cap, "
     "threshold) -> texts whose word similarity reaches the threshold, best first."},
    {"word_similarity", (PyCFunction)(void (*)(void))py_word_similarity, METH_FASTCALL,
     "word_similarity(query, text) -> pg_trgm's word similarity."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_trigrams", "sql.words_source on the resident index, in C.", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__trigrams(void) { return PyModule_Create(&module); }
