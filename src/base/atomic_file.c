/* Atomic file replacement: temporary file, fsync, rename. See atomic_file.h. */
#include "aidflow/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct af_atomic_file {
    FILE *stream;
    char *path;
    char *tmp;
};

af_status af_atomic_open(af_atomic_file **out, const char *path, af_error *err)
{
    *out = NULL;
    if (!path || !*path) return af_error_set(err, AF_INVAL, "empty output path");
    af_atomic_file *f = calloc(1, sizeof *f);
    size_t n = strlen(path);
    if (f) f->path = strdup(path);
    if (f) f->tmp = malloc(n + sizeof ".tmp.XXXXXX");
    if (!f || !f->path || !f->tmp) {
        if (f) {
            free(f->path);
            free(f->tmp);
            free(f);
        }
        return af_error_set(err, AF_NOMEM, "out of memory opening %s", path);
    }
    memcpy(f->tmp, path, n);
    memcpy(f->tmp + n, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    int fd = mkstemp(f->tmp);
    if (fd < 0) {
        af_status st = af_error_set(err, AF_IO, "cannot create %s: %s", path, strerror(errno));
        free(f->path);
        free(f->tmp);
        free(f);
        return st;
    }
    /* mkstemp makes the file 0600; outputs are ordinary files, readable like any other. */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    f->stream = fdopen(fd, "w");
    if (!f->stream) {
        af_status st = af_error_set(err, AF_IO, "cannot write %s: %s", path, strerror(errno));
        close(fd);
        unlink(f->tmp);
        free(f->path);
        free(f->tmp);
        free(f);
        return st;
    }
    *out = f;
    return AF_OK;
}

FILE *af_atomic_stream(af_atomic_file *f) { return f->stream; }

static void release(af_atomic_file *f)
{
    free(f->path);
    free(f->tmp);
    free(f);
}

af_status af_atomic_commit(af_atomic_file *f, af_error *err)
{
    int failed_errno = 0;
    if (fflush(f->stream) != 0 || ferror(f->stream)) failed_errno = errno ? errno : EIO;
    if (!failed_errno && fsync(fileno(f->stream)) != 0) failed_errno = errno;
    if (fclose(f->stream) != 0 && !failed_errno) failed_errno = errno ? errno : EIO;
    f->stream = NULL;
    if (!failed_errno && rename(f->tmp, f->path) != 0) failed_errno = errno;
    if (failed_errno) {
        unlink(f->tmp);
        af_status st = af_error_set(err, AF_IO, "cannot write %s: %s", f->path, strerror(failed_errno));
        release(f);
        return st;
    }
    release(f);
    return AF_OK;
}

void af_atomic_abort(af_atomic_file *f)
{
    if (!f) return;
    if (f->stream) fclose(f->stream);
    unlink(f->tmp);
    release(f);
}

af_status af_atomic_write(const char *path, const void *data, size_t len, af_error *err)
{
    af_atomic_file *f;
    af_status st = af_atomic_open(&f, path, err);
    if (st != AF_OK) return st;
    if (len && fwrite(data, 1, len, f->stream) != len) {
        /* Let commit report the stream error with its reason. */
    }
    return af_atomic_commit(f, err);
}

af_status af_make_directories(const char *dir, af_error *err)
{
    size_t n = strlen(dir);
    char *p = malloc(n + 1);
    if (!p) return af_error_set(err, AF_NOMEM, "out of memory");
    memcpy(p, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\0') continue;
        char c = p[i];
        p[i] = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            af_status st = af_error_set(err, AF_IO, "cannot create directory %s: %s", p, strerror(errno));
            free(p);
            return st;
        }
        p[i] = c;
    }
    free(p);
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return af_error_set(err, AF_IO, "cannot write into %s: not a directory", dir);
    return AF_OK;
}
