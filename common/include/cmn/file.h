/* file.h - whole files in and out, for start-up and tools (blocking I/O,
 * not for the loop thread once a service runs). */
#ifndef CMN_FILE_H
#define CMN_FILE_H
#include "cmn/err.h"

#include <stddef.h>

/* Reads the file at path, at most max bytes, into a new NUL-terminated
 * buffer. Caller owns *out (free()). CMN_ENOENT (no such file), CMN_EIO,
 * CMN_EMSGSIZE (larger than max) or CMN_ENOMEM, with the reason, naming
 * the file, in why. */
int cmn_file_read(const char *path, size_t max, char **out, size_t *len,
                  char *why, size_t whylen) CMN_MUST_CHECK;

/* Replaces the file at path with data[0..len) so that a crash leaves the
 * old or the new content, never a mix: written to a temporary file beside
 * it with mode, fsync()ed, renamed over it, the directory fsync()ed. */
int cmn_file_write_atomic(const char *path, const void *data, size_t len,
                          int mode, char *why, size_t whylen) CMN_MUST_CHECK;

#endif /* CMN_FILE_H */
