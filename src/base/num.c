/* Shortest exact numbers and hex. See num.h. */
#include "base/num.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

char *af_fmt_num(char *buf, size_t size, double v)
{
    if (isnan(v)) {
        if (size) buf[0] = '\0';
        return buf;
    }
    if (isinf(v)) {
        snprintf(buf, size, v > 0 ? "inf" : "-inf");
        return buf;
    }
    /* Fewer than 15 digits never read back where 15 do not give the same text: a double
     * carries at least 15 significant decimal digits, and %g drops trailing zeros. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) break;
    }
    return buf;
}

char *af_fmt_hex64(uint64_t v, char buf[17])
{
    snprintf(buf, 17, "%016" PRIx64, v);
    return buf;
}
