/* HTML escaping for the report. See escape.h. */
#include "report/escape.h"

#include <string.h>

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len) return 0;
    unsigned cp = c & (0x3Fu >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

void rp_escn(af_buf *b, const char *s, size_t n)
{
    if (!s) return;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0; /* bytes [i - run, i) are plain and not yet copied */
    while (i < n) {
        const char *rep = NULL;
        size_t adv = 1;
        unsigned c = p[i];
        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default:
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
                rep = "\xEF\xBF\xBD";
            } else if (c >= 0x80) {
                adv = utf8_len(p + i, n - i);
                if (adv == 0) {
                    rep = "\xEF\xBF\xBD";
                    adv = 1;
                }
            }
        }
        if (rep) {
            af_buf_putn(b, s + i - run, run);
            run = 0;
            af_buf_put(b, rep);
            i += adv;
        } else {
            run += adv;
            i += adv;
        }
    }
    af_buf_putn(b, s + n - run, run);
}

void rp_esc(af_buf *b, const char *s)
{
    if (s) rp_escn(b, s, strlen(s));
}

void rp_esc_trunc(af_buf *b, const char *s, size_t max_chars)
{
    if (!s) return;
    size_t i = 0, chars = 0, len = strlen(s);
    while (i < len && chars < max_chars) {
        i++;
        while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
        chars++;
    }
    rp_escn(b, s, i);
    if (i < len) af_buf_put(b, "\xE2\x80\xA6");
}
