/* Reading a whole stream into memory, with a cap on its size, for the readers of scenario
 * files and of aidflow's own outputs. The caller opens the file and words the errors (each
 * reader has its own style of message); this says which error it was. */
#ifndef AF_BASE_FILE_H
#define AF_BASE_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "aidflow/error.h"

/* Reads f to its end into a new buffer (*data, free() it) of *len bytes followed by a NUL;
 * f stays open. Returns AF_OK; AF_IO when a read fails (*sys_errno, if not NULL, then holds
 * the system's reason, never 0); AF_LIMIT when there are more than max_bytes; AF_NOMEM. On
 * failure *data is NULL and *len 0. */
af_status af_read_stream(FILE *f, size_t max_bytes, char **data, size_t *len, int *sys_errno);

#endif
