/* Day numbers and civil dates. See date.h. */
#include "base/date.h"

#include <stdio.h>
#include <string.h>

long af_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153u * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

void af_civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    const long era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long yy = (long)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

int af_weekday(long days)
{
    /* 1970-01-01 was a Thursday (3). */
    long w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

void af_iso_date(long days, char out[11])
{
    int y, m, d;
    af_civil_from_days(days, &y, &m, &d);
    int yy = y % 10000;
    if (yy < 0) yy = -yy;
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", yy, m, d);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}
