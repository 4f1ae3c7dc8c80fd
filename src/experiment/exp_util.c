/* The one helper of the experiment module that src/base/ has no use for: a monotonic clock
 * for job timings and progress. */
#include <time.h>

#include "experiment/exp_internal.h"

double exp_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}
