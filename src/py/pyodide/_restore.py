"""What a runtime started from a memory snapshot (loadPyodide's _loadSnapshot) does first: the
interpreter is the snapshot's, so what this process was started with replaces what the snapshot's
process had (environment, argv), caches of the file system are dropped, and the random module, if
the snapshot imported it, is seeded afresh rather than repeating the snapshot's sequence."""

import os
import sys


def restored(env, argv, own_zips=()):
    for key, value in env.items():
        os.environ[key] = value
    if argv is not None:
        sys.argv = argv
    # The path finders' directory caches (not importlib.invalidate_caches(), which imports
    # importlib.metadata: dozens of modules). The standard library's zip (own_zips) is this
    # build's, as the snapshot is: its directory stays read (reading it again cost the first
    # import after a restore some 20 ms).
    for finder in sys.path_importer_cache.values():
        if getattr(finder, "archive", None) in own_zips:
            continue
        invalidate = getattr(finder, "invalidate_caches", None)
        if invalidate is not None:
            invalidate()
    random = sys.modules.get("random")
    if random is not None:
        random.seed()
