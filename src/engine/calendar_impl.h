/* The event calendar's representation, for the engine's own files (calendar.c defines the
 * operations; station.c reads the clock through af_sim_clock, which the compiler inlines, where
 * a call to af_sim_now would cross into another file on every event). Not a public header:
 * outside src/engine/ the calendar is the opaque af_sim of aidflow/calendar.h.
 *
 * The heap is binary, over 16-byte entries that carry their whole key (time, seq), so sifting
 * compares without touching the event records, and the two children of a node share a cache
 * line (the array is placed so that heap[1] starts a 32-byte half line). Past the heap's last
 * entry the array holds zeros, at least up to the children of that entry (position 2 n for a
 * heap of n), and a zero entry is later than every event: a sift down stops at a leaf because
 * its children are zeros, without testing the heap's bound at every level, and an empty
 * heap's root is a zero whose time is a NaN, which no horizon includes. A 4-ary heap with
 * the four children on one line was measured too and was slower (7.6 against 8.6 million hold
 * events a CPU second with 1,000 pending; the default year run 205 against 202 ms). Records
 * (handler, context, argument) live in a pool indexed by the entry's slot and are read once,
 * when the event runs. Cancelling only marks the record; the dead entry leaves the heap when it
 * reaches the top, or in a compaction when dead entries outnumber live ones.
 *
 * The hot half of scheduling (af_sim_push: take a record, place the entry) is here as an
 * inline function, so that station.c's start of a service, which schedules its completion,
 * does it without a call; af_sim_schedule_at is the same function behind its argument checks.
 * Its rare paths (growing the pool, renumbering, dropping dead entries, the debug build's
 * whole-heap check) stay in calendar.c.
 */
#ifndef AF_ENGINE_CALENDAR_IMPL_H
#define AF_ENGINE_CALENDAR_IMPL_H

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "aidflow/calendar.h"

/* One pending event in the heap: ordered by (time, seq); seq is the insertion order, unique
 * among the entries in the heap (calendar.c renumbers them before the 32 bits run out).
 *
 * The key is kept as two integers, so that a comparison is one 128-bit integer comparison
 * (two instructions and a flag) where the doubles' took a dozen: `hi` holds the complement of
 * the time's bits, which order as the times do, every time being >= 0 (never NaN; -0.0 is
 * stored as +0.0, its equal); `lo` holds the complement of seq in its upper half and of the
 * record's slot in its lower half, which never decides (seq is unique). The complements make
 * the earlier event the larger integer, so that the zero entry (calloc'd memory, and what a
 * pop leaves behind) is the latest of all: no event's hi is 0 (the time's sign bit is 0, so
 * its complement's is 1). The default year ran 646.0 M instructions with the doubles'
 * compared, 595.7 M this way (with the sift below; callgrind, release). */
typedef struct af_heap_entry {
    uint64_t lo; /* ~(seq << 32 | slot) */
    uint64_t hi; /* ~(the time's bits) */
} af_heap_entry;

/* The entry of an event at t >= 0 (or -0.0) with sequence number seq, in record slot. */
static inline af_heap_entry af_heap_entry_make(af_time t, uint32_t seq, uint32_t slot)
{
    uint64_t bits;
    memcpy(&bits, &t, sizeof bits);
    bits &= ~((uint64_t)1 << 63); /* -0.0 as +0.0 */
    return (af_heap_entry){.lo = ~((uint64_t)seq << 32 | slot), .hi = ~bits};
}

static inline af_time af_heap_time(const af_heap_entry *e)
{
    uint64_t bits = ~e->hi;
    af_time t;
    memcpy(&t, &bits, sizeof t);
    return t;
}

static inline uint32_t af_heap_slot(const af_heap_entry *e) { return (uint32_t)~e->lo; }

static inline uint32_t af_heap_seq(const af_heap_entry *e) { return (uint32_t)(~e->lo >> 32); }

/* The entry past the heap's end: later than every event (zero bits). */
static inline bool af_heap_is_end(const af_heap_entry *e) { return (e->lo | e->hi) == 0; }

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
    /* The horizon of the af_sim_run_until that is running; af_sim_stop makes it -INFINITY, so
     * that the loop's one test of the next event's time also ends it on a stop. */
    af_time limit;
    /* heap[0] is empty while an event's handler runs and has scheduled nothing yet: the
     * handler's first schedule takes the root and sifts down once (a pop and a push in one
     * pass); otherwise the last entry fills it when the handler returns. */
    bool hole;
    /* While the hole is open, the record slot of the event that is running: its generation is
     * bumped (its handle is stale), and it is kept out of the free list for the handler's first
     * schedule, which fills the hole with it (the slot it would have popped from the free list
     * had the slot been freed first: the same slots in the same order, without the round trip).
     * Closing the hole otherwise frees it. */
    uint32_t run_slot;

    af_heap_entry *heap; /* in heap_mem, placed so that heap[1] starts a 32-byte half line */
    void *heap_mem;      /* holds 2 pool_cap + 1 entries from heap on, zeros past heap_len */
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

/* Sequence numbers handed out before a renumbering; a test builds calendar.c with a small one. */
#ifndef AF_CALENDAR_SEQ_LIMIT
#define AF_CALENDAR_SEQ_LIMIT UINT32_MAX
#endif

/* Heap order is asserted wherever assert() is on (the default build is debugoptimized without
 * NDEBUG): the whole heap is checked every AF_HEAP_CHECK_EVERY events run or cancelled (a
 * schedule is not counted: it comes with an event run, mostly), which costs
 * O(n / AF_HEAP_CHECK_EVERY) per event, and every event popped must not be earlier than the
 * current time. In sanitizer builds, or with -DAF_CHECK_HEAP, the whole heap is checked far
 * more often and each entry a sift places is checked against its parent and children. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AF_SANITIZED 1
#endif
#endif
#ifndef NDEBUG
#if defined(AF_CHECK_HEAP) || defined(__SANITIZE_ADDRESS__) || defined(AF_SANITIZED)
#define AF_HEAP_CHECK_EVERY 1024
#define AF_HEAP_CHECK_SIFTS 1
#else
#define AF_HEAP_CHECK_EVERY 65536
#endif
#endif

/* calendar.c's rare paths. */
/* af_sim_push when the sequence numbers ran out (renumbers them, which settles the heap) or
 * the pool is full (grows it; 0 when it cannot). */
af_event_id af_sim_push_slow(af_sim *sim, af_time t, af_event_fn fn, void *ctx, uint64_t arg);
/* Drops dead entries from the top, so that heap[0] is live, and returns id. */
af_event_id af_sim_push_drop(af_sim *sim, af_event_id id);
/* Drops dead entries from the top, so that heap[0] is live. */
void af_sim_drop_dead_top(af_sim *sim);
#ifndef NDEBUG
/* The entry at heap position i is not before its parent and its children are not before it. */
bool af_sim_placed_in_order(const af_sim *sim, size_t i);
#endif

/* The (time, seq) order: (hi, lo) as one 128-bit unsigned integer, the larger first. The compiler makes a branch
 * of it where it decides an `if`, which is what the sifts' stop tests want: the outcome there
 * also decides which event runs next, and a branch puts it in the predictor's history before
 * the next event's handler is called through its pointer. Placing the new entry of a two-entry
 * heap without a branch measured slower (M/M/1 on the engine 8.4 against 7.4 million customers
 * a CPU second): the mispredictions moved to that call. */
#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 af_heap_key;
static inline af_heap_key af_heap_key_of(const af_heap_entry *e)
{
    return (af_heap_key)e->hi << 64 | e->lo;
}
static inline bool af_heap_before(const af_heap_entry *a, const af_heap_entry *b)
{
    return af_heap_key_of(a) > af_heap_key_of(b);
}
#else
static inline bool af_heap_before(const af_heap_entry *a, const af_heap_entry *b)
{
    return a->hi > b->hi || (a->hi == b->hi && a->lo > b->lo);
}
#endif

/* af_heap_before as 0 or 1 without a branch, for the choice of the smaller child in a sift
 * down: a coin toss at every level that no predictor learns and that decides nothing else.
 * Hold model, 1,000 pending: 8.3 -> 10.3 million events a CPU second (with the doubles'
 * comparisons combined bitwise; the 128-bit comparison is a borrow, branch-free as it is). */
static inline bool af_heap_before_nb(const af_heap_entry *a, const af_heap_entry *b)
{
#ifdef __SIZEOF_INT128__
    return af_heap_key_of(a) > af_heap_key_of(b);
#else
    return (a->hi > b->hi) | ((a->hi == b->hi) & (a->lo > b->lo));
#endif
}

/* Moves the entry e up from position i (a hole), writing it where it belongs; returns where. */
static inline size_t af_heap_sift_up(af_heap_entry *h, size_t i, af_heap_entry e)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!af_heap_before(&e, &h[parent])) break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = e;
    return i;
}

/* Moves the entry e down from position i (a hole) of a heap whose array holds zero entries
 * past its end, at least up to the children of its last entry (the layout above). */
static inline size_t af_heap_sift_down(af_heap_entry *h, size_t i, af_heap_entry e)
{
    /* Positions as addresses held in integers: the right child of the hole at address a is at
     * 2 a - h + 32, one lea from a with k = 32 - h, and no pointer is formed outside the array.
     * No bound test: past the end the children are zeros, which are never before e. */
    const uintptr_t w = sizeof *h, b = (uintptr_t)h, k = 2 * w - b;
    uintptr_t hole = b + i * w;
    for (;;) {
        const uintptr_t r = 2 * hole + k;
        const af_heap_entry *pr = (const af_heap_entry *)r;
        /* The smaller child without a branch (a mask of the borrow): which one it is is a
         * coin toss, which a branch would mispredict half the time. */
        const uintptr_t c = r - (-(uintptr_t)af_heap_before_nb(pr - 1, pr) & w);
        if (!af_heap_before((const af_heap_entry *)c, &e)) break;
        *(af_heap_entry *)hole = *(const af_heap_entry *)c;
        hole = c;
    }
    *(af_heap_entry *)hole = e;
    return (hole - b) / w;
}

/* af_sim_push once its rare cases are out of the way: the sequence numbers have not run out,
 * and the hole is open or the pool has a free slot. */
static inline __attribute__((always_inline)) af_event_id
af_sim_push_place(af_sim *sim, af_time t, af_event_fn fn, void *ctx, uint64_t arg)
{
    af_heap_entry e;
    af_event_rec *r;
    uint32_t slot;
    if (sim->hole) {
        /* The event that just ran left the root empty and its record to this schedule (still
         * marked pending: only its generation changed): one sift down does pop and push. */
        sim->hole = false;
        slot = sim->run_slot;
        r = &sim->pool[slot];
        r->fn = fn;
        r->ctx = ctx;
        r->arg = arg;
        r->time = t;
        e = af_heap_entry_make(t, sim->next_seq++, slot);
        size_t at = 0;
        af_heap_entry *h = sim->heap;
        if (sim->heap_len <= 2) {
            /* The root and at most one entry (heap[1], or the end marker): one comparison,
             * where the sift would compare the marker children too (an M/M/1 queue's
             * calendar is this size at every event). */
            if (af_heap_before(&h[1], &e)) {
                h[0] = h[1];
                at = 1;
            }
            h[at] = e;
        } else {
            at = af_heap_sift_down(h, 0, e);
        }
        (void)at;
#ifdef AF_HEAP_CHECK_SIFTS
        assert(af_sim_placed_in_order(sim, at));
#endif
        af_event_id id = ((uint64_t)r->gen << 32) | ((uint64_t)slot + 1);
        if (__builtin_expect(sim->dead != 0, 0)) return af_sim_push_drop(sim, id);
        return id;
    }
    slot = sim->free_head;
    r = &sim->pool[slot];
    sim->free_head = r->link;
    r->fn = fn;
    r->ctx = ctx;
    r->arg = arg;
    r->time = t;
    r->link = AF_REC_PENDING;
    e = af_heap_entry_make(t, sim->next_seq++, slot);
    size_t at = af_heap_sift_up(sim->heap, sim->heap_len++, e);
    (void)at;
#ifdef AF_HEAP_CHECK_SIFTS
    assert(af_sim_placed_in_order(sim, at));
#endif
    return ((uint64_t)r->gen << 32) | ((uint64_t)slot + 1);
}

/* Schedules fn(sim, ctx, arg) at t, which the caller has checked: now <= t < INFINITY, and fn
 * is not NULL. Returns the handle, or 0 when the pool cannot grow. The rare cases leave by
 * tail calls (af_sim_push_slow, af_sim_push_drop), so that the usual way needs no stack frame
 * and saves no registers. */
static inline __attribute__((always_inline)) af_event_id af_sim_push(af_sim *sim, af_time t,
                                                                     af_event_fn fn, void *ctx,
                                                                     uint64_t arg)
{
    if (__builtin_expect(sim->next_seq >= AF_CALENDAR_SEQ_LIMIT, 0) ||
        (!sim->hole && __builtin_expect(sim->free_head == AF_REC_NONE, 0)))
        return af_sim_push_slow(sim, t, fn, ctx, arg);
    return af_sim_push_place(sim, t, fn, ctx, arg);
}

/* af_sim_schedule_at, inlined. */
static inline __attribute__((always_inline)) af_event_id
af_sim_schedule_in(af_sim *sim, af_time t, af_event_fn fn, void *ctx, uint64_t arg)
{
    /* t >= now rejects NaN; now is finite, so t < INFINITY is isfinite(t). */
    if (!(t >= sim->now && t < INFINITY) || !fn) return 0;
    return af_sim_push(sim, t, fn, ctx, arg);
}

#endif
