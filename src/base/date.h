/* Calendar arithmetic on the proleptic Gregorian calendar: a date as a day number (days since
 * 1970-01-01, negative before), and back, with no time zones. Howard Hinnant's algorithms
 * ("chrono-Compatible Low-Level Date Algorithms"), exact for every date of years -9999..9999.
 */
#ifndef AF_BASE_DATE_H
#define AF_BASE_DATE_H

/* The day number of y-m-d (m 1..12, d 1..31, not checked against the month's length). */
long af_days_from_civil(int y, int m, int d);
/* The date of a day number. */
void af_civil_from_days(long days, int *y, int *m, int *d);
/* The weekday of a day number: 0 = Monday .. 6 = Sunday. */
int af_weekday(long days);
/* The day number's date as "YYYY-MM-DD" and a NUL (the year modulo 10000, four digits). */
void af_iso_date(long days, char out[11]);

#endif
