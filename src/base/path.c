/* Path joining. See path.h. */
#include "base/path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Length of dir without its trailing slashes, and the separator to put after it. */
static size_t dir_part(const char *dir, const char **sep)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    *sep = n == 0 || (n == 1 && dir[0] == '/') ? "" : "/";
    return n;
}

bool af_path_join_to(char *out, size_t size, const char *dir, const char *name)
{
    const char *sep;
    size_t n = dir_part(dir, &sep);
    int w = snprintf(out, size, "%.*s%s%s", (int)n, dir, sep, name);
    return w >= 0 && (size_t)w < size;
}

char *af_path_join(const char *dir, const char *name)
{
    const char *sep;
    size_t n = dir_part(dir, &sep);
    size_t size = n + strlen(sep) + strlen(name) + 1;
    char *p = malloc(size);
    if (p) snprintf(p, size, "%.*s%s%s", (int)n, dir, sep, name);
    return p;
}

bool af_path_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
