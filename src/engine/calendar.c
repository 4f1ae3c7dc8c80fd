/* The event calendar: a binary min-heap keyed by (time, insertion sequence) over a pool of
 * event records (the layout and why: calendar_impl.h).
 *
 * Order: events run by time, and events at one time in the order they were scheduled. The
 * keys are unique, so the order of the events depends only on the keys given, not on the
 * heap's shape: dead entries dropped, a heap rebuilt, or a pop fused with the next push all
 * leave it as it was. Handles pack (slot, generation): the generation is bumped when the event
 * runs or is cancelled, so a handle to an event that ran (and whose slot was reused) is stale.
 *
 * Cancelling is lazy: the record is marked and the entry stays until it reaches the top
 * (dropped there, so heap[0] is always live when no handler is running) or until a compaction,
 * which runs when dead entries are more than 64 and more than the live ones (O(1) amortised
 * a cancellation, and the heap never holds more than twice the pending events plus 64).
 *
 * Sequence numbers are 32 bits: when they would run out, the pending entries are sorted by
 * (time, seq) and renumbered 0, 1, ... in that order, which keeps every comparison between
 * them and puts every later event after them (once every 4 billion schedules).
 */
#include "aidflow/calendar.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/calendar_impl.h"

#define ARITY 2
/* heap = heap_mem + HEAP_SHIFT, so that the two children 2i+1, 2i+2 of any node share a line
 * (heap[1] starts a 32-byte half line). */
#define HEAP_SHIFT 1

typedef af_heap_entry heap_entry;
typedef af_event_rec event_rec;

static bool grow_pool(af_sim *sim)
{
    uint64_t cap = sim->pool_cap ? (uint64_t)sim->pool_cap * 2 : 64;
    if (cap > AF_REC_MAX_SLOTS) cap = AF_REC_MAX_SLOTS;
    if (cap <= sim->pool_cap) return false;
    event_rec *pool = realloc(sim->pool, (size_t)cap * sizeof *pool);
    if (!pool) return false;
    sim->pool = pool;
    /* The heap holds at most cap entries, and a sift down reads up to the children of the
     * last one, at 2 cap: 2 cap + 1 entries after HEAP_SHIFT, zeros (the end marker) past the
     * heap's entries, on a line boundary found in a calloc'd block 63 bytes larger (calloc:
     * a large block is fresh zero pages, which cost no memory until the heap reaches them). */
    size_t bytes = (size_t)(2 * cap + 1 + HEAP_SHIFT) * sizeof(heap_entry) + 63;
    void *mem = calloc(1, bytes);
    if (!mem) return false; /* keep the larger pool; capacity stays as it was */
    heap_entry *heap = (heap_entry *)(((uintptr_t)mem + 63) & ~(uintptr_t)63) + HEAP_SHIFT;
    if (sim->heap_len) memcpy(heap, sim->heap, sim->heap_len * sizeof *heap);
    free(sim->heap_mem);
    sim->heap_mem = mem;
    sim->heap = heap;
    /* Thread the new slots onto the free list in ascending order. */
    for (uint64_t i = cap; i-- > sim->pool_cap;) {
        pool[i].gen = 0;
        pool[i].link = sim->free_head;
        sim->free_head = (uint32_t)i;
    }
    sim->pool_cap = (uint32_t)cap;
    return true;
}

af_sim *af_sim_create(size_t capacity_hint)
{
    af_sim *sim = calloc(1, sizeof *sim);
    if (!sim) return NULL;
    sim->free_head = AF_REC_NONE;
    if (capacity_hint > (size_t)(AF_REC_MAX_SLOTS / 2)) capacity_hint = AF_REC_MAX_SLOTS / 2;
    while (sim->pool_cap < capacity_hint || sim->pool_cap == 0) {
        if (!grow_pool(sim)) {
            af_sim_destroy(sim);
            return NULL;
        }
    }
    return sim;
}

void af_sim_destroy(af_sim *sim)
{
    if (!sim) return;
    free(sim->heap_mem);
    free(sim->pool);
    free(sim);
}

af_time af_sim_now(const af_sim *sim) { return sim->now; }

static inline bool before(const heap_entry *a, const heap_entry *b)
{
    return af_heap_before(a, b);
}

#ifndef NDEBUG
bool af_sim_placed_in_order(const af_sim *sim, size_t i)
{
    const heap_entry *h = sim->heap;
    size_t n = sim->heap_len;
    if (i >= n) return false;
    if (i > 0 && before(&h[i], &h[(i - 1) / ARITY])) return false;
    for (size_t c = ARITY * i + 1; c < n && c <= ARITY * i + ARITY; c++)
        if (before(&h[c], &h[i])) return false;
    return true;
}

/* Called only when no hole is open: counts an event run or cancelled, and every
 * AF_HEAP_CHECK_EVERY of them checks the whole heap. */
static void check_whole_heap(af_sim *sim)
{
    if (++sim->ops_since_check < AF_HEAP_CHECK_EVERY) return;
    sim->ops_since_check = 0;
    size_t dead = 0;
    for (size_t i = 0; i < sim->heap_len; i++) {
        assert(af_sim_placed_in_order(sim, i));
        assert(af_heap_time(&sim->heap[i]) >= sim->now);
        uint32_t link = sim->pool[af_heap_slot(&sim->heap[i])].link;
        assert(link == AF_REC_PENDING || link == AF_REC_CANCELLED);
        dead += link == AF_REC_CANCELLED;
    }
    assert(dead == sim->dead);
    for (size_t i = sim->heap_len; i <= 2 * sim->heap_len; i++)
        assert(af_heap_is_end(&sim->heap[i]));
    assert(sim->heap_len == 0 || sim->pool[af_heap_slot(&sim->heap[0])].link == AF_REC_PENDING);
}
#else
#define check_whole_heap(sim) ((void)(sim))
#endif

static inline size_t sift_down(heap_entry *h, size_t i, heap_entry e)
{
    return af_heap_sift_down(h, i, e);
}

/* Returns a slot to the free list (its generation was bumped already). */
static inline void release_slot(af_sim *sim, uint32_t slot)
{
    sim->pool[slot].link = sim->free_head;
    sim->free_head = slot;
}

/* Removes the root of a settled, non-empty heap. */
static inline void pop_root(af_sim *sim)
{
    size_t n = --sim->heap_len;
    heap_entry last = sim->heap[n];
    sim->heap[n] = (heap_entry){0, 0}; /* the end marker */
    if (n > 0) {
        size_t at = sift_down(sim->heap, 0, last);
        (void)at;
#ifdef AF_HEAP_CHECK_SIFTS
        assert(af_sim_placed_in_order(sim, at));
#endif
    }
}

void af_sim_drop_dead_top(af_sim *sim)
{
    while (sim->heap_len > 0 && sim->pool[af_heap_slot(&sim->heap[0])].link == AF_REC_CANCELLED) {
        uint32_t slot = af_heap_slot(&sim->heap[0]);
        pop_root(sim);
        release_slot(sim, slot);
        sim->dead--;
    }
}

/* Fills an open hole with the last entry, and frees the record of the event that ran. */
static void close_hole(af_sim *sim)
{
    sim->hole = false;
    release_slot(sim, sim->run_slot);
    pop_root(sim); /* the hole is the root: the last entry sifts down into it */
    if (sim->dead) af_sim_drop_dead_top(sim);
}

/* Brings the heap to its settled form (no hole, heap[0] live). */
static inline void settle(af_sim *sim)
{
    if (sim->hole) close_hole(sim);
}

/* Drops every dead entry and rebuilds the heap from what is left (Floyd's method). */
static void compact(af_sim *sim)
{
    heap_entry *h = sim->heap;
    size_t j = 0;
    for (size_t i = 0; i < sim->heap_len; i++) {
        if (sim->pool[af_heap_slot(&h[i])].link == AF_REC_CANCELLED)
            release_slot(sim, af_heap_slot(&h[i]));
        else
            h[j++] = h[i];
    }
    memset(&h[j], 0, (sim->heap_len - j) * sizeof *h); /* end markers */
    sim->heap_len = j;
    sim->dead = 0;
    for (size_t i = j > 1 ? (j - 2) / ARITY + 1 : 0; i-- > 0;) sift_down(h, i, h[i]);
}

static int by_key(const void *a, const void *b)
{
    const heap_entry *x = a, *y = b;
    return before(x, y) ? -1 : before(y, x) ? 1 : 0;
}

/* Renumbers the pending entries 0, 1, ... in their order; a sorted array is a heap. */
static void renumber(af_sim *sim)
{
    compact(sim);
    qsort(sim->heap, sim->heap_len, sizeof *sim->heap, by_key);
    for (size_t i = 0; i < sim->heap_len; i++)
        sim->heap[i].lo = ~((uint64_t)i << 32 | af_heap_slot(&sim->heap[i]));
    sim->next_seq = (uint32_t)sim->heap_len;
}

/* The pool slot of a pending event, or AF_REC_NONE. */
static uint32_t pending_slot(const af_sim *sim, af_event_id id)
{
    uint64_t low = id & 0xffffffffu;
    if (low == 0 || low > sim->pool_cap) return AF_REC_NONE;
    uint32_t slot = (uint32_t)(low - 1);
    const event_rec *r = &sim->pool[slot];
    if (r->link != AF_REC_PENDING || r->gen != (uint32_t)(id >> 32)) return AF_REC_NONE;
    return slot;
}

/* What af_sim_push does when the pool is full or the sequence numbers run out, out of its
 * way. */
__attribute__((noinline, cold)) af_event_id af_sim_push_slow(af_sim *sim, af_time t,
                                                            af_event_fn fn, void *ctx,
                                                            uint64_t arg)
{
    if (sim->next_seq >= AF_CALENDAR_SEQ_LIMIT) {
        settle(sim);
        renumber(sim);
    }
    if (!sim->hole && sim->free_head == AF_REC_NONE && !grow_pool(sim)) return 0;
    return af_sim_push_place(sim, t, fn, ctx, arg);
}

__attribute__((noinline, cold)) af_event_id af_sim_push_drop(af_sim *sim, af_event_id id)
{
    af_sim_drop_dead_top(sim);
    return id;
}

af_event_id af_sim_schedule_at(af_sim *sim, af_time t, af_event_fn fn, void *ctx, uint64_t arg)
{
    return af_sim_schedule_in(sim, t, fn, ctx, arg);
}

af_event_id af_sim_schedule(af_sim *sim, af_time delay, af_event_fn fn, void *ctx, uint64_t arg)
{
    if (!(delay >= 0)) return 0; /* also rejects NaN */
    /* now + delay >= now (rounding is monotone), so only the upper bound is left to check. */
    af_time t = sim->now + delay;
    if (!(t < INFINITY) || !fn) return 0;
    return af_sim_push(sim, t, fn, ctx, arg);
}

bool af_sim_cancel(af_sim *sim, af_event_id id)
{
    uint32_t slot = pending_slot(sim, id);
    if (slot == AF_REC_NONE) return false;
    settle(sim);
    event_rec *r = &sim->pool[slot];
    r->link = AF_REC_CANCELLED;
    r->gen++;
    sim->dead++;
    if (af_heap_slot(&sim->heap[0]) == slot)
        af_sim_drop_dead_top(sim);
    else if (sim->dead > 64 && sim->dead > sim->heap_len - sim->dead)
        compact(sim);
    check_whole_heap(sim);
    return true;
}

af_time af_sim_event_time(const af_sim *sim, af_event_id id)
{
    uint32_t slot = pending_slot(sim, id);
    if (slot == AF_REC_NONE) return -1;
    return sim->pool[slot].time;
}

/* Runs the first event of a settled, non-empty heap. The root is left as a hole and the
 * event's record (its handle made stale) as run_slot, for the handler's first schedule to
 * fill, so that the handler can schedule without growing the pool; closing the hole otherwise
 * frees the record. */
static inline __attribute__((always_inline)) void run_first(af_sim *sim)
{
    heap_entry top = sim->heap[0];
    uint32_t slot = af_heap_slot(&top);
    event_rec *r = &sim->pool[slot];
    assert(r->time >= sim->now);
    assert(r->link == AF_REC_PENDING);
    af_event_fn fn = r->fn;
    void *ctx = r->ctx;
    uint64_t arg = r->arg;
    r->gen++;
    sim->run_slot = slot;
    sim->now = r->time; /* the time given, where the key has -0.0 as +0.0 */
    sim->events_run++;
    sim->hole = true;
    fn(sim, ctx, arg);
    settle(sim);
    check_whole_heap(sim);
}

bool af_sim_step(af_sim *sim)
{
    settle(sim);
    if (sim->heap_len == 0 || sim->stop) return false;
    run_first(sim);
    return true;
}

af_status af_sim_run_until(af_sim *sim, af_time t_end)
{
    settle(sim);
    sim->stop = false;
    af_time outer = sim->limit; /* a handler's own af_sim_run_until must not change its caller's */
    sim->limit = t_end;
    /* An empty heap's root is the end marker, whose time is a NaN: the loop ends there too. */
    while (af_heap_time(&sim->heap[0]) <= sim->limit) run_first(sim);
    sim->limit = outer;
    if (sim->stop) {
        sim->stop = false;
        return AF_INTERRUPTED;
    }
    if (t_end > sim->now && isfinite(t_end)) sim->now = t_end;
    return AF_OK;
}

void af_sim_stop(af_sim *sim)
{
    sim->stop = true;
    sim->limit = -INFINITY;
}

size_t af_sim_pending(const af_sim *sim)
{
    return sim->heap_len - sim->dead - (sim->hole ? 1 : 0);
}

uint64_t af_sim_events_run(const af_sim *sim) { return sim->events_run; }

af_time af_sim_next_time(const af_sim *sim)
{
    /* Settling changes the heap's shape, not what the calendar holds: the object is the
     * caller's own (af_sim_create), so writing through it is allowed. */
    settle((af_sim *)sim);
    return sim->heap_len ? sim->pool[af_heap_slot(&sim->heap[0])].time : INFINITY;
}
