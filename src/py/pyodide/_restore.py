"""What a runtime started from a memory snapshot (loadPyodide's _loadSnapshot) does first: the
interpreter is the snapshot's, so what this process was started with replaces what the snapshot's
process had (environment, argv), caches of the file system are dropped, and the random module, if
the snapshot imported it, is seeded afresh rather than repeating the snapshot's sequence."""

import os
import sys


def restored(env, argv):
    for key, value in env.items():
        os.environ[key] = value
    if argv is not None:
        sys.argv = argv
    # The path finders' directory caches (not importlib.invalidate_caches(), which imports
    # importlib.metadata: dozens of modules).
    for finder in sys.path_importer_cache.values():
        invalidate = getattr(finder, "invalidate_caches", None)
        if invalidate is not None:
            invalidate()
    random = sys.modules.get("random")
    if random is not None:
        random.seed()
