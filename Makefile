# sangam: CPython for WebAssembly. One driver for everything; see README.md.
#   make            build dist/ (toolchain, C libraries and CPython come from the cache)
#   make test       build, then run the test suites
#   make bench      benchmarks against native CPython and Pyodide
#   make test-cpython   CPython's full regression suite inside the runtime
#   make docs       sangam's documentation site, dist/docs/ (its examples run in the page)
#   make packages       the package set (packages/) into dist/packages/; make test-packages runs its tests

SHELL := /bin/bash
# sangam's version: the one place it is written. C gets it as SANGAM_VERSION (pyodide.__version__),
# the JS loader as its exported `version` (substituted when dist/ is assembled).
VERSION := 0.1.0
export SANGAM_CACHE ?= $(HOME)/.cache/sangam
BUILD := build
DIST := dist
NODE := node

.PHONY: all npm docs test test-cpython packages test-packages test-cpython-quick bench format clean fuzz soak fault-sweep
all: $(DIST)/.stamp $(DIST)/console.html $(DIST)/sangam.snapshot

# Cached external builds; re-run whenever the recipes or the manifest change.
$(BUILD)/paths.mk: tools/setup.sh tools/lib.sh tools/toolchain.sh tools/build-libs.sh \
                   tools/build-python.sh tools/config.site-sangam tools/sources.manifest \
                   $(wildcard tools/patches/python/*)
	tools/setup.sh $@
ifeq ($(filter format clean,$(MAKECMDGOALS)),)
include $(BUILD)/paths.mk
endif

EMCC = source $(EM_ENV) && emcc
# One ABI for the main module, the C libraries and every side module (tools/build-python.sh).
ABI_FLAGS := -fPIC -fwasm-exceptions -sSUPPORT_LONGJMP=wasm
CORE_CFLAGS := -O2 -DSANGAM_VERSION='"$(VERSION)"' $(ABI_FLAGS) -I$(PY_SRC)/Include -I$(PY_BUILD) -Wall -Wextra -Wshadow \
	-Wmissing-prototypes -Wno-unused-parameter -Wno-missing-field-initializers -Werror
CORE_SRC := $(wildcard src/core/*.c)
CORE_OBJ := $(CORE_SRC:src/core/%.c=$(BUILD)/core/%.o)
CORE_JS := $(wildcard src/core/*.js)

$(BUILD)/core/%.o: src/core/%.c $(wildcard src/core/*.h) $(BUILD)/paths.mk
	@mkdir -p $(@D)
	$(EMCC) $(CORE_CFLAGS) -c $< -o $@

# The libraries CPython's own link would use, as its Makefile lists them.
$(BUILD)/pylibs.txt: $(BUILD)/paths.mk
	make -s -C $(PY_BUILD) -f Makefile -f <(printf 'print-%%:\n\t@echo $$($$*)\n') \
		print-LIBRARY print-MODLIBS print-LIBS | tr ' ' '\n' | grep -v '^$$' | awk '!seen[$$0]++' \
		| sed 's|^\([^-/]\)|$(PY_BUILD)/\1|' > $@

LINK_FLAGS := -O2 $(ABI_FLAGS) -sWASM_BIGINT -sMAIN_MODULE=1 -Wl,--wrap=dlopen -Wl,--wrap=ioctl -Wl,--wrap=clock_nanosleep \
	-sMODULARIZE=1 -sEXPORT_ES6=1 -sEXPORT_NAME=createSangamModule -sENVIRONMENT=web,worker,node \
	-sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=33554432 -sMAXIMUM_MEMORY=4294967296 \
	-sSTACK_SIZE=5242880 -sEXIT_RUNTIME=0 -sNODEJS_CATCH_EXIT=0 -sNODEJS_CATCH_REJECTION=0 \
	-sFORCE_FILESYSTEM=1 -lnodefs.js -lidbfs.js \
	-sINCOMING_MODULE_JS_API=locateFile,instantiateWasm,print,printErr,preRun \
	-sEXPORTED_FUNCTIONS=_malloc,_free -sDEFAULT_LIBRARY_FUNCS_TO_INCLUDE='$$Handles,$$SangamErrno,$$Errors,$$Convert,$$PyProxies,$$JsProxies,$$SangamDynload,$$SangamSnapshot' \
	-sEXPORTED_RUNTIME_METHODS=FS,ENV,stringToNewUTF8,stringToUTF8OnStack,UTF8ToString,stackSave,stackRestore,stackAlloc,getValue,setValue \
	$(addprefix --js-library ,$(CORE_JS))

# V8 compiles CPython's eval loop with its optimizing tier up front (tools/wasm-hints.mjs), so a
# one-shot script's one long eval-loop activation does not stay on baseline code.
EAGER_FUNCTIONS := _PyEval_EvalFrameDefault
$(DIST)/sangam.asm.mjs: $(CORE_OBJ) $(CORE_JS) $(BUILD)/pylibs.txt Makefile tools/wasm-hints.mjs
	@mkdir -p $(DIST)
	$(EMCC:emcc=em++) $(LINK_FLAGS) $(CORE_OBJ) $$(cat $(BUILD)/pylibs.txt) -L$(WASM_LIBS)/lib -o $@
	$(NODE) tools/wasm-hints.mjs $(DIST)/sangam.asm.wasm $(EAGER_FUNCTIONS)

# sangam's own Python packages (src/py: pyodide, ...) ship in the same zip as the stdlib.
PY_PKG_SRC := $(shell find src/py -name '*.py')
# So do the pinned PyPI wheels of tools/runtime-wheels.txt (packaging, for micropip).
$(BUILD)/runtime-wheels.list: tools/runtime-wheels.txt tools/fetch-pinned-wheels.sh
	@mkdir -p $(BUILD)
	tools/fetch-pinned-wheels.sh tools/runtime-wheels.txt runtime-wheels > $@.part && mv $@.part $@
# The extension modules tools/build-python.sh builds as side modules (its Setup.local names them);
# they go in the optional zip.
OPTIONAL_EXTENSIONS = $(shell awk '!/^\*/ {print $$1}' $(PY_BUILD)/Modules/Setup.local)
# The rarely imported modules and the time zones go into the second zip, which a browser fetches
# only when asked (tools/stdlib_zip.py OPTIONAL, src/py/_sangam_optional.py).
$(DIST)/python_stdlib.zip $(DIST)/python_stdlib_optional.zip &: tools/stdlib_zip.py $(BUILD)/paths.mk $(PY_PKG_SRC) $(BUILD)/runtime-wheels.list
	@mkdir -p $(DIST)
	$(PY_NATIVE)/bin/python3.13 tools/stdlib_zip.py --optional $(DIST)/python_stdlib_optional.zip \
		$$(for m in $(OPTIONAL_EXTENSIONS); do printf -- '--ext %s ' $(PY_BUILD)/build/lib.*/$$m.*.so; done) $(PY_SRC)/Lib \
		$$(ls $(PY_BUILD)/build/lib.*/_sysconfigdata_*.py) /usr/share/zoneinfo $@ src/py \
		$$(cat $(BUILD)/runtime-wheels.list)

# Headers for building extension modules out of tree.
$(DIST)/include/python3.13/pyconfig.h: $(BUILD)/paths.mk
	rm -rf $(@D) && mkdir -p $(@D)
	cp -r $(PY_SRC)/Include/. $(@D)/
	cp $(PY_BUILD)/pyconfig.h $@

JS_SRC := $(wildcard src/js/*.mjs)
$(DIST)/.stamp: $(DIST)/sangam.asm.mjs $(DIST)/python_stdlib.zip $(DIST)/python_stdlib_optional.zip $(DIST)/include/python3.13/pyconfig.h \
                $(JS_SRC) src/js/sangam.cjs src/js/sangam.d.ts Makefile
	cp $(JS_SRC) src/js/sangam.cjs src/js/sangam.d.ts $(DIST)/
	sed -i "s/@SANGAM_VERSION@/$(VERSION)/" $(DIST)/sangam.mjs $(DIST)/sangam.cjs
	id=$$(cat $(DIST)/sangam.asm.wasm $(DIST)/sangam.asm.mjs $(DIST)/python_stdlib.zip $(DIST)/python_stdlib_optional.zip $(JS_SRC) \
		| sha256sum | cut -c1-32) && sed -i "s/@SANGAM_BUILD_ID@/$$id/" $(DIST)/runtime.mjs
	cp src/js/sangam.d.ts $(DIST)/sangam.d.mts
	touch $@

# The memory snapshot loadPyodide and bin/sangam start from (src/js/snapshot.mjs); it is valid
# only for the build that made it, so it is remade whenever dist/ changes.
$(DIST)/sangam.snapshot: $(DIST)/.stamp tools/make-snapshot.mjs
	$(NODE) tools/make-snapshot.mjs $(DIST) $@

# The console page (src/console/): dist/console.html and dist/console/, with xterm.js from npm
# (pinned in src/console/package-lock.json). bin/sangam-serve serves it.
CONSOLE_SRC := $(wildcard src/console/*.mjs src/console/*.html)
XTERM := src/console/node_modules/@xterm/xterm
src/console/node_modules/.package-lock.json: src/console/package-lock.json
	cd src/console && npm ci --no-audit --no-fund --silent
$(DIST)/console.html: $(CONSOLE_SRC) src/console/node_modules/.package-lock.json
	@mkdir -p $(DIST)/console
	cp src/console/*.mjs $(XTERM)/lib/xterm.mjs $(XTERM)/css/xterm.css $(DIST)/console/
	cp src/console/console.html $@

# The npm package `sangam` (src/npm/): dist/sangam-$(VERSION).tgz.
npm: all
	tools/npm-pack.sh $(VERSION)

# sangam's documentation site (docs/), built with the try_examples extension (sphinxext/) and the
# Sphinx and numpydoc pinned in sphinxext/requirements.txt (tools/docs-venv.sh): dist/docs/.
docs: all
	$$(tools/docs-venv.sh) -m sphinx -q -W -b html docs $(DIST)/docs
	@echo "dist/docs/index.html (serve it: bin/sangam-serve $(DIST)/docs)"

test: all
	tools/test-deps.sh
	tests/run-all.sh

# The package set (packages/NAME.toml, buildtool/pkgset.py): wheels and their native libraries,
# built with bin/sangam-build and its cache, into dist/packages/ with a pyodide-lock.json; then each
# package's own tests with pytest in a sangam venv (a table of the results; build/package-set/).
# PACKAGES=name... chooses some.
packages: all
	nice bin/sangam-build package-set build $(PACKAGES)
test-packages: packages
	nice bin/sangam-build package-set test $(PACKAGES)

# CPython's own regression suite, module by module (tests/cpython/README.md).
test-cpython: all
	$(PY_NATIVE)/bin/python3.13 tests/cpython/run.py --lib $(PY_SRC)/Lib --all
test-cpython-quick: all
	$(PY_NATIVE)/bin/python3.13 tests/cpython/run.py --lib $(PY_SRC)/Lib --quick

# Longer runs of the robustness suite (tests/fuzz; make test runs a short one): the FFI fuzzer
# (FUZZ_SEEDS seeds 1..n or one FUZZ_SEED, FUZZ_OPS each), the soak (SOAK_TRIPS round trips), the
# allocation-failure sweep over every allocation (ALLOC_STRIDE, ALLOC_FROM/TO, ALLOC_PERSIST=1).
FUZZ_TEST = nice node --test --test-reporter=spec --test-timeout=0
fuzz: all
	FUZZ_SEEDS=$${FUZZ_SEEDS:-25} FUZZ_OPS=$${FUZZ_OPS:-10000} $(FUZZ_TEST) tests/fuzz/fuzz.test.mjs
soak: all
	SOAK_TRIPS=$${SOAK_TRIPS:-10000000} $(FUZZ_TEST) tests/fuzz/soak.test.mjs
fault-sweep: all
	ALLOC_STRIDE=$${ALLOC_STRIDE:-1} $(FUZZ_TEST) tests/fuzz/alloc.test.mjs

# C formatting: Debian bookworm's clang-format-19 with the checked-in .clang-format; `make test`
# checks it (tools/check-format.sh).
format:
	clang-format-19 -i --style=file src/core/*.c src/core/*.h tests/ext/*.c tests/ext/*.cpp

clean:
	rm -rf $(BUILD) $(DIST)

bench: all
	cd bench && npm install --no-audit --no-fund --silent
	nice node bench/run.mjs
	nice node bench/packages.mjs
