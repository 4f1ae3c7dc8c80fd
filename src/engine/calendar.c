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

/* Sequence numbers handed out before a renumbering; a test builds this file with a small one. */
#ifndef AF_CALENDAR_SEQ_LIMIT
#define AF_CALENDAR_SEQ_LIMIT UINT32_MAX
#endif

/* Heap order is asserted wherever assert() is on (the default build is debugoptimized without
 * NDEBUG): the whole heap is checked every HEAP_CHECK_EVERY operations, which costs
 * O(n / HEAP_CHECK_EVERY) per operation, and every event popped must not be earlier than the
 * current time. In sanitizer builds, or with -DAF_CHECK_HEAP, the whole heap is checked far more
 * often and each entry a sift places is checked against its parent and children. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AF_SANITIZED 1
#endif
#endif
#ifndef NDEBUG
#if defined(AF_CHECK_HEAP) || defined(__SANITIZE_ADDRESS__) || defined(AF_SANITIZED)
#define HEAP_CHECK_EVERY 1024
#define HEAP_CHECK_SIFTS 1
#else
#define HEAP_CHECK_EVERY 65536
#endif
#endif

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
    /* (cap + HEAP_SHIFT) entries rounded up to whole lines, as aligned_alloc wants. */
    size_t bytes = ((size_t)(cap + HEAP_SHIFT) * sizeof(heap_entry) + 63) / 64 * 64;
    void *mem = aligned_alloc(64, bytes);
    if (!mem) return false; /* keep the larger pool; capacity stays as it was */
    heap_entry *heap = (heap_entry *)mem + HEAP_SHIFT;
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

/* Without branches (bitwise | and &): which child is smaller is a coin toss that a branch
 * predictor cannot learn, and the compiler turns the selections below into conditional moves. */
static inline bool before(const heap_entry *a, const heap_entry *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

#ifndef NDEBUG
/* The entry at heap position i is not before its parent and its children are not before it. */
static bool placed_in_order(const af_sim *sim, size_t i)
{
    const heap_entry *h = sim->heap;
    size_t n = sim->heap_len;
    if (i >= n) return false;
    if (i > 0 && before(&h[i], &h[(i - 1) / ARITY])) return false;
    for (size_t c = ARITY * i + 1; c < n && c <= ARITY * i + ARITY; c++)
        if (before(&h[c], &h[i])) return false;
    return true;
}

/* Called only when no hole is open. */
static void check_whole_heap(af_sim *sim)
{
    if (++sim->ops_since_check < HEAP_CHECK_EVERY) return;
    sim->ops_since_check = 0;
    size_t dead = 0;
    for (size_t i = 0; i < sim->heap_len; i++) {
        assert(placed_in_order(sim, i));
        assert(sim->heap[i].time >= sim->now);
        uint32_t link = sim->pool[sim->heap[i].slot].link;
        assert(link == AF_REC_PENDING || link == AF_REC_CANCELLED);
        dead += link == AF_REC_CANCELLED;
    }
    assert(dead == sim->dead);
    assert(sim->heap_len == 0 || sim->pool[sim->heap[0].slot].link == AF_REC_PENDING);
}
#else
#define check_whole_heap(sim) ((void)(sim))
#endif

/* Moves the entry e up from position i (a hole), writing it where it belongs; returns where. */
static inline size_t sift_up(heap_entry *h, size_t i, heap_entry e)
{
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (!before(&e, &h[parent])) break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = e;
    return i;
}

/* Moves the entry e down from position i (a hole) of a heap of n entries. */
static inline size_t sift_down(heap_entry *h, size_t n, size_t i, heap_entry e)
{
    for (;;) {
        size_t m = 2 * i + 1;
        if (m >= n) break;
        if (m + 1 < n && before(&h[m + 1], &h[m])) m++;
        if (!before(&h[m], &e)) break;
        h[i] = h[m];
        i = m;
    }
    h[i] = e;
    return i;
}

static inline af_event_id make_id(uint32_t slot, uint32_t gen)
{
    return ((uint64_t)gen << 32) | ((uint64_t)slot + 1);
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
    if (n > 0) {
        size_t at = sift_down(sim->heap, n, 0, sim->heap[n]);
        (void)at;
#ifdef HEAP_CHECK_SIFTS
        assert(placed_in_order(sim, at));
#endif
    }
}

/* Drops dead entries from the top, so that heap[0] is live. */
static void drop_dead_top(af_sim *sim)
{
    while (sim->heap_len > 0 && sim->pool[sim->heap[0].slot].link == AF_REC_CANCELLED) {
        uint32_t slot = sim->heap[0].slot;
        pop_root(sim);
        release_slot(sim, slot);
        sim->dead--;
    }
}

/* Fills an open hole with the last entry. */
static void close_hole(af_sim *sim)
{
    sim->hole = false;
    size_t n = --sim->heap_len;
    if (n > 0) {
        size_t at = sift_down(sim->heap, n, 0, sim->heap[n]);
        (void)at;
#ifdef HEAP_CHECK_SIFTS
        assert(placed_in_order(sim, at));
#endif
    }
    if (sim->dead) drop_dead_top(sim);
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
        if (sim->pool[h[i].slot].link == AF_REC_CANCELLED)
            release_slot(sim, h[i].slot);
        else
            h[j++] = h[i];
    }
    sim->heap_len = j;
    sim->dead = 0;
    for (size_t i = j > 1 ? (j - 2) / ARITY + 1 : 0; i-- > 0;) sift_down(h, j, i, h[i]);
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
    for (size_t i = 0; i < sim->heap_len; i++) sim->heap[i].seq = (uint32_t)i;
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

/* What af_sim_schedule_at does first when the pool is full or the sequence numbers run out,
 * out of its way. Returns false when the pool cannot grow. */
static __attribute__((noinline, cold)) bool make_room(af_sim *sim)
{
    if (sim->free_head == AF_REC_NONE && !grow_pool(sim)) return false;
    if (sim->next_seq >= AF_CALENDAR_SEQ_LIMIT) {
        settle(sim);
        renumber(sim);
    }
    return true;
}

af_event_id af_sim_schedule_at(af_sim *sim, af_time t, af_event_fn fn, void *ctx, uint64_t arg)
{
    /* t >= now rejects NaN; now is finite, so t < INFINITY is isfinite(t). */
    if (!(t >= sim->now && t < INFINITY) || !fn) return 0;
    if ((sim->free_head == AF_REC_NONE || sim->next_seq >= AF_CALENDAR_SEQ_LIMIT) &&
        !make_room(sim))
        return 0;
    uint32_t slot = sim->free_head;
    event_rec *r = &sim->pool[slot];
    sim->free_head = r->link;
    r->fn = fn;
    r->ctx = ctx;
    r->arg = arg;
    r->time = t;
    r->link = AF_REC_PENDING;
    heap_entry e = {.time = t, .seq = sim->next_seq++, .slot = slot};
    if (sim->hole) {
        /* The event that just ran left the root empty: one sift down does pop and push. */
        sim->hole = false;
        size_t at = sift_down(sim->heap, sim->heap_len, 0, e);
        (void)at;
#ifdef HEAP_CHECK_SIFTS
        assert(placed_in_order(sim, at));
#endif
        if (sim->dead) drop_dead_top(sim);
    } else {
        size_t at = sim->heap_len++;
        at = sift_up(sim->heap, at, e);
#ifdef HEAP_CHECK_SIFTS
        assert(placed_in_order(sim, at));
#endif
    }
    check_whole_heap(sim);
    return make_id(slot, r->gen);
}

af_event_id af_sim_schedule(af_sim *sim, af_time delay, af_event_fn fn, void *ctx, uint64_t arg)
{
    if (!(delay >= 0)) return 0; /* also rejects NaN */
    return af_sim_schedule_at(sim, sim->now + delay, fn, ctx, arg);
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
    if (sim->heap[0].slot == slot)
        drop_dead_top(sim);
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

/* Runs the first event of a settled, non-empty heap. Its slot is freed before the handler
 * runs, so the handler can schedule without growing the pool, and the root is left as a hole
 * for the handler's first schedule to fill. */
static void run_first(af_sim *sim)
{
    heap_entry top = sim->heap[0];
    assert(top.time >= sim->now);
    event_rec *r = &sim->pool[top.slot];
    assert(r->link == AF_REC_PENDING);
    af_event_fn fn = r->fn;
    void *ctx = r->ctx;
    uint64_t arg = r->arg;
    r->gen++;
    release_slot(sim, top.slot);
    sim->now = top.time;
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
    while (sim->heap_len > 0 && sim->heap[0].time <= t_end) {
        run_first(sim);
        if (sim->stop) {
            sim->stop = false;
            return AF_INTERRUPTED;
        }
    }
    if (t_end > sim->now && isfinite(t_end)) sim->now = t_end;
    return AF_OK;
}

void af_sim_stop(af_sim *sim) { sim->stop = true; }

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
    return sim->heap_len ? sim->heap[0].time : INFINITY;
}
