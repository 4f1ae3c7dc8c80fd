/* Shortest exact numbers and hex. See num.h. */
#include "base/num.h"

#include <float.h>
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
    /* A normal double carries at least 15 significant decimal digits, so where fewer digits
     * read back, %.15g gives the same text (%g drops trailing zeros): starting at 15 saves
     * the tries. A subnormal carries fewer, so its search starts at one digit. */
    int from = fabs(v) < DBL_MIN && v != 0 ? 1 : 15;
    for (int prec = from; prec <= 17; prec++) {
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
