"""The standard library's optional part: a finder at the end of sys.meta_path for the modules that
tools/stdlib_zip.py moved out of the default download into python_stdlib_optional.zip (rarely
imported modules and the time zones, tzdata), and for those it leaves out altogether.

An import nothing else found, of a top-level name the optional zip holds, loads it from that zip
(/lib/python313-optional.zip: in Node always in place; in a browser once
loadPackage('stdlib-optional') fetched it), or fails saying how to load it. A left-out module fails
saying why. Submodules of an optional package are found through its __path__, inside the zip.
An extension module of the zip (a side module: _sqlite3) is written out to lib-dynload on
its first import and loaded from there like any other."""

import os
import sys
import zipfile
import zipimport
from importlib.machinery import ExtensionFileLoader
from importlib.util import spec_from_file_location

try:
    import _sangam_optional_index as _index  # (written by tools/stdlib_zip.py --optional)
except ImportError:  # a zip made without --optional: everything is in it
    _index = None

PACKAGE = "stdlib-optional"


class OptionalStdlibFinder:
    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        if _index is None or path is not None or "." in fullname:
            return None
        if fullname in _index.EXCLUDED:
            raise ModuleNotFoundError(
                f"No module named {fullname!r}: sangam's standard library leaves it out "
                f"({_index.EXCLUDED[fullname]})",
                name=fullname,
            )
        extensions = _index.EXTENSIONS
        if fullname not in _index.MODULES and fullname not in extensions:
            return None
        if not os.path.isfile(_index.PATH):
            raise ModuleNotFoundError(
                f"No module named {fullname!r} yet: it is in the optional part of the standard "
                f"library ({_index.ZIP_FILE}), which is not downloaded by default. Load it with "
                f"`await pyodide.loadPackage({PACKAGE!r})` in JS or "
                f"`await pyodide_js.loadPackage({PACKAGE!r})` in Python, then import again",
                name=fullname,
            )
        if fullname in extensions:
            return cls.extension_spec(fullname, extensions[fullname])
        return zipimport.zipimporter(_index.PATH).find_spec(fullname)

    @staticmethod
    def extension_spec(fullname, member):
        """The side module written out next to the others (once), then loaded from the file."""
        target = os.path.join(sys.prefix, "lib", "python%d.%d" % sys.version_info[:2], member)
        if not os.path.isfile(target):
            with zipfile.ZipFile(_index.PATH) as zf:
                data = zf.read(member)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            part = target + ".part"
            with open(part, "wb") as f:
                f.write(data)
            os.replace(part, target)
        return spec_from_file_location(fullname, target, loader=ExtensionFileLoader(fullname, target))


if OptionalStdlibFinder not in sys.meta_path:
    sys.meta_path.append(OptionalStdlibFinder)
