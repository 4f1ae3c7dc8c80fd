/* aidflow — status codes and error reports.
 *
 * Every library function that can fail returns an af_status and, where a caller may want to
 * know more, fills an af_error. The library never prints and never calls exit(): what to say
 * to the user is the caller's business.
 */
#ifndef AIDFLOW_ERROR_H
#define AIDFLOW_ERROR_H

#include "aidflow/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One table generates the enum, the names and the messages (libuv's UV_ERRNO_MAP idea). */
#define AF_STATUS_MAP(X)                                                   \
    X(OK, "success")                                                       \
    X(NOMEM, "out of memory")                                              \
    X(INVAL, "invalid argument")                                           \
    X(IO, "input/output error")                                            \
    X(PARSE, "invalid scenario")                                           \
    X(RANGE, "value out of range")                                         \
    X(FULL, "queue full")                                                  \
    X(NOTFOUND, "not found")                                               \
    X(LIMIT, "resource limit exceeded")                                    \
    X(INTERRUPTED, "interrupted")                                          \
    X(INTERNAL, "internal error")

typedef enum af_status {
#define AF_STATUS_ENUM_(name, msg) AF_##name,
    AF_STATUS_MAP(AF_STATUS_ENUM_)
#undef AF_STATUS_ENUM_
    AF_STATUS_COUNT_
} af_status;

/* A human-readable message for a status ("out of memory"). Never NULL. */
AF_API const char *af_strerror(af_status status);
/* The status's short name ("AF_NOMEM"). Never NULL. */
AF_API const char *af_status_name(af_status status);

/* Where and what went wrong. `file` may be empty; line and column are 1-based, 0 if unknown. */
typedef struct af_error {
    af_status status;
    char file[512];
    int line;
    int column;
    char message[1024];
} af_error;

/* Clears an error report (status AF_OK, empty strings). NULL is allowed. */
AF_API void af_error_clear(af_error *err);

/* Fills `err` (if not NULL) printf-style and returns `status`, so that a function can
 * `return af_error_set(err, AF_INVAL, "lanes must be >= 1, got %d", n);`. */
AF_API af_status af_error_set(af_error *err, af_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#ifdef __cplusplus
}
#endif
#endif
