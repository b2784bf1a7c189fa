"""Packs extension modules built by the tests (side modules from tests/ext) into a real wheel for
the runtime's platform: make_ext_wheel.py OUT_DIR NAME VERSION FILE... puts each FILE at the top
of the wheel (so `spam.cpython-313-wasm32-emscripten.so` imports as `spam`), or where FILE=MEMBER
says (`libfoo.so=demo.libs/libfoo.so`), with WHEEL, METADATA, top_level.txt and a RECORD of sha256
hashes. Prints the wheel's path. Runs on the host Python."""

import base64
import hashlib
import os
import sys
import zipfile

TAG = "cp313-cp313-emscripten_3_1_69_wasm32"


def main(out_dir, name, version, *files):
    dist_info = f"{name}-{version}.dist-info"
    members = []
    for arg in files:
        path, _, member = arg.partition("=")
        with open(path, "rb") as f:
            members.append((member or os.path.basename(path), f.read()))
    tops = sorted({m.split("/")[0].split(".")[0] for m, _ in members if not m.split("/")[0].endswith(".libs")})
    members.append((f"{dist_info}/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()))
    members.append((f"{dist_info}/WHEEL", f"Wheel-Version: 1.0\nGenerator: sangam-tests\nRoot-Is-Purelib: false\nTag: {TAG}\n".encode()))
    members.append((f"{dist_info}/top_level.txt", "".join(t + "\n" for t in tops).encode()))
    record = []
    for member, data in members:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{member},sha256={digest},{len(data)}")
    record.append(f"{dist_info}/RECORD,,")
    members.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode()))
    out = os.path.join(out_dir, f"{name}-{version}-{TAG}.whl")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for member, data in members:
            z.writestr(member, data)
    print(out)


if __name__ == "__main__":
    main(*sys.argv[1:])
