/* Whole-stream reading. See file.h. */
#include "base/file.h"

#include <errno.h>
#include <stdlib.h>

static af_status fail(af_status st, int e, char *buf, int *sys_errno)
{
    if (sys_errno) *sys_errno = e;
    free(buf);
    return st;
}

af_status af_read_stream(FILE *f, size_t max_bytes, char **data, size_t *len, int *sys_errno)
{
    *data = NULL;
    *len = 0;
    if (sys_errno) *sys_errno = 0;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf) return fail(AF_NOMEM, 0, NULL, sys_errno);
    for (;;) {
        if (n + 1 >= cap) { /* room for a byte more, so that the end is seen, and the NUL */
            char *nb = cap <= (size_t)-1 / 2 ? realloc(buf, cap * 2) : NULL;
            if (!nb) return fail(AF_NOMEM, 0, buf, sys_errno);
            buf = nb;
            cap *= 2;
        }
        errno = 0;
        size_t k = fread(buf + n, 1, cap - 1 - n, f);
        n += k;
        if (n > max_bytes) return fail(AF_LIMIT, 0, buf, sys_errno);
        if (k == 0) break;
    }
    if (ferror(f)) return fail(AF_IO, errno ? errno : EIO, buf, sys_errno);
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return AF_OK;
}
