/* The bodies of the libFuzzer targets, shared with tests/unit/scenario/test_fuzz_regressions.c
 * so that every corpus file and every fixed crash is replayed by the ordinary test suite.
 * Each returns normally on any input; a broken property calls abort(), which the fuzzer
 * reports as a crash. */
#ifndef AF_FUZZ_TARGETS_H
#define AF_FUZZ_TARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/scenario.h"
#include "base/date.h"
#include "scenario/units.h"

/* A loaded scenario must write out to text that loads back equal, and write the same again. */
static inline void fuzz_check_round_trip(const af_scenario *s)
{
    size_t n1, n2;
    char *y1 = af_scenario_to_yaml(s, &n1);
    if (!y1) return; /* out of memory */
    af_scenario *s2 = NULL;
    af_diagnostics *d = af_diagnostics_create(0);
    af_status st = af_scenario_load_buffer("<written>", y1, n1, NULL, 0, AF_LOAD_NO_FILES, &s2, d);
    if (st == AF_NOMEM) {
        af_diagnostics_destroy(d);
        free(y1);
        return;
    }
    if (st != AF_OK) {
        af_diagnostics_print(d, stderr);
        fprintf(stderr, "---- written text that does not load:\n%s\n", y1);
        abort();
    }
    char *y2 = af_scenario_to_yaml(s2, &n2);
    if (y2 && (n1 != n2 || memcmp(y1, y2, n1) || !af_scenario_equal(s, s2))) {
        fprintf(stderr, "---- first:\n%s\n---- second:\n%s\n", y1, y2);
        abort();
    }
    free(y2);
    af_scenario_free(s2);
    af_diagnostics_destroy(d);
    free(y1);
}

/* Diagnostics must be printable: every string present, lines within range. */
static inline void fuzz_check_diagnostics(const af_diagnostics *d, af_status st)
{
    size_t n = af_diagnostics_count(d);
    if (st == AF_PARSE && af_diagnostics_error_count(d) == 0) abort();
    for (size_t i = 0; i < n; i++) {
        const af_diagnostic *g = af_diagnostics_get(d, i);
        if (!g || !g->file || !g->message || g->line < 0 || g->column < 0) abort();
        if (g->line > 0 && g->column == 0) abort();
    }
    FILE *sink = fopen("/dev/null", "w");
    if (sink) {
        af_diagnostics_print(d, sink);
        fclose(sink);
    }
}

/* The loader on arbitrary text. */
static inline int fuzz_scenario(const uint8_t *data, size_t size)
{
    af_diagnostics *d = af_diagnostics_create(0);
    if (!d) return 0;
    af_scenario *s = NULL;
    af_status st = af_scenario_load_buffer("fuzz.yaml", (const char *)data, size, NULL, 0,
                                           AF_LOAD_NO_FILES, &s, d);
    if (st != AF_OK && st != AF_PARSE && st != AF_NOMEM) abort();
    if ((st == AF_OK) != (s != NULL)) abort();
    fuzz_check_diagnostics(d, st);
    if (s) fuzz_check_round_trip(s);
    af_scenario_free(s);
    af_diagnostics_destroy(d);
    return 0;
}

/* A scenario that uses most keys, for the --set target to walk through. */
static const char fuzz_base_scenario[] =
    "name: fuzz base\n"
    "start: 2024-03-01\n"
    "horizon: 30\n"
    "report: {coverage_target: 0.8}\n"
    "categories:\n"
    "  - {name: food, tonnes_per_truck: 15, daily_need: 0.98, dual_use: 0.01}\n"
    "  - {name: fuel, tonnes_per_truck: 30, daily_need: 0.05}\n"
    "regions:\n"
    "  - {name: south, population: 1000000, shifts: [{date: 2024-03-05, to: north, people: 10}]}\n"
    "  - {name: north, population: 500000}\n"
    "holds:\n"
    "  - {name: review, duration: {lognormal: {mean: 2 d, sd: 1 d}}, cleared: 0.9, rejected: 0.1,\n"
    "     on_reject: redispatch, repack: {triangular: [1 d, 2 d, 3 d]}}\n"
    "origins:\n"
    "  - name: al_arish\n"
    "    dispatch: \"06:00-18:00\"\n"
    "    plan:\n"
    "      - {from: 2024-03-01, trucks: {food: 100, fuel: 2 /week}}\n"
    "    stock: {food: 100 t}\n"
    "inspections:\n"
    "  - name: nitzana\n"
    "    lanes: 2\n"
    "    service: {empirical: [[10, 1], [20, 2]]}\n"
    "    hours: {sun-thu: \"08:00-16:00\", fri-sat: closed}\n"
    "    closures: [2024-03-03]\n"
    "    random_closures: {rate: 1 /week, duration: {exponential: 6 h}}\n"
    "    hold: review\n"
    "crossings:\n"
    "  - name: rafah\n"
    "    lanes: 2\n"
    "    service: {weibull: {shape: 2, scale: 30}}\n"
    "    transfer: {lanes: 1, service: 20}\n"
    "hubs:\n"
    "  - {name: rafah_hub, serves: [south, north], stock: {food: 10 t}, capacity: 1000 t}\n"
    "legs:\n"
    "  - {from: al_arish, to: nitzana, travel: 2 h, escort: {wait: 1 h}}\n"
    "  - {from: nitzana, to: rafah, travel: {gamma: [2, 30]}, closures: [[2024-03-04, 2024-03-05]]}\n"
    "  - {name: last_mile, from: rafah, to: rafah_hub, travel: {uniform: [10, 50]}, loss: 1%}\n"
    "routes:\n"
    "  - {name: main, origin: al_arish, via: [nitzana, rafah], hub: rafah_hub}\n";

/* One `--set` argument (the input up to its first NUL or newline) applied to that base. */
static inline int fuzz_set(const uint8_t *data, size_t size)
{
    char arg[1024];
    size_t n = 0;
    while (n < size && n + 1 < sizeof arg && data[n] && data[n] != '\n') {
        arg[n] = (char)data[n];
        n++;
    }
    arg[n] = '\0';
    const char *sets[] = {arg};
    af_diagnostics *d = af_diagnostics_create(0);
    if (!d) return 0;
    af_scenario *s = NULL;
    af_status st = af_scenario_load_buffer("base.yaml", fuzz_base_scenario,
                                           sizeof fuzz_base_scenario - 1, sets, 1,
                                           AF_LOAD_NO_FILES, &s, d);
    if (st != AF_OK && st != AF_PARSE && st != AF_NOMEM) abort();
    fuzz_check_diagnostics(d, st);
    if (s) fuzz_check_round_trip(s);
    af_scenario_free(s);
    af_diagnostics_destroy(d);
    return 0;
}

/* The unit, date and time parsers on raw bytes. */
static inline int fuzz_units(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    char msg[256];
    double v;
    static const char *const defaults[UNIT_KIND_COUNT_] = {NULL, "min", "/d", "t", "t/d", NULL};
    for (int k = 0; k < UNIT_KIND_COUNT_; k++) {
        msg[0] = '\0';
        if (units_quantity(s, size, (unit_kind)k, defaults[k], &v, msg, sizeof msg)) {
            if (v != v || v - v != 0) abort(); /* NaN or infinite */
        } else if (!memchr(msg, '\0', sizeof msg) || !msg[0]) {
            abort();
        }
    }
    if (units_number(s, size, &v) && (v != v || v - v != 0)) abort();
    int y, m, d, minute, a, b;
    if (units_date(s, size, &y, &m, &d, msg, sizeof msg)) {
        long days = af_days_from_civil(y, m, d);
        int y2, m2, d2;
        af_civil_from_days(days, &y2, &m2, &d2);
        if (y != y2 || m != m2 || d != d2) abort();
    }
    if (units_datetime(s, size, &y, &m, &d, &minute, msg, sizeof msg) &&
        (minute < 0 || minute >= 1440))
        abort();
    if (units_time_of_day(s, size, &a) && (a < 0 || a > 1440)) abort();
    if (units_time_window(s, size, &a, &b, msg, sizeof msg) && (a == b || a < 0 || b > 1440))
        abort();
    bool days[7];
    (void)units_weekdays(s, size, days, msg, sizeof msg);
    return 0;
}

#endif
