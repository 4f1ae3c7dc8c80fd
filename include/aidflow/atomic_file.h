/* aidflow — files written atomically.
 *
 * Output goes to a temporary file beside the target (same directory, so the final rename is
 * atomic on POSIX file systems), is flushed and fsync'ed, and only then renamed over the
 * target. A crash, a kill or a full disk leaves either the old file or the complete new one,
 * never a truncated file that looks complete.
 */
#ifndef AIDFLOW_ATOMIC_FILE_H
#define AIDFLOW_ATOMIC_FILE_H

#include <stdio.h>

#include "aidflow/error.h"
#include "aidflow/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct af_atomic_file af_atomic_file;

/* AF_INVAL, naming it, when `path` exists and is not a regular file (a directory, a FIFO, a
 * device, a socket, or a symlink to one of them): an output never replaces such a thing. A
 * missing file, a regular file or a symlink to one (the link is replaced) is AF_OK. */
AF_API af_status af_output_check(const char *path, af_error *err);

/* Opens a temporary file for `path` (after af_output_check, whose error it returns), and
 * removes the temporaries that dead writers of `path` on this host left beside it (a kill -9
 * gives a writer no chance to remove its own). AF_IO (with the path and the system's reason in err)
 * when the directory is missing or not writable; AF_NOMEM. */
AF_API af_status af_atomic_open(af_atomic_file **out, const char *path, af_error *err);
/* The stream to write to. */
AF_API FILE *af_atomic_stream(af_atomic_file *f);
/* The temporary file's path, for a writer that opens files by name (libxlsxwriter): what it
 * writes there is synced and renamed into place by af_atomic_commit like the stream's bytes
 * (write through one or the other, not both). Valid until commit or abort. */
AF_API const char *af_atomic_temp_path(const af_atomic_file *f);
/* Flushes, syncs, closes and renames into place; frees f in every case. On any write error
 * (a full disk included) the temporary file is removed, the target is left as it was, and
 * AF_IO is returned with the reason. */
AF_API af_status af_atomic_commit(af_atomic_file *f, af_error *err);
/* Gives up: closes and removes the temporary file, frees f. NULL is allowed. */
AF_API void af_atomic_abort(af_atomic_file *f);

/* Creates `dir` and any missing parents (mkdir -p). AF_IO, naming the directory and the
 * system's reason, when one cannot be made or `dir` is not a directory. */
AF_API af_status af_make_directories(const char *dir, af_error *err);

/* Writes `len` bytes to `path` atomically. */
AF_API af_status af_atomic_write(const char *path, const void *data, size_t len, af_error *err);

#ifdef __cplusplus
}
#endif
#endif
