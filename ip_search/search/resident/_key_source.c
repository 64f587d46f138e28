/* ``sql.key_source`` on the resident index's arrays, in C (``index.key_source`` calls it).
 *
 * Each key's first ``per_key`` postings (those in the class mask and the facet mask, each when
 * it is not 0: ``index.MarkFilter``) weigh
 * ``ln(1 + per_key / n)``; marks are ranked by summed weight, then length, then ordinal, ``cap``
 * at most. Weights are added in key order, then posting order, as PostgreSQL's aggregate (and
 * numpy's ``bincount``, the fallback) adds them, so equal sums stay equal and ties break alike.
 * Written with numpy, the same took some fifty array calls a search, a sixth of its CPU.
 *
 * The arrays are read through the buffer protocol (no numpy headers): postings ``int32``,
 * classes ``uint64``, lengths ``int16``, each C-contiguous.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct {
    int32_t mark;
    int16_t length;
    double sum;
} Found;

/* An open-addressing table of marks seen, in the order first seen. */
typedef struct {
    int32_t *slots; /* index into ``found`` + 1; 0 is empty */
    size_t mask;
    Found *found;
    Py_ssize_t count;
} Table;

static int table_init(Table *table, Py_ssize_t capacity) {
    size_t size = 16;
    while (size < (size_t)capacity * 2) size *= 2;
    table->slots = PyMem_Calloc(size, sizeof(int32_t));
    table->found = PyMem_Malloc((size_t)(capacity > 0 ? capacity : 1) * sizeof(Found));
    table->mask = size - 1;
    table->count = 0;
    if (table->slots == NULL || table->found == NULL) {
        PyMem_Free(table->slots);
        PyMem_Free(table->found);
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static void table_free(Table *table) {
    PyMem_Free(table->slots);
    PyMem_Free(table->found);
}

static void table_add(Table *table, int32_t mark, int16_t length, double weight) {
    size_t slot = ((uint32_t)mark * 2654435761u) & table->mask;
    while (table->slots[slot]) {
        Found *seen = &table->found[table->slots[slot] - 1];
        if (seen->mark == mark) {
            seen->sum += weight;
            return;
        }
        slot = (slot + 1) & table->mask;
    }
    table->found[table->count] = (Found){mark, length, 0.0 + weight};
    table->slots[slot] = (int32_t)++table->count;
}

/* Best sum first, then the shorter mark, then the lower ordinal. */
static int by_rank(const void *a, const void *b) {
    const Found *x = a, *y = b;
    if (x->sum != y->sum) return x->sum > y->sum ? -1 : 1;
    if (x->length != y->length) return x->length < y->length ? -1 : 1;
    return (x->mark > y->mark) - (x->mark < y->mark);
}

static int array_of(PyObject *array, Py_buffer *view, Py_ssize_t itemsize, const char *what) {
    if (PyObject_GetBuffer(array, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
    if (view->itemsize != itemsize || view->ndim != 1) {
        PyErr_Format(PyExc_TypeError, "%s must be a 1-D array of %zd-byte items", what, itemsize);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* A search's postings and the marks they name lie in pages of many megabytes, mostly cold: a
 * read costs a miss of the TLB and of the cache. So the first postings of every key are asked
 * for before any is read, then the lengths (and, for a filter, the filter words) of the marks
 * they name, and the misses overlap instead of following each other. A filtered key reads past
 * its first ``per_key`` postings only for a rare class, rarely enough to leave to the
 * hardware. */
static void prefetch_postings(const Py_buffer *views, Py_ssize_t keys, Py_ssize_t per_key,
                              Py_ssize_t marks, const int16_t *mark_lengths,
                              const uint64_t *mark_classes) {
    for (Py_ssize_t k = 0; k < keys; k++) {
        Py_ssize_t count = views[k].len / 4 < per_key ? views[k].len / 4 : per_key;
        for (Py_ssize_t p = 0; p < count; p += 16) {
            __builtin_prefetch((const int32_t *)views[k].buf + p);
        }
    }
    for (Py_ssize_t k = 0; k < keys; k++) {
        const int32_t *posting = views[k].buf;
        Py_ssize_t count = views[k].len / 4 < per_key ? views[k].len / 4 : per_key;
        for (Py_ssize_t p = 0; p < count; p++) {
            int32_t mark = posting[p];
            if (mark < 0 || mark >= marks) continue; /* refused when read */
            __builtin_prefetch(mark_lengths + mark);
            if (mark_classes != NULL) __builtin_prefetch(mark_classes + mark);
        }
    }
}

static PyObject *key_source(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 7) {
        PyErr_SetString(PyExc_TypeError,
                        "key_source(postings, classes, lengths, mask, facets, per_key, cap)");
        return NULL;
    }
    uint64_t mask = PyLong_AsUnsignedLongLong(args[3]);
    uint64_t facets = PyLong_AsUnsignedLongLong(args[4]);
    Py_ssize_t per_key = PyLong_AsSsize_t(args[5]), cap = PyLong_AsSsize_t(args[6]);
    if (PyErr_Occurred()) return NULL;
    if (per_key < 1 || cap < 0) {
        PyErr_SetString(PyExc_ValueError, "per_key must be positive and cap not negative");
        return NULL;
    }
    PyObject *postings = PySequence_Fast(args[0], "postings must be a sequence of arrays");
    if (postings == NULL) return NULL;
    Py_ssize_t keys = PySequence_Fast_GET_SIZE(postings);
    Py_buffer classes, lengths;
    if (array_of(args[1], &classes, 8, "classes") < 0) {
        Py_DECREF(postings);
        return NULL;
    }
    if (array_of(args[2], &lengths, 2, "lengths") < 0) {
        PyBuffer_Release(&classes);
        Py_DECREF(postings);
        return NULL;
    }
    const uint64_t *mark_classes = classes.buf;
    const int16_t *mark_lengths = lengths.buf;
    Py_ssize_t marks = classes.len / 8;
    PyObject *result = NULL;
    Table table = {0};
    Py_buffer *views = NULL;
    Py_ssize_t held = 0;
    int32_t *first = PyMem_Malloc((size_t)per_key * sizeof(int32_t));
    if (first == NULL || lengths.len / 2 != marks || table_init(&table, keys * per_key) < 0) {
        if (first == NULL) PyErr_NoMemory();
        else if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "classes and lengths differ");
        goto done;
    }
    views = PyMem_Calloc((size_t)(keys ? keys : 1), sizeof(Py_buffer));
    if (views == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (; held < keys; held++) {
        if (array_of(PySequence_Fast_GET_ITEM(postings, held), &views[held], 4, "postings") < 0)
            goto done;
    }
    prefetch_postings(views, keys, per_key, marks, mark_lengths, mask || facets ? mark_classes : NULL);
    for (Py_ssize_t k = 0; k < keys; k++) {
        const int32_t *posting = views[k].buf;
        Py_ssize_t count = views[k].len / 4, taken = 0;
        for (Py_ssize_t p = 0; p < count && taken < per_key; p++) {
            int32_t mark = posting[p];
            if (mark < 0 || mark >= marks) {
                PyErr_SetString(PyExc_IndexError, "a posting is not a mark of the index");
                goto done;
            }
            if (!mask && !facets) {
                first[taken++] = mark;
                continue;
            }
            uint64_t bits = mark_classes[mark];
            if ((!mask || (bits & mask)) && (!facets || (bits & facets))) first[taken++] = mark;
        }
        if (!taken) continue;
        double weight = log(1.0 + (double)per_key / (double)taken);
        for (Py_ssize_t p = 0; p < taken; p++) {
            table_add(&table, first[p], mark_lengths[first[p]], weight);
        }
    }
    qsort(table.found, (size_t)table.count, sizeof(Found), by_rank);
    Py_ssize_t kept = table.count < cap ? table.count : cap;
    result = PyList_New(kept);
    for (Py_ssize_t i = 0; result != NULL && i < kept; i++) {
        PyObject *mark = PyLong_FromLong(table.found[i].mark);
        if (mark == NULL) Py_CLEAR(result);
        else PyList_SET_ITEM(result, i, mark);
    }
done:
    for (Py_ssize_t k = 0; k < held; k++) PyBuffer_Release(&views[k]);
    PyMem_Free(views);
    PyMem_Free(first);
    table_free(&table);
    PyBuffer_Release(&classes);
    PyBuffer_Release(&lengths);
    Py_DECREF(postings);
    return result;
}

static PyMethodDef methods[] = {
    {"key_source", (PyCFunction)(void (*)(void))key_source, METH_FASTCALL,
     "key_source(postings, classes, lengths, mask, facets, per_key, cap) -> ordinals ranked as "
     "sql.key_source ranks them."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_key_source", "sql.key_source on the resident index, in C.", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__key_source(void) { return PyModule_Create(&module); }
