/* JsBuffer and JsTypedArray: copying between JS binary data and Python buffers and files. */
#include "jsproxy.h"

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

static PyObject *
jsbuffer_assign(PyObject *self, PyObject *source)
{
    Py_buffer view;
    if (PyObject_GetBuffer(source, &view, PyBUF_ANY_CONTIGUOUS) < 0) {
        return NULL;
    }
    int32_t info[3];
    int rc = sangam_js_buffer_info(REF(self), info);
    if (rc == 0 && view.len != info[0]) {
        PyErr_Format(PyExc_ValueError, "cannot assign %zd bytes to a JS buffer of %d bytes",
                     view.len, (int)info[0]);
        rc = -1;
    }
    if (rc == 0) {
        rc = sangam_js_buffer_write(REF(self), view.buf, (size_t)view.len);
    }
    PyBuffer_Release(&view);
    return rc < 0 ? NULL : Py_NewRef(Py_None);
}

static PyObject *
jsbuffer_assign_to(PyObject *self, PyObject *target)
{
    Py_buffer view;
    if (PyObject_GetBuffer(target, &view, PyBUF_ANY_CONTIGUOUS | PyBUF_WRITABLE) < 0) {
        return NULL;
    }
    int32_t info[3];
    int rc = sangam_js_buffer_info(REF(self), info);
    if (rc == 0 && view.len != info[0]) {
        PyErr_Format(PyExc_ValueError, "cannot copy a JS buffer of %d bytes into %zd bytes",
                     (int)info[0], view.len);
        rc = -1;
    }
    if (rc == 0 && info[0] > 0) {
        rc = sangam_js_buffer_read(REF(self), view.buf);
    }
    PyBuffer_Release(&view);
    return rc < 0 ? NULL : Py_NewRef(Py_None);
}

static PyObject *
jsbuffer_to_file(PyObject *self, PyObject *file)
{
    PyObject *bytes = jsbuffer_to_bytes(self, NULL);
    PyObject *r = bytes ? PyObject_CallMethod(file, "write", "O", bytes) : NULL;
    Py_XDECREF(bytes);
    Py_XDECREF(r);
    return r ? Py_NewRef(Py_None) : NULL;
}

static PyObject *
jsbuffer_from_file(PyObject *self, PyObject *file)
{
    PyObject *bytes = PyObject_CallMethod(file, "read", NULL);
    PyObject *r = bytes ? jsbuffer_assign(self, bytes) : NULL;
    Py_XDECREF(bytes);
    return r;
}

static PyMethodDef jsbuffer_methods[] = {
    {"to_py", (PyCFunction)(void (*)(void))jsbuffer_to_py, METH_VARARGS | METH_KEYWORDS,
     "A memoryview of a copy."},
    {"to_memoryview", jsbuffer_to_memoryview, METH_NOARGS, "A memoryview of a copy."},
    {"to_bytes", jsbuffer_to_bytes, METH_NOARGS, "The bytes of the buffer."},
    {"to_string", jsbuffer_to_string, METH_VARARGS, "The buffer decoded (utf-8 by default)."},
    {"assign", jsbuffer_assign, METH_O, "Copies a Python buffer of the same size into it."},
    {"assign_to", jsbuffer_assign_to, METH_O, "Copies it into a Python buffer of the same size."},
    {"to_file", jsbuffer_to_file, METH_O, "Writes the bytes to a file."},
    {"from_file", jsbuffer_from_file, METH_O, "Reads the bytes from a file."},
    {NULL},
};

PyType_Slot jsbuffer_slots[] = {
    {Py_tp_methods, jsbuffer_methods},
    {Py_tp_doc, "A JavaScript ArrayBuffer, TypedArray or DataView."},
    {0, NULL},
};

PyType_Slot jstypedarray_slots[] = {
    {Py_mp_subscript, jsproxy_subscript},
    {Py_mp_ass_subscript, jsproxy_ass_subscript},
    {Py_tp_doc, "A JavaScript TypedArray."},
    {0, NULL},
};
