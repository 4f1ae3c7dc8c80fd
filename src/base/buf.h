/* A growable byte and text buffer, and the text encodings aidflow writes with it: CSV fields,
 * JSON strings and numbers in their shortest exact form.
 *
 * Appending never fails loudly: when an allocation fails the buffer remembers it (`failed`)
 * and ignores every later append, so composing code need not check each call; whoever writes
 * or takes the text checks once at the end. The text is always NUL-terminated once anything
 * has been appended (`data` is NULL before that). A zeroed af_buf is an empty buffer.
 */
#ifndef AF_BASE_BUF_H
#define AF_BASE_BUF_H

#include <stdbool.h>
#include <stddef.h>

#include "aidflow/error.h"

typedef struct af_buf {
    char *data;  /* len bytes, then a NUL; NULL while nothing was appended */
    size_t len;
    size_t cap;
    bool failed; /* an allocation failed: the text is incomplete */
} af_buf;

/* An empty buffer (the same as zeroing it). */
void af_buf_init(af_buf *b);
/* Frees the text and leaves an empty buffer. */
void af_buf_free(af_buf *b);
/* Hands the text over to the caller (free() it) and leaves an empty buffer; *len (if not NULL)
 * gets its length. NULL, with the buffer freed, when an allocation had failed; "" when empty. */
char *af_buf_take(af_buf *b, size_t *len);
/* The text so far; "" when empty. Valid until the next append. */
const char *af_buf_str(const af_buf *b);

/* Appends n bytes of s (which may hold NULs). */
void af_buf_putn(af_buf *b, const char *s, size_t n);
/* Appends the string s; NULL appends nothing. */
void af_buf_put(af_buf *b, const char *s);
/* Appends one byte. */
void af_buf_putc(af_buf *b, char c);
/* Appends printf-style. */
void af_buf_printf(af_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Appends s as one CSV field (RFC 4180): as it is, or quoted with its quotes doubled when it
 * holds a comma, a quote or a line break. */
void af_buf_csv(af_buf *b, const char *s);
/* Appends s as a JSON string, quotes included: ", \ and the control characters escaped
 * (\n \r \t by name, the others as \u00XX); other bytes, UTF-8 included, as they are.
 * NULL is written as "". */
void af_buf_json(af_buf *b, const char *s);
/* Appends v in its shortest exact form (af_fmt_num), or `nan_text` when v is NaN or infinite. */
void af_buf_num(af_buf *b, double v, const char *nan_text);

/* Writes the text to `path` atomically (af_atomic_write). AF_NOMEM, naming the path, when an
 * append had failed, so that a truncated text is never written. */
af_status af_buf_write(const af_buf *b, const char *path, af_error *err);

#endif
