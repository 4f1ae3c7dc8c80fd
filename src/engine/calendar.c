/* The event calendar: a binary min-heap keyed by (time, insertion sequence) over a pool of
 * event records.
 *
 * The heap holds the key next to the slot index so that sift operations compare without
 * touching the pool; the pool record keeps its heap position so that cancellation is
 * O(log n). Slots are recycled through a free list and carry a generation counter, so a
 * handle to an event that already ran (and whose slot was reused) is recognised as stale.
 */
#include "aidflow/calendar.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#define SLOT_FREE UINT32_MAX

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

typedef struct heap_entry {
    af_time time;
    uint64_t seq;
    uint32_t slot;
} heap_entry;

typedef struct event_rec {
    af_event_fn fn;
    void *ctx;
    uint64_t arg;
    uint32_t heap_pos; /* SLOT_FREE when the slot is not scheduled */
    uint32_t gen;
    uint32_t next_free;
} event_rec;

struct af_sim {
    af_time now;
    uint64_t next_seq;
    uint64_t events_run;
    bool stop;

    heap_entry *heap;
    size_t heap_len;

    event_rec *pool;
    uint32_t pool_cap;
    uint32_t free_head; /* SLOT_FREE when empty */
#ifndef NDEBUG
    uint64_t ops_since_check;
#endif
};

static bool grow_pool(af_sim *sim)
{
    uint64_t cap = sim->pool_cap ? (uint64_t)sim->pool_cap * 2 : 64;
    if (cap >= SLOT_FREE) cap = SLOT_FREE - 1;
    if (cap <= sim->pool_cap) return false;
    event_rec *pool = realloc(sim->pool, (size_t)cap * sizeof *pool);
    if (!pool) return false;
    heap_entry *heap = realloc(sim->heap, (size_t)cap * sizeof *heap);
    if (!heap) {
        sim->pool = pool; /* keep the larger pool; capacity stays as it was */
        return false;
    }
    sim->pool = pool;
    sim->heap = heap;
    /* Thread the new slots onto the free list in ascending order. */
    for (uint64_t i = cap; i-- > sim->pool_cap;) {
        pool[i].heap_pos = SLOT_FREE;
        pool[i].gen = 0;
        pool[i].next_free = sim->free_head;
        sim->free_head = (uint32_t)i;
    }
    sim->pool_cap = (uint32_t)cap;
    return true;
}

af_sim *af_sim_create(size_t capacity_hint)
{
    af_sim *sim = calloc(1, sizeof *sim);
    if (!sim) return NULL;
    sim->free_head = SLOT_FREE;
    if (capacity_hint > (size_t)(SLOT_FREE / 2)) capacity_hint = SLOT_FREE / 2;
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
    free(sim->heap);
    free(sim->pool);
    free(sim);
}

af_time af_sim_now(const af_sim *sim) { return sim->now; }

static inline bool before(const heap_entry *a, const heap_entry *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

#ifndef NDEBUG
/* The entry at heap position i is not before its parent, its children are not before it, and
 * its pool record knows where it is. */
static bool placed_in_order(const af_sim *sim, size_t i)
{
    const heap_entry *h = sim->heap;
    size_t n = sim->heap_len;
    if (i >= n || sim->pool[h[i].slot].heap_pos != i) return false;
    if (i > 0 && before(&h[i], &h[(i - 1) / 2])) return false;
    for (size_t c = 2 * i + 1; c < n && c <= 2 * i + 2; c++)
        if (before(&h[c], &h[i])) return false;
    return true;
}
#endif

#ifndef NDEBUG
static void check_whole_heap(af_sim *sim)
{
    if (++sim->ops_since_check < HEAP_CHECK_EVERY) return;
    sim->ops_since_check = 0;
    for (size_t i = 0; i < sim->heap_len; i++) {
        assert(placed_in_order(sim, i));
        assert(sim->heap[i].time >= sim->now);
    }
}
#else
#define check_whole_heap(sim) ((void)(sim))
#endif

/* Moves the entry e up from position i (a hole), writing it where it belongs. */
static void sift_up(af_sim *sim, size_t i, heap_entry e)
{
    heap_entry *h = sim->heap;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(&e, &h[parent])) break;
        h[i] = h[parent];
        sim->pool[h[i].slot].heap_pos = (uint32_t)i;
        i = parent;
    }
    h[i] = e;
    sim->pool[e.slot].heap_pos = (uint32_t)i;
#ifdef HEAP_CHECK_SIFTS
    assert(placed_in_order(sim, i));
#endif
}

static void sift_down(af_sim *sim, size_t i, heap_entry e)
{
    heap_entry *h = sim->heap;
    size_t n = sim->heap_len;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && before(&h[child + 1], &h[child])) child++;
        if (!before(&h[child], &e)) break;
        h[i] = h[child];
        sim->pool[h[i].slot].heap_pos = (uint32_t)i;
        i = child;
    }
    h[i] = e;
    sim->pool[e.slot].heap_pos = (uint32_t)i;
#ifdef HEAP_CHECK_SIFTS
    assert(placed_in_order(sim, i));
#endif
}

/* Removes the entry at heap position i. */
static void heap_remove(af_sim *sim, size_t i)
{
    heap_entry last = sim->heap[--sim->heap_len];
    if (i == sim->heap_len) return;
    if (i > 0 && before(&last, &sim->heap[(i - 1) / 2]))
        sift_up(sim, i, last);
    else
        sift_down(sim, i, last);
}

static void free_slot(af_sim *sim, uint32_t slot)
{
    event_rec *r = &sim->pool[slot];
    r->heap_pos = SLOT_FREE;
    r->gen++;
    r->next_free = sim->free_head;
    sim->free_head = slot;
}

static inline af_event_id make_id(uint32_t slot, uint32_t gen)
{
    return ((uint64_t)gen << 32) | ((uint64_t)slot + 1);
}

/* The pool slot of a pending event, or SLOT_FREE. */
static uint32_t pending_slot(const af_sim *sim, af_event_id id)
{
    uint64_t low = id & 0xffffffffu;
    if (low == 0 || low > sim->pool_cap) return SLOT_FREE;
    uint32_t slot = (uint32_t)(low - 1);
    const event_rec *r = &sim->pool[slot];
    if (r->heap_pos == SLOT_FREE || r->gen != (uint32_t)(id >> 32)) return SLOT_FREE;
    return slot;
}

af_event_id af_sim_schedule_at(af_sim *sim, af_time t, af_event_fn fn, void *ctx, uint64_t arg)
{
    if (!fn || !isfinite(t) || t < sim->now) return 0;
    if (sim->free_head == SLOT_FREE && !grow_pool(sim)) return 0;
    uint32_t slot = sim->free_head;
    event_rec *r = &sim->pool[slot];
    sim->free_head = r->next_free;
    r->fn = fn;
    r->ctx = ctx;
    r->arg = arg;
    heap_entry e = {.time = t, .seq = sim->next_seq++, .slot = slot};
    sim->heap_len++;
    sift_up(sim, sim->heap_len - 1, e);
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
    if (slot == SLOT_FREE) return false;
    heap_remove(sim, sim->pool[slot].heap_pos);
    free_slot(sim, slot);
    return true;
}

af_time af_sim_event_time(const af_sim *sim, af_event_id id)
{
    uint32_t slot = pending_slot(sim, id);
    if (slot == SLOT_FREE) return -1;
    return sim->heap[sim->pool[slot].heap_pos].time;
}

/* Pops and runs the first event. The slot is freed before the handler runs, so the handler
 * can schedule without growing the pool. */
static void run_first(af_sim *sim)
{
    heap_entry top = sim->heap[0];
    assert(top.time >= sim->now);
    heap_remove(sim, 0);
    check_whole_heap(sim);
    event_rec *r = &sim->pool[top.slot];
    af_event_fn fn = r->fn;
    void *ctx = r->ctx;
    uint64_t arg = r->arg;
    free_slot(sim, top.slot);
    sim->now = top.time;
    sim->events_run++;
    fn(sim, ctx, arg);
}

bool af_sim_step(af_sim *sim)
{
    if (sim->heap_len == 0 || sim->stop) return false;
    run_first(sim);
    return true;
}

af_status af_sim_run_until(af_sim *sim, af_time t_end)
{
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

size_t af_sim_pending(const af_sim *sim) { return sim->heap_len; }

uint64_t af_sim_events_run(const af_sim *sim) { return sim->events_run; }

af_time af_sim_next_time(const af_sim *sim)
{
    return sim->heap_len ? sim->heap[0].time : INFINITY;
}
