// JS glue for posix.c's counterpart in src/js/posix.mjs: Emscripten's errno table (name to
// number, generated from its libc headers), exported so that JS needs no copy of the numbers.
addToLibrary({
  $SangamErrno__deps: ['$ERRNO_CODES'],
  $SangamErrno: {},
  $SangamErrno__postset: 'Module["ERRNO_CODES"] = ERRNO_CODES;',
});
