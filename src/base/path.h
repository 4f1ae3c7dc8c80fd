/* File paths: joining a directory and a name. (Directories are made by af_make_directories,
 * in aidflow/atomic_file.h.) */
#ifndef AF_BASE_PATH_H
#define AF_BASE_PATH_H

#include <stdbool.h>
#include <stddef.h>

/* "dir/name" in a new string (free() it): the trailing slashes of dir are dropped (a lone "/"
 * stays "/"), then one slash is put between; an empty dir gives name alone. NULL when out of
 * memory. */
char *af_path_join(const char *dir, const char *name);
/* The same into out[size]; false (out then holds a truncated path) when it does not fit. */
bool af_path_join_to(char *out, size_t size, const char *dir, const char *name);

/* True when both paths name one existing file (same device and inode, symlinks followed). */
bool af_path_same_file(const char *a, const char *b);

#endif
