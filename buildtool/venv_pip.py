"""pip for a sangam venv (bin/pip of `sangam-build venv DIR`), run on the host interpreter.

pip runs unchanged except for what makes it choose for the runtime instead of the host: the wheel
tags and the environment markers are the runtime's (.sangam/target.json, asked from sangam when the
venv was made), and scripts are written for bin/python (sangam), not for the host interpreter.
Build environments for sdists run on the host with CC and friends set to a command that fails
with a message pointing at sangam-build, so only pure sdists install.
"""

import json
import os
import sys
from pathlib import Path


def main():
    venv = Path(os.environ["SANGAM_VENV"])
    target = json.loads((venv / ".sangam" / "target.json").read_text())
    from pip._vendor.packaging import markers, tags
    from pip._internal.utils import compatibility_tags

    runtime_tags = [t for s in target["tags"] for t in tags.parse_tag(s)]

    def get_supported(version=None, platforms=None, impl=None, abis=None):
        if version or platforms or impl or abis:
            return _original(version, platforms, impl, abis)
        return list(runtime_tags)

    _original = compatibility_tags.get_supported
    compatibility_tags.get_supported = get_supported
    env = dict(target["markers"])
    markers.default_environment = lambda: dict(env)

    # Scripts' #! line is bin/python (sangam); pip itself and its build environments stay on the host.
    from pip._internal.operations.install import wheel as install_wheel
    install_wheel.PipScriptMaker.executable = str(venv / "bin" / "python")

    from pip._internal.cli.main import main as pip_main
    return pip_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
