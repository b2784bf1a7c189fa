/* JsBuffer and JsTypedArray: copying between JS binary data and Python buffers and files. */
#include "jsproxy.h"

#include <errno.h>
#include <unistd.h>

/* ---- JsBuffer: ArrayBuffer, TypedArray, DataView */

/* Copies the buffer into a new bytearray; *format gets its element format. */
static PyObject *
buffer_copy(PyObject *self, char *format, int *itemsize)
{
    int32_t info[3];
    if (sangam_js_buffer_info(REF(self), info) < 0) {
        return NULL;
    }
    PyObject *bytes = PyByteArray_FromStringAndSize(NULL, info[0]);
    if (bytes && info[0] > 0 &&
        sangam_js_buffer_read(REF(self), PyByteArray_AS_STRING(bytes)) < 0) {
        Py_CLEAR(bytes);
    }
    if (format) {
        format[0] = (char)info[2];
        format[1] = 0;
    }
    if (itemsize) {
        *itemsize = info[1];
    }
    return bytes;
}

static PyObject *
jsbuffer_to_memoryview(PyObject *self, PyObject *unused)
{
    char format[2];
    int itemsize;
    PyObject *bytes = buffer_copy(self, format, &itemsize);
    PyObject *view = bytes ? PyMemoryView_FromObject(bytes) : NULL;
    Py_XDECREF(bytes);
    if (view && format[0] != 'B') {
        PyObject *cast = PyObject_CallMethod(view, "cast", "s", format);
        Py_SETREF(view, cast);
    }
    return view;
}

static PyObject *
jsbuffer_to_py(PyObject *self, PyObject *args, PyObject *kwargs)
{
    return jsbuffer_to_memoryview(self, NULL);
}

static PyObject *
jsbuffer_to_bytes(PyObject *self, PyObject *unused)
{
    PyObject *copy = buffer_copy(self, NULL, NULL);
    PyObject *bytes = copy ? PyBytes_FromObject(copy) : NULL;
    Py_XDECREF(copy);
    return bytes;
}

static PyObject *
jsbuffer_to_string(PyObject *self, PyObject *args)
{
    const char *encoding = NULL;
    if (!PyArg_ParseTuple(args, "|z:to_string", &encoding)) {
        return NULL;
    }
    PyObject *copy = buffer_copy(self, NULL, NULL);
    PyObject *s = copy ? PyUnicode_Decode(PyByteArray_AS_STRING(copy), PyByteArray_GET_SIZE(copy),
                                          encoding ? encoding : "utf-8", "strict")
                       : NULL;
    Py_XDECREF(copy);
    return s;
}

/* The size rules of assign and assign_to (Pyodide's, with its wording): the byte lengths
 * match, and so do the item sizes of a TypedArray (an ArrayBuffer or DataView has none). */
static int
check_sizes(PyObject *self, Py_buffer *view, int32_t *info, int to_python)
{
    if (sangam_js_buffer_info(REF(self), info) < 0) {
        return -1;
    }
    if (view->len != info[0]) {
        if (to_python) {
            PyErr_Format(PyExc_ValueError,
                         "cannot assign from TypedArray of length %d to buffer of length %zd",
                         (int)info[0], view->len);
        } else {
            PyErr_Format(PyExc_ValueError,
                         "cannot assign to TypedArray of length %zd from buffer of length %d",
                         view->len, (int)info[0]);
        }
        return -1;
    }
    if ((FLAGS(self) & JS_TYPEDARRAY) && view->itemsize != info[1]) {
        PyErr_SetString(PyExc_ValueError, "TypedArray and memorybuffer have incompatible formats");
        return -1;
    }
    return 0;
}

static PyObject *
jsbuffer_assign(PyObject *self, PyObject *source)
{
    Py_buffer view;
    if (PyObject_GetBuffer(source, &view, PyBUF_ANY_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        return NULL;
    }
    int32_t info[3];
    int rc = check_sizes(self, &view, info, 0);
    if (rc == 0 && view.len > 0) {
        rc = sangam_js_buffer_write(REF(self), view.buf, (size_t)view.len);
    }
    PyBuffer_Release(&view);
    return rc < 0 ? NULL : Py_NewRef(Py_None);
}

static PyObject *
jsbuffer_assign_to(PyObject *self, PyObject *target)
{
    Py_buffer view;
    if (PyObject_GetBuffer(target, &view, PyBUF_ANY_CONTIGUOUS | PyBUF_FORMAT | PyBUF_WRITABLE) <
        0) {
        return NULL;
    }
    int32_t info[3];
    int rc = check_sizes(self, &view, info, 1);
    if (rc == 0 && info[0] > 0) {
        rc = sangam_js_buffer_read(REF(self), view.buf);
    }
    PyBuffer_Release(&view);
    return rc < 0 ? NULL : Py_NewRef(Py_None);
}

/* The file descriptor of a Python file object (its fileno()), or -1 with an exception set (an
 * io.BytesIO has none: UnsupportedOperation, as in Pyodide). Pending writes are flushed first. */
static int
file_descriptor(PyObject *file)
{
    PyObject *r = PyObject_CallMethod(file, "flush", NULL);
    if (r == NULL) {
        return -1;
    }
    Py_DECREF(r);
    r = PyObject_CallMethod(file, "fileno", NULL);
    int fd = r ? PyLong_AsInt(r) : -1;
    Py_XDECREF(r);
    return fd;
}

/* Writes n bytes to fd at its position; -1 with OSError set. */
static int
write_all(int fd, const char *data, Py_ssize_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, data, (size_t)n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w < 0) {
            PyErr_SetFromErrno(PyExc_OSError);
            return -1;
        }
        data += w;
        n -= w;
    }
    return 0;
}

/* to_file (at the file's position) and _into_file (the file's whole content, truncated first;
 * Pyodide's lets MEMFS own the memory, this copies it once). */
static PyObject *
write_to_file(PyObject *self, PyObject *file, int replace)
{
    int fd = file_descriptor(file);
    PyObject *bytes = fd >= 0 ? buffer_copy(self, NULL, NULL) : NULL;
    if (bytes == NULL) {
        return NULL;
    }
    int rc = 0;
    if (replace && (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)) {
        PyErr_SetFromErrno(PyExc_OSError);
        rc = -1;
    }
    if (rc == 0) {
        rc = write_all(fd, PyByteArray_AS_STRING(bytes), PyByteArray_GET_SIZE(bytes));
    }
    Py_DECREF(bytes);
    return rc < 0 ? NULL : Py_NewRef(Py_None);
}

static PyObject *
jsbuffer_to_file(PyObject *self, PyObject *file)
{
    return write_to_file(self, file, 0);
}

static PyObject *
jsbuffer_into_file(PyObject *self, PyObject *file)
{
    return write_to_file(self, file, 1);
}

/* Reads up to the buffer's size from the file's position into the start of the buffer. */
static PyObject *
jsbuffer_from_file(PyObject *self, PyObject *file)
{
    int32_t info[3];
    int fd = file_descriptor(file);
    if (fd < 0 || sangam_js_buffer_info(REF(self), info) < 0) {
        return NULL;
    }
    PyObject *bytes = PyByteArray_FromStringAndSize(NULL, info[0]);
    if (bytes == NULL) {
        return NULL;
    }
    char *data = PyByteArray_AS_STRING(bytes);
    Py_ssize_t got = 0;
    while (got < info[0]) {
        ssize_t r = read(fd, data + got, (size_t)(info[0] - got));
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            PyErr_SetFromErrno(PyExc_OSError);
            Py_DECREF(bytes);
            return NULL;
        }
        if (r == 0) {
            break;
        }
        got += r;
    }
    int rc = got > 0 ? sangam_js_buffer_write(REF(self), data, (size_t)got) : 0;
    Py_DECREF(bytes);
    return rc < 0 ? NULL : Py_NewRef(Py_None);
}

static PyMethodDef jsbuffer_methods[] = {
    {"to_py", (PyCFunction)(void (*)(void))jsbuffer_to_py, METH_VARARGS | METH_KEYWORDS,
     "A memoryview of a copy."},
    {"to_memoryview", jsbuffer_to_memoryview, METH_NOARGS, "A memoryview of a copy."},
    {"to_bytes", jsbuffer_to_bytes, METH_NOARGS, "The bytes of the buffer."},
    {"to_string", jsbuffer_to_string, METH_VARARGS, "The buffer decoded (utf-8 by default)."},
    {"assign", jsbuffer_assign, METH_O, "Copies a Python buffer of the same size into it."},
    {"assign_to", jsbuffer_assign_to, METH_O, "Copies it into a Python buffer of the same size."},
    {"to_file", jsbuffer_to_file, METH_O, "Writes the bytes at a file's position."},
    {"from_file", jsbuffer_from_file, METH_O,
     "Reads up to its size from a file's position into it."},
    {"_into_file", jsbuffer_into_file, METH_O, "Makes the bytes a file's whole content."},
    {NULL},
};

PyType_Slot jsbuffer_slots[] = {
    {Py_tp_methods, jsbuffer_methods},
    {Py_tp_doc, "A JavaScript ArrayBuffer, TypedArray or DataView."},
    {0, NULL},
};

/* A typed array's length is fixed, as in Pyodide: no item deletion, no concatenation. */
static int
jstypedarray_ass_subscript(PyObject *self, PyObject *key, PyObject *value)
{
    if (value == NULL) {
        PyErr_SetString(PyExc_TypeError, "object doesn't support item deletion");
        return -1;
    }
    return jsproxy_ass_subscript(self, key, value);
}

static PyObject *
jstypedarray_concat_error(PyObject *self, PyObject *other, const char *op)
{
    PyErr_Format(PyExc_TypeError, "unsupported operand type(s) for %s: '%.100s' and '%.100s'", op,
                 Py_TYPE(self)->tp_name, Py_TYPE(other)->tp_name);
    return NULL;
}

static PyObject *
jstypedarray_concat(PyObject *self, PyObject *other)
{
    return jstypedarray_concat_error(self, other, "+");
}

static PyObject *
jstypedarray_inplace_concat(PyObject *self, PyObject *other)
{
    return jstypedarray_concat_error(self, other, "+=");
}

PyType_Slot jstypedarray_slots[] = {
    {Py_mp_subscript, jsproxy_subscript},    {Py_mp_ass_subscript, jstypedarray_ass_subscript},
    {Py_sq_concat, jstypedarray_concat},     {Py_sq_inplace_concat, jstypedarray_inplace_concat},
    {Py_tp_doc, "A JavaScript TypedArray."}, {0, NULL},
};
