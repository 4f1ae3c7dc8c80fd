/* The event calendar's representation, for the engine's own files (calendar.c defines the
 * operations; station.c reads the clock through af_sim_clock, which the compiler inlines, where
 * a call to af_sim_now would cross into another file on every event). Not a public header:
 * outside src/engine/ the calendar is the opaque af_sim of aidflow/calendar.h.
 *
 * The heap is binary, over 16-byte entries that carry their whole key (time, seq), so sifting
 * compares without touching the event records, and the two children of a node share a cache
 * line (the array is placed so that heap[1] starts a 32-byte half line). A 4-ary heap with
 * the four children on one line was measured too and was slower (7.6 against 8.6 million hold
 * events a CPU second with 1,000 pending; the default year run 205 against 202 ms). Records
 * (handler, context, argument) live in a pool indexed by the entry's slot and are read once,
 * when the event runs. Cancelling only marks the record; the dead entry leaves the heap when it
 * reaches the top, or in a compaction when dead entries outnumber live ones.
 */
#ifndef AF_ENGINE_CALENDAR_IMPL_H
#define AF_ENGINE_CALENDAR_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "aidflow/calendar.h"

/* One pending event in the heap: ordered by (time, seq); seq is the insertion order, unique
 * among the entries in the heap (calendar.c renumbers them before the 32 bits run out). */
typedef struct af_heap_entry {
    af_time time;
    uint32_t seq;
    uint32_t slot;
} af_heap_entry;

typedef struct af_event_rec {
    af_event_fn fn;
    void *ctx;
    uint64_t arg;
    af_time time;  /* for af_sim_event_time */
    uint32_t gen;  /* bumped when the handle goes stale (run or cancelled) */
    uint32_t link; /* AF_REC_PENDING, AF_REC_CANCELLED, or the next free slot (AF_REC_NONE) */
} af_event_rec;

#define AF_REC_NONE UINT32_MAX
#define AF_REC_PENDING (UINT32_MAX - 1)
#define AF_REC_CANCELLED (UINT32_MAX - 2)
#define AF_REC_MAX_SLOTS (UINT32_MAX - 3)

struct af_sim {
    af_time now;
    uint64_t events_run;
    uint32_t next_seq;
    bool stop;
    /* heap[0] is empty while an event's handler runs and has scheduled nothing yet: the
     * handler's first schedule takes the root and sifts down once (a pop and a push in one
     * pass); otherwise the last entry fills it when the handler returns. */
    bool hole;

    af_heap_entry *heap; /* heap_mem + 1: heap[1] starts a 32-byte half line */
    void *heap_mem;
    size_t heap_len;     /* entries, dead ones and the hole included */
    size_t dead;         /* cancelled entries still in the heap (never heap[0] when settled) */

    af_event_rec *pool;
    uint32_t pool_cap;
    uint32_t free_head; /* AF_REC_NONE when empty */
#ifndef NDEBUG
    uint64_t ops_since_check;
#endif
};

/* af_sim_now, inlined. */
static inline af_time af_sim_clock(const af_sim *sim) { return sim->now; }

#endif
