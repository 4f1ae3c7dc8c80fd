/* Numbers with units, dates, times of day and weekdays, as a planner writes them.
 *
 * A quantity is a number optionally followed by a unit: "45 min", "1.5h", "120 trucks/d",
 * "2 /week", "0.98 kg", "15 t", "200 t/d", "5%". Each kind of quantity converts to one
 * resolved unit (minutes, per day, tonnes, tonnes per day, a fraction). A bare number takes
 * the default unit the key documents. Every parser here is pure: text in, value or message
 * out, so that each can be fuzzed alone.
 */
#ifndef AF_SCENARIO_UNITS_H
#define AF_SCENARIO_UNITS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum unit_kind {
    UNIT_NONE,      /* a plain number: no unit allowed */
    UNIT_DURATION,  /* -> minutes */
    UNIT_RATE,      /* count per time -> per day ("120 trucks/d", "2 /week") */
    UNIT_MASS,      /* -> tonnes */
    UNIT_MASS_RATE, /* -> tonnes per day */
    UNIT_FRACTION,  /* a number or a percentage -> a fraction */
    UNIT_KIND_COUNT_
} unit_kind;

/* "a duration", "a rate", ... and the units it accepts ("min, h, d, week"). */
const char *unit_kind_name(unit_kind k);
const char *unit_kind_units(unit_kind k);

/* Parses a decimal number: optional sign, digits with optional '_' between them, optional
 * fraction and exponent. No hex, inf or nan. The whole text must be the number. False when
 * it is not one or is not finite. */
bool units_number(const char *s, size_t len, double *out);

/* Parses a quantity of kind k. `default_unit` (a unit spelling of that kind, e.g. "min" or
 * "d") applies to a bare number; NULL means a bare number is taken in the resolved unit.
 * On failure writes a message such as "expected a duration such as '45 min' or '2 h'" to
 * msg (the caller adds where and what was found) and returns false. */
bool units_quantity(const char *s, size_t len, unit_kind k, const char *default_unit,
                    double *out, char *msg, size_t msg_size);

/* The factor that converts a unit spelling of kind k to the resolved unit, or 0 if unknown. */
double units_factor(unit_kind k, const char *unit);

/* (Day numbers and weekdays of dates: base/date.h.) */
/* "YYYY-MM-DD" (years 1900-2199), checked against the calendar. */
bool units_date(const char *s, size_t len, int *y, int *m, int *d, char *msg, size_t msg_size);
/* "YYYY-MM-DD HH:MM" (or with 'T'): minutes since midnight of that date in *minute. */
bool units_datetime(const char *s, size_t len, int *y, int *m, int *d, int *minute, char *msg,
                    size_t msg_size);
/* "HH:MM", 00:00 to 24:00 -> minutes after midnight. */
bool units_time_of_day(const char *s, size_t len, int *minutes);
/* "HH:MM-HH:MM" -> [open, close) in minutes; close may be <= open (over midnight). */
bool units_time_window(const char *s, size_t len, int *open, int *close, char *msg,
                       size_t msg_size);
/* "mon", "monday", "mon-thu", "sun-thu" (ranges wrap past Sunday), or a comma-separated list
 * of those. Sets days[0..6] (0 = Monday) for every day named; false with a message if a part
 * is not a day. */
bool units_weekdays(const char *s, size_t len, bool days[7], char *msg, size_t msg_size);
/* Short name of a weekday, "mon" for 0. */
const char *units_weekday_name(int d);

#endif
