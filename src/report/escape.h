/* Escaping for HTML and SVG text: the report composes its page in an af_buf (base/buf.h), and
 * everything that comes from the files it reads goes through here. */
#ifndef AF_REPORT_ESCAPE_H
#define AF_REPORT_ESCAPE_H

#include <stddef.h>

#include "base/buf.h"

/* Appends `s` escaped for HTML text and attribute values (& < > " '). Invalid UTF-8 and
 * control characters other than tab and newline become U+FFFD, so that no input can break the
 * markup or the document's encoding. NULL appends nothing. */
void rp_esc(af_buf *b, const char *s);
/* Like rp_esc for the first `n` bytes of `s`. */
void rp_escn(af_buf *b, const char *s, size_t n);
/* Like rp_esc, cut to at most max_chars characters (UTF-8 aware) with an ellipsis: for SVG
 * labels, which do not wrap (the full name goes into the element's <title>). */
void rp_esc_trunc(af_buf *b, const char *s, size_t max_chars);

#endif
