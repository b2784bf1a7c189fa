"""pyodide.unpackArchive (JS): unpacks an archive held in a JS buffer with shutil.unpack_archive.
Formats are named as shutil names them, or by a file suffix (Pyodide's synonyms)."""

import os
import shutil
import tempfile

_SYNONYMS = {
    "zip": ("zip", ".zip", "whl", ".whl", "wheel"),
    "tar": ("tar", ".tar"),
    "gztar": ("gztar", ".gztar", "tar.gz", ".tar.gz", "tgz", ".tgz"),
    "bztar": ("bztar", ".bztar", "tar.bz2", ".tar.bz2", "tbz2", ".tbz2", "tbz", ".tbz"),
    "xztar": ("xztar", ".xztar", "tar.xz", ".tar.xz", "txz", ".txz"),
}
_FORMATS = {name: fmt for fmt, names in _SYNONYMS.items() for name in names}


def unpack_buffer(buffer, format, extract_dir=None):
    """Unpacks the archive in buffer (a JsBuffer) into extract_dir (default: the working
    directory). An unknown format raises ValueError before anything is written."""
    fmt = _FORMATS.get(str(format).lower())
    if fmt is None:
        raise ValueError(f"Unrecognized format {format}")
    fd, path = tempfile.mkstemp()
    try:
        with os.fdopen(fd, "wb") as f:
            buffer.to_file(f)
        shutil.unpack_archive(path, extract_dir or os.getcwd(), fmt)
    finally:
        os.unlink(path)
