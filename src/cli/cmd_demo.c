/* `aidflow demo`: the engine alone on one station, without the logistics model (src/model/,
 * which `aidflow run` uses): a quick look at queueing at a crossing and a smoke test of the
 * engine.
 *
 * One crossing modelled on Kerem Shalom: inspection lanes with lognormal service times (mean
 * 30 min: "over 30 minutes per truck", KUNA, Aug 2025),
 * open Sunday to Thursday 08:00-16:00 and Friday 08:00-12:00, closed on Saturday (COGAT
 * hours as reported in 2024; the exact hours are an assumption), and a Poisson stream of
 * trucks arriving at its staging area. It prints a line per day and a summary.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/aidflow.h"
#include "cli/commands.h"

typedef struct demo {
    af_sim *sim;
    af_station *st;
    af_rng *arrivals;
    af_rng *service;
    af_dist interarrival;
    af_dist service_time;
    uint64_t next_truck;
} demo;

static void truck_arrives(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    demo *d = ctx;
    af_station_arrive(d->st, d->next_truck++, 0, af_dist_sample(&d->service_time, d->service));
    af_sim_schedule(sim, af_dist_sample(&d->interarrival, d->arrivals), truck_arrives, d, 0);
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: aidflow demo [--days N] [--lanes N] [--trucks-per-day X] [--seed N]\n"
            "  One crossing with lanes, opening hours and a Poisson truck stream; prints\n"
            "  daily arrivals, trucks served, queue at midnight and mean wait.\n"
            "  Defaults: 14 days, 20 lanes, 200 trucks/day, seed 1.\n");
}

static int parse_positive(const char *opt, const char *text, double max, double *out)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !(v > 0) || v > max) {
        fprintf(stderr, "aidflow demo: %s expects a number in (0, %g], got '%s'\n", opt, max, text);
        return -1;
    }
    *out = v;
    return 0;
}

int af_cmd_demo(int argc, char **argv)
{
    double days = 14, lanes = 20, per_day = 200, seed = 1;
    static const struct option longopts[] = {
        {"days", required_argument, NULL, 'd'},  {"lanes", required_argument, NULL, 'l'},
        {"trucks-per-day", required_argument, NULL, 't'},
        {"seed", required_argument, NULL, 's'},  {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'd': bad = parse_positive("--days", optarg, 3650, &days); break;
        case 'l': bad = parse_positive("--lanes", optarg, 1000, &lanes); break;
        case 't': bad = parse_positive("--trucks-per-day", optarg, 1e6, &per_day); break;
        case 's': bad = parse_positive("--seed", optarg, 4e18, &seed); break;
        case 'h': usage(stdout); return AF_EXIT_OK;
        default: usage(stderr); return AF_EXIT_USAGE;
        }
        if (bad) return AF_EXIT_USAGE;
    }
    if (optind < argc) {
        fprintf(stderr, "aidflow demo: unexpected argument '%s'\n", argv[optind]);
        return AF_EXIT_USAGE;
    }

    int status = AF_EXIT_FAIL;
    af_error err;
    af_error_clear(&err);
    demo d = {0};
    /* 2024-03-03 was a Sunday. */
    af_schedule *hours = af_schedule_create(AF_SUNDAY);
    d.sim = af_sim_create(1024);
    d.arrivals = af_rng_create((uint64_t)seed, 0, "arrivals/demo");
    d.service = af_rng_create((uint64_t)seed, 0, "service/kerem_shalom");
    if (!hours || !d.sim || !d.arrivals || !d.service) {
        fprintf(stderr, "aidflow demo: out of memory\n");
        goto done;
    }
    static const int workdays[] = {AF_SUNDAY, AF_MONDAY, AF_TUESDAY, AF_WEDNESDAY, AF_THURSDAY};
    for (size_t i = 0; i < 5; i++)
        if (af_schedule_add_hours(hours, workdays[i], 8 * 60, 16 * 60, &err) != AF_OK) goto fail;
    if (af_schedule_add_hours(hours, AF_FRIDAY, 8 * 60, 12 * 60, &err) != AF_OK ||
        af_dist_exponential(&d.interarrival, AF_MINUTES_PER_DAY / per_day, &err) != AF_OK ||
        af_dist_lognormal(&d.service_time, 30, 15, &err) != AF_OK)
        goto fail;
    af_station_config cfg = {.name = "kerem_shalom", .lanes = (unsigned)lanes,
                             .discipline = AF_QUEUE_FCFS, .schedule = hours,
                             .wip = AF_WIP_FINISH};
    if (af_station_create(&d.st, d.sim, &cfg, NULL, &err) != AF_OK) goto fail;

    static const char *const wd[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    printf("aidflow %s demo: one crossing, %u lanes, lognormal(30 min, sd 15) service,\n"
           "open Sun-Thu 08-16 and Fri 08-12, %.0f trucks/day arriving, seed %.0f\n\n",
           af_version(), (unsigned)lanes, per_day, seed);
    printf("%4s %4s %9s %7s %16s %14s\n", "day", "wkdy", "arrivals", "served", "queue_midnight",
           "wait_mean_h");
    af_sim_schedule(d.sim, af_dist_sample(&d.interarrival, d.arrivals), truck_arrives, &d, 0);
    uint64_t total_served = 0;
    for (int day = 0; day < (int)days; day++) {
        af_sim_run_until(d.sim, (day + 1) * AF_MINUTES_PER_DAY);
        const af_station_stats *s = af_station_get_stats(d.st);
        printf("%4d %4s %9llu %7llu %16zu %14.1f\n", day + 1,
               wd[af_schedule_weekday(hours, day * AF_MINUTES_PER_DAY)],
               (unsigned long long)s->arrivals, (unsigned long long)s->served,
               af_station_queue_length(d.st) + af_station_blocked_count(d.st),
               s->wait.n ? af_tally_mean(&s->wait) / 60 : 0.0);
        total_served += s->served;
        af_station_reset_stats(d.st);
    }
    double open_h = af_schedule_open_minutes(hours, 0, days * AF_MINUTES_PER_DAY) / 60;
    printf("\nserved %llu trucks in %.0f days (%.1f a day); open %.0f h; capacity at the mean "
           "service time %.0f trucks\n",
           (unsigned long long)total_served, days, (double)total_served / days, open_h,
           lanes * open_h * 60 / 30);
    status = AF_EXIT_OK;
    goto done;
fail:
    fprintf(stderr, "aidflow demo: %s\n", err.message);
done:
    af_station_destroy(d.st);
    af_rng_destroy(d.arrivals);
    af_rng_destroy(d.service);
    af_sim_destroy(d.sim);
    af_schedule_destroy(hours);
    return status;
}
