/* The resident index's per-mark buffers read, and a similar page's candidates ranked, in C
 * (``index.py`` and ``page.py`` call it).
 *
 * - ``slices``: marks' packed keys, each decoded from the index's UTF-8 buffer as a ``str``;
 * - ``json_array``: marks' cards joined into one JSON array, for one parse;
 * - ``exact_marks``: ``index.exact_rows`` of one text: its hash looked up, each mark it names
 *   filtered and checked for the text in its packed keys' UTF-8, with no string decoded;
 * - ``ranked``: ``ranking.best_first`` of the candidates' totals, and how many of the kept
 *   marks hold each bit of their filter word (what ``page.facets_of`` counts).
 *
 * Written with numpy and Python lists, these took some 120 µs of a search's 750 in process: a
 * dozen array calls and a list of tuples per candidate, for some sixty candidates. The arrays are
 * read through the buffer protocol (no numpy headers): offsets ``int64``, filter words
 * ``uint64``, each C-contiguous. ``page.py`` and ``index.py`` keep the Python that this
 * replaces, as the fallback and the tests' oracle.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int array_of(PyObject *array, Py_buffer *view, Py_ssize_t itemsize, const char *what) {
    if (PyObject_GetBuffer(array, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
    if (view->itemsize != itemsize || view->ndim != 1) {
        PyErr_Format(PyExc_TypeError, "%s must be a 1-D array of %zd-byte items", what, itemsize);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* A byte buffer and the offsets of its marks' slices: mark ``i`` is
 * ``buffer[offsets[i]:offsets[i + 1]]``. */
typedef struct {
    Py_buffer bytes, offsets;
    Py_ssize_t marks;
} Slices;

static void slices_release(Slices *slices) {
    PyBuffer_Release(&slices->bytes);
    PyBuffer_Release(&slices->offsets);
}

static int slices_read(PyObject *bytes, PyObject *offsets, Slices *slices) {
    if (PyObject_GetBuffer(bytes, &slices->bytes, PyBUF_C_CONTIGUOUS) < 0) return -1;
    if (array_of(offsets, &slices->offsets, 8, "offsets") < 0) {
        PyBuffer_Release(&slices->bytes);
        return -1;
    }
    slices->marks = slices->offsets.len / 8 - 1;
    return 0;
}

/* Where mark ``ordinal``'s slice starts and how long it is; -1 with an exception set when the
 * ordinal or its offsets lie outside the buffer. */
static int slice_of(const Slices *slices, PyObject *ordinal, const char **start,
                    Py_ssize_t *length) {
    Py_ssize_t mark = PyLong_AsSsize_t(ordinal);
    if (mark == -1 && PyErr_Occurred()) return -1;
    if (mark < 0 || mark >= slices->marks) {
        PyErr_SetString(PyExc_IndexError, "an ordinal is not a mark of the index");
        return -1;
    }
    const int64_t *offsets = slices->offsets.buf;
    int64_t from = offsets[mark], to = offsets[mark + 1];
    if (from < 0 || to < from || to > slices->bytes.len) {
        PyErr_SetString(PyExc_ValueError, "a mark's offsets lie outside its buffer");
        return -1;
    }
    *start = (const char *)slices->bytes.buf + from;
    *length = (Py_ssize_t)(to - from);
    return 0;
}

/* Each mark's slice is in some other page of a buffer of many megabytes: a cold read costs a
 * miss of the TLB and of the cache, some 700 ns here. So every address is asked for before any
 * is read (the offsets, then the slices), and the misses overlap instead of following each
 * other. Returns the number of ordinals, or -1 with an exception set. */
static Py_ssize_t prefetch_slices(const Slices *slices, PyObject *ordinals) {
    Py_ssize_t count = PySequence_Fast_GET_SIZE(ordinals);
    const int64_t *offsets = slices->offsets.buf;
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_ssize_t mark = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(ordinals, i));
        if (mark >= 0 && mark < slices->marks) __builtin_prefetch(offsets + mark);
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        const char *start;
        Py_ssize_t length;
        if (slice_of(slices, PySequence_Fast_GET_ITEM(ordinals, i), &start, &length) < 0) return -1;
        for (Py_ssize_t at = 0; at < length; at += 64) __builtin_prefetch(start + at);
    }
    return count;
}

/* The arguments of ``slices`` and ``json_array``: a buffer, its offsets, and the ordinals (a
 * new reference in ``ordinals``). Returns -1 with an exception set, holding nothing. */
static int slices_arguments(PyObject *const *args, Py_ssize_t nargs, const char *usage,
                            PyObject **ordinals, Slices *read) {
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, usage);
        return -1;
    }
    *ordinals = PySequence_Fast(args[2], "ordinals must be a sequence");
    if (*ordinals == NULL) return -1;
    if (slices_read(args[0], args[1], read) < 0) {
        Py_CLEAR(*ordinals);
        return -1;
    }
    return 0;
}

static PyObject *slices(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    PyObject *ordinals;
    Slices read;
    if (slices_arguments(args, nargs, "slices(buffer, offsets, ordinals)", &ordinals, &read) < 0)
        return NULL;
    Py_ssize_t count = prefetch_slices(&read, ordinals);
    PyObject *result = count < 0 ? NULL : PyList_New(count);
    for (Py_ssize_t i = 0; result != NULL && i < count; i++) {
        const char *start;
        Py_ssize_t length;
        PyObject *text = NULL;
        if (slice_of(&read, PySequence_Fast_GET_ITEM(ordinals, i), &start, &length) == 0)
            text = PyUnicode_DecodeUTF8(start, length, "strict");
        if (text == NULL) Py_CLEAR(result);
        else PyList_SET_ITEM(result, i, text);
    }
    slices_release(&read);
    Py_DECREF(ordinals);
    return result;
}

static PyObject *json_array(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    PyObject *ordinals;
    Slices read;
    if (slices_arguments(args, nargs, "json_array(buffer, offsets, ordinals)", &ordinals,
                         &read) < 0)
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t count = prefetch_slices(&read, ordinals);
    if (count < 0) goto done;
    Py_ssize_t size = 2 + (count > 1 ? count - 1 : 0); /* brackets and commas */
    for (Py_ssize_t i = 0; i < count; i++) {
        const char *start;
        Py_ssize_t length;
        slice_of(&read, PySequence_Fast_GET_ITEM(ordinals, i), &start, &length); /* checked */
        size += length;
    }
    result = PyBytes_FromStringAndSize(NULL, size);
    if (result == NULL) goto done;
    char *next = PyBytes_AS_STRING(result);
    *next++ = '[';
    for (Py_ssize_t i = 0; i < count; i++) {
        const char *start;
        Py_ssize_t length;
        slice_of(&read, PySequence_Fast_GET_ITEM(ordinals, i), &start, &length); /* checked */
        if (i) *next++ = ',';
        memcpy(next, start, (size_t)length);
        next += length;
    }
    *next = ']';
done:
    slices_release(&read);
    Py_DECREF(ordinals);
    return result;
}

/* --- exact marks ------------------------------------------------------------------------------ */

#define FIELD_SEPARATOR 0x1E /* ``packed_keys.FIELD_SEPARATOR`` */
#define ITEM_SEPARATOR 0x1F  /* ``packed_keys.ITEM_SEPARATOR`` */

/* ``compact in packed_compacts(keys)``, on the UTF-8 bytes: the separators are ASCII, so no
 * byte of another character equals one. */
static int holds_compact(const char *keys, Py_ssize_t length, const char *compact,
                         Py_ssize_t compact_length) {
    const char *end = keys + length;
    const char *field = memchr(keys, FIELD_SEPARATOR, (size_t)length);
    if (field == NULL) return 0;
    const char *item = field + 1;
    const char *field_end = memchr(item, FIELD_SEPARATOR, (size_t)(end - item));
    if (field_end == NULL) field_end = end;
    while (item <= field_end) {
        const char *item_end = memchr(item, ITEM_SEPARATOR, (size_t)(field_end - item));
        if (item_end == NULL) item_end = field_end;
        if (item_end - item == compact_length && memcmp(item, compact, (size_t)compact_length) == 0)
            return 1;
        item = item_end + 1;
    }
    return 0;
}

/* The first position of ``hash`` or of the first hash above it in sorted ``hashes``. */
static Py_ssize_t lower_bound(const int64_t *hashes, Py_ssize_t count, int64_t hash) {
    Py_ssize_t low = 0, high = count;
    while (low < high) {
        Py_ssize_t middle = low + (high - low) / 2;
        if (hashes[middle] < hash) low = middle + 1;
        else high = middle;
    }
    return low;
}

static PyObject *exact_marks(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 10) {
        PyErr_SetString(PyExc_TypeError,
                        "exact_marks(text_hashes, text_marks, filter_words, keys, key_offsets, "
                        "hash, compact, classes, facets, cap)");
        return NULL;
    }
    int64_t hash = PyLong_AsLongLong(args[5]);
    uint64_t mask = PyLong_AsUnsignedLongLong(args[7]);
    uint64_t facets = PyLong_AsUnsignedLongLong(args[8]);
    Py_ssize_t cap = PyLong_AsSsize_t(args[9]);
    if (PyErr_Occurred()) return NULL;
    Py_ssize_t compact_length;
    const char *compact = PyUnicode_AsUTF8AndSize(args[6], &compact_length);
    if (compact == NULL) return NULL;
    Py_buffer hashes, marks, words;
    if (array_of(args[0], &hashes, 8, "text_hashes") < 0) return NULL;
    if (array_of(args[1], &marks, 4, "text_marks") < 0) {
        PyBuffer_Release(&hashes);
        return NULL;
    }
    if (array_of(args[2], &words, 8, "filter_words") < 0) {
        PyBuffer_Release(&marks);
        PyBuffer_Release(&hashes);
        return NULL;
    }
    PyObject *result = NULL;
    Slices keys;
    if (slices_read(args[3], args[4], &keys) < 0) goto release;
    Py_ssize_t count = hashes.len / 8, mark_count = words.len / 8;
    if (marks.len / 4 != count) {
        PyErr_SetString(PyExc_ValueError, "text_hashes and text_marks differ in length");
        goto done;
    }
    const int64_t *hash_at = hashes.buf;
    const int32_t *mark_at = marks.buf;
    const uint64_t *word_at = words.buf;
    result = PyList_New(0);
    for (Py_ssize_t at = lower_bound(hash_at, count, hash);
         result != NULL && at < count && hash_at[at] == hash && PyList_GET_SIZE(result) < cap;
         at++) {
        int32_t mark = mark_at[at];
        if (mark < 0 || mark >= mark_count || mark >= keys.marks) {
            PyErr_SetString(PyExc_IndexError, "a text's mark is not a mark of the index");
            Py_CLEAR(result);
            break;
        }
        uint64_t word = word_at[mark];
        if ((mask && !(word & mask)) || (facets && !(word & facets))) continue;
        const char *start;
        Py_ssize_t length;
        PyObject *ordinal = PyLong_FromLong(mark);
        if (ordinal == NULL || slice_of(&keys, ordinal, &start, &length) < 0) {
            Py_XDECREF(ordinal);
            Py_CLEAR(result);
            break;
        }
        int appended = holds_compact(start, length, compact, compact_length)
                           ? PyList_Append(result, ordinal)
                           : 0;
        Py_DECREF(ordinal);
        if (appended < 0) Py_CLEAR(result);
    }
done:
    slices_release(&keys);
release:
    PyBuffer_Release(&words);
    PyBuffer_Release(&marks);
    PyBuffer_Release(&hashes);
    return result;
}

/* --- ranked ----------------------------------------------------------------------------------- */

typedef struct {
    double negated; /* -total: ascending is best first */
    double rounded; /* round(negated, 6), filled for the runs that need it */
    Py_ssize_t position;
} Kept;

static int by_total(const void *a, const void *b) {
    const Kept *x = a, *y = b;
    if (x->negated != y->negated) return x->negated < y->negated ? -1 : 1;
    return (x->position > y->position) - (x->position < y->position);
}

static int by_rounded(const void *a, const void *b) {
    const Kept *x = a, *y = b;
    if (x->rounded != y->rounded) return x->rounded < y->rounded ? -1 : 1;
    return (x->position > y->position) - (x->position < y->position);
}

/* ``round(value, 6)``: ``round`` writes the value correctly rounded to six decimals and reads
 * it back, and so does this, with the same conversions (David Gay's, as CPython builds them). */
static int round6(double value, double *rounded) {
    char *text = PyOS_double_to_string(value, 'f', 6, 0, NULL);
    if (text == NULL) return -1;
    *rounded = PyOS_string_to_double(text, NULL, NULL);
    PyMem_Free(text);
    return *rounded == -1.0 && PyErr_Occurred() ? -1 : 0;
}

/* ``ranking.best_first``: sorted by (-total, position); a run of totals each within ``apart``
 * of the next, not all equal, sorted again by (round(-total, 6), position). */
static int order(Kept *kept, Py_ssize_t count, double apart) {
    qsort(kept, (size_t)count, sizeof(Kept), by_total);
    Py_ssize_t start = 0;
    while (start < count) {
        Py_ssize_t end = start + 1;
        while (end < count && kept[end].negated - kept[end - 1].negated <= apart) end++;
        if (kept[end - 1].negated != kept[start].negated) {
            for (Py_ssize_t i = start; i < end; i++) {
                if (round6(kept[i].negated, &kept[i].rounded) < 0) return -1;
            }
            qsort(kept + start, (size_t)(end - start), sizeof(Kept), by_rounded);
        }
        start = end;
    }
    return 0;
}

static PyObject *page_of(const Kept *kept, Py_ssize_t count) {
    PyObject *page = PyList_New(count);
    for (Py_ssize_t i = 0; page != NULL && i < count; i++) {
        PyObject *hit = Py_BuildValue("(dn)", -kept[i].negated, kept[i].position);
        if (hit == NULL) Py_CLEAR(page);
        else PyList_SET_ITEM(page, i, hit);
    }
    return page;
}

static PyObject *bit_counts(const Kept *kept, Py_ssize_t count, const uint64_t *words) {
    Py_ssize_t counts[64] = {0};
    for (Py_ssize_t i = 0; i < count; i++) {
        for (uint64_t word = words[kept[i].position]; word; word &= word - 1) {
            counts[__builtin_ctzll(word)]++;
        }
    }
    PyObject *result = PyList_New(64);
    for (int bit = 0; result != NULL && bit < 64; bit++) {
        PyObject *number = PyLong_FromSsize_t(counts[bit]);
        if (number == NULL) Py_CLEAR(result);
        else PyList_SET_ITEM(result, bit, number);
    }
    return result;
}

static PyObject *ranked(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError,
                        "ranked(values, ordinals, filter_words, floor, apart, limit)");
        return NULL;
    }
    double floor = PyFloat_AsDouble(args[3]), apart = PyFloat_AsDouble(args[4]);
    Py_ssize_t limit = PyLong_AsSsize_t(args[5]);
    if (PyErr_Occurred()) return NULL;
    if (limit < 0) {
        PyErr_SetString(PyExc_ValueError, "limit must not be negative");
        return NULL;
    }
    PyObject *values = PySequence_Fast(args[0], "values must be a sequence");
    if (values == NULL) return NULL;
    PyObject *ordinals = PySequence_Fast(args[1], "ordinals must be a sequence");
    if (ordinals == NULL) {
        Py_DECREF(values);
        return NULL;
    }
    PyObject *result = NULL;
    Py_buffer words;
    if (array_of(args[2], &words, 8, "filter_words") < 0) {
        Py_DECREF(ordinals);
        Py_DECREF(values);
        return NULL;
    }
    Py_ssize_t marks = words.len / 8, count = PySequence_Fast_GET_SIZE(values), kept = 0;
    Kept *found = PyMem_Malloc((size_t)(count ? count : 1) * sizeof(Kept));
    if (found == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (PySequence_Fast_GET_SIZE(ordinals) != count) {
        PyErr_SetString(PyExc_ValueError, "values and ordinals differ in length");
        goto done;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        double value = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(values, i));
        Py_ssize_t position = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(ordinals, i));
        if (PyErr_Occurred()) goto done;
        if (position < 0 || position >= marks) {
            PyErr_SetString(PyExc_IndexError, "an ordinal is not a mark of the index");
            goto done;
        }
        if (value >= floor) found[kept++] = (Kept){-value, 0.0, position};
    }
    if (order(found, kept, apart) < 0) goto done;
    PyObject *page = page_of(found, kept < limit + 1 ? kept : limit + 1);
    PyObject *bits = page ? bit_counts(found, kept, words.buf) : NULL;
    if (bits != NULL) result = Py_BuildValue("(NnN)", page, kept, bits);
    else Py_XDECREF(page);
done:
    PyMem_Free(found);
    PyBuffer_Release(&words);
    Py_DECREF(ordinals);
    Py_DECREF(values);
    return result;
}

static PyMethodDef methods[] = {
    {"slices", (PyCFunction)(void (*)(void))slices, METH_FASTCALL,
     "slices(buffer, offsets, ordinals) -> each mark's slice of buffer decoded as UTF-8."},
    {"json_array", (PyCFunction)(void (*)(void))json_array, METH_FASTCALL,
     "json_array(buffer, offsets, ordinals) -> the marks' slices as one JSON array."},
    {"exact_marks", (PyCFunction)(void (*)(void))exact_marks, METH_FASTCALL,
     "exact_marks(text_hashes, text_marks, filter_words, keys, key_offsets, hash, compact, "
     "classes, facets, cap) -> the first cap marks the filter keeps with a text of that hash "
     "whose keys hold compact, in the texts' order."},
    {"ranked", (PyCFunction)(void (*)(void))ranked, METH_FASTCALL,
     "ranked(values, ordinals, filter_words, floor, apart, limit) -> (the first limit + 1 "
     "(total, ordinal) in ranking.best_first's order, how many reach floor, and how many of "
     "those hold each of the 64 bits of their filter word)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_page", "The resident index's buffers and page ranking, in C.", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__page(void) { return PyModule_Create(&module); }
