/* Atomic file replacement: temporary file, fsync, rename. See atomic_file.h.
 *
 * The temporary is named TARGET.tmp.HOST.PID.XXXXXX, so that a later writer of the same
 * target can tell a dead writer's leftovers (same host, no such process: a kill -9 or a
 * crash) from a live one's, and remove them. */
#include "aidflow/atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/path.h"

struct af_atomic_file {
    FILE *stream;
    char *path;
    char *tmp;
};

static const char *kind_of(mode_t m)
{
    if (S_ISDIR(m)) return "a directory";
    if (S_ISFIFO(m)) return "a FIFO";
    if (S_ISCHR(m)) return "a character device";
    if (S_ISBLK(m)) return "a block device";
    if (S_ISSOCK(m)) return "a socket";
    return "a special file";
}

af_status af_output_check(const char *path, af_error *err)
{
    struct stat sb;
    /* stat follows a symlink: a link to a FIFO is refused like the FIFO. A dangling link or a
     * missing file is a new file. */
    if (stat(path, &sb) != 0 || S_ISREG(sb.st_mode)) return AF_OK;
    return af_error_set(err, AF_INVAL,
                        "%s exists and is not a regular file (it is %s): refusing to replace it",
                        path, kind_of(sb.st_mode));
}

/* This host's name as letters, digits and '-' only (it goes into file names). */
static void host_tag(char *out, size_t size)
{
    char h[256] = "";
    if (gethostname(h, sizeof h - 1) != 0) h[0] = '\0';
    h[sizeof h - 1] = '\0';
    size_t n = 0;
    for (const char *p = h; *p && n + 1 < size; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-')
            out[n++] = *p;
    if (n == 0 && size > 1) out[n++] = 'h';
    out[n] = '\0';
}

/* Removes TARGET.tmp.HOST.PID.XXXXXX files beside `path` whose writer (this host, pid PID) no
 * longer exists. Best effort: a failure leaves them. */
static void remove_stale_temporaries(const char *path, const char *host)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    char dirname[4096];
    if (slash) {
        size_t dn = (size_t)(slash - path);
        if (dn == 0) dn = 1; /* "/name" */
        if (dn >= sizeof dirname) return;
        memcpy(dirname, path, dn);
        dirname[dn] = '\0';
    } else {
        strcpy(dirname, ".");
    }
    char prefix[512];
    int pn = snprintf(prefix, sizeof prefix, "%s.tmp.%s.", base, host);
    if (pn < 0 || (size_t)pn >= sizeof prefix) return;
    DIR *d = opendir(dirname);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, prefix, (size_t)pn) != 0) continue;
        const char *p = e->d_name + pn;
        long pid = 0;
        size_t digits = 0;
        for (; *p >= '0' && *p <= '9' && digits < 10; p++, digits++) pid = pid * 10 + (*p - '0');
        if (digits == 0 || *p != '.' || strlen(p + 1) != 6 || pid <= 0 || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue; /* alive, or not ours to judge */
        char *stale = af_path_join(dirname, e->d_name);
        if (stale) unlink(stale);
        free(stale);
    }
    closedir(d);
}

af_status af_atomic_open(af_atomic_file **out, const char *path, af_error *err)
{
    *out = NULL;
    if (!path || !*path) return af_error_set(err, AF_INVAL, "empty output path");
    af_status checked = af_output_check(path, err);
    if (checked != AF_OK) return checked;
    char host[64], tail[128];
    host_tag(host, sizeof host);
    remove_stale_temporaries(path, host);
    int tn = snprintf(tail, sizeof tail, ".tmp.%s.%ld.XXXXXX", host, (long)getpid());
    af_atomic_file *f = calloc(1, sizeof *f);
    size_t n = strlen(path);
    if (f) f->path = strdup(path);
    if (f) f->tmp = malloc(n + (size_t)tn + 1);
    if (!f || !f->path || !f->tmp) {
        if (f) {
            free(f->path);
            free(f->tmp);
            free(f);
        }
        return af_error_set(err, AF_NOMEM, "out of memory opening %s", path);
    }
    memcpy(f->tmp, path, n);
    memcpy(f->tmp + n, tail, (size_t)tn + 1);
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
const char *af_atomic_temp_path(const af_atomic_file *f) { return f->tmp; }

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
