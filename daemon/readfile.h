/* readfile: reading a whole input file (or standard input for "-") with a size limit. */
#ifndef SPOTCHECK_READFILE_H
#define SPOTCHECK_READFILE_H

#include "common/error.h"
#include "common/strbuf.h"

/* Appends the file's bytes to out. Returns 0, SC_EINPUT (cannot open, larger than
 * max_bytes, a directory) or SC_ENOMEM, with err saying which. */
int read_file_limited(const char *path, size_t max_bytes, struct strbuf *out,
                      struct sc_error *err);

#endif
