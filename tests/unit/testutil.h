/* testutil: helpers shared by the cmocka unit tests (temp dirs, files, running commands). */
#ifndef SPOTCHECK_TESTUTIL_H
#define SPOTCHECK_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* A fresh temporary directory, removed (recursively) by test_tmpdir_remove. */
char *test_tmpdir(void);
void test_tmpdir_remove(char *dir);
/* Writes n bytes to path; fails the test on error. */
void test_write_file(const char *path, const char *data, size_t n);
/* Reads a whole file (NUL-terminated, caller frees) or returns NULL. */
char *test_read_file(const char *path, size_t *len);
/* Runs a shell command, captures stdout into *out (caller frees; may be NULL), returns
 * the exit status (or -1). */
int test_run(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The spotcheck binary under test, from $SPOTCHECK_BIN. */
const char *test_bin(void);
/* The source tree, from $SPOTCHECK_SRC. */
const char *test_src(void);

#endif
