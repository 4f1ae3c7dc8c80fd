/* The runner: jobs on a pool of threads (and MPI ranks), one writer.
 *
 * Jobs are numbered point * replications + replication and taken in that order, so that a
 * point's replications run close together and its prepared scenario can be shared by the
 * threads running them and freed soon after. Each job's result depends only on (point, seed,
 * replication): nothing a thread does depends on which thread it is.
 *
 * Workers never touch the store. They put finished jobs on a queue; the coordinating thread
 * (the caller's) commits what it finds there, reports progress, and watches the interrupt
 * flag. It takes every result queued at that moment and commits them in one transaction
 * (group commit: one sync of the log, durable when the commit returns), so that a commit
 * waiting on the disk does not make the next results wait for one sync each; it never waits
 * for a result to come before committing those it has. Under MPI the same thread also hands jobs to the other ranks and commits
 * what they send back.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aidflow/model.h"
#include "experiment/exp_internal.h"

enum { SLOT_EMPTY, SLOT_LOADING, SLOT_READY, SLOT_FAILED };

/* The most results committed in one transaction (more queued go in the next). */
enum { BATCH_MAX = 64 };

typedef struct point_slot {
    void *handle;
    int state;
    size_t pending; /* jobs of this run that still need the point */
} point_slot;

typedef struct pool {
    pthread_mutex_t mu;
    pthread_cond_t loaded;  /* a point finished loading */
    pthread_cond_t results; /* a result arrived, or a worker left */
    exp_run *run;
    uint64_t *jobs;
    size_t n_jobs, next;
    point_slot *slots; /* [run->n], by point - run->first */
    exp_job_result *head, *tail;
    unsigned active;
    bool stop;
} pool;

unsigned exp_default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

unsigned exp_export_threads(const af_exp_options *o)
{
    unsigned cores = exp_default_jobs();
    unsigned n = o && o->jobs ? o->jobs : cores;
    unsigned ranks = (unsigned)exp_mpi_size();
    if (ranks > n) n = ranks < cores ? ranks : cores;
    return n;
}

void af_exp_options_init(af_exp_options *o)
{
    memset(o, 0, sizeof *o);
}

static bool interrupted(const exp_run *run)
{
    return run->opts && run->opts->interrupt && *run->opts->interrupt;
}

static exp_job_result *new_result(uint64_t job, const exp_run *run)
{
    exp_job_result *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->job = job;
    r->point = (size_t)(job / run->replications);
    r->replication = (unsigned)(job % run->replications);
    r->seed = run->seed;
    exp_metrics_init(&r->metrics);
    r->metrics.want_result = run->tables;
    af_buf_init(&r->tables);
    return r;
}

static void free_result(exp_job_result *r)
{
    if (!r) return;
    exp_metrics_free(&r->metrics);
    af_buf_free(&r->tables);
    free(r);
}

af_status exp_job_take_tables(exp_job_result *r, bool wanted, bool optional)
{
    if (r->status != AF_OK || !wanted) return r->status;
    if (!r->metrics.result && optional) return r->status;
    if (!r->metrics.result)
        return r->status = af_error_set(&r->err, AF_INVAL,
                                        "the model kept no daily tables for replication %u",
                                        r->replication);
    r->status = exp_tables_pack(r->metrics.result, &r->tables, &r->err);
    af_result_free(r->metrics.result);
    r->metrics.result = NULL;
    return r->status;
}

static void push_result(pool *p, exp_job_result *r)
{
    r->next = NULL;
    if (p->tail)
        p->tail->next = r;
    else
        p->head = r;
    p->tail = r;
    pthread_cond_signal(&p->results);
}

/* One fewer job needs the point (lock held). Returns a handle to release, or NULL. */
static void *point_done(pool *p, size_t point)
{
    point_slot *s = &p->slots[point - p->run->first];
    if (s->pending > 0) s->pending--;
    if (s->pending == 0 && s->state == SLOT_READY) {
        void *h = s->handle;
        s->handle = NULL;
        s->state = SLOT_EMPTY;
        return h;
    }
    return NULL;
}

static void *worker(void *arg)
{
    pool *p = arg;
    exp_run *run = p->run;
    const af_exp_model *m = run->model;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        if (p->stop || interrupted(run) || p->next >= p->n_jobs) break;
        uint64_t job = p->jobs[p->next++];
        exp_job_result *r = new_result(job, run);
        if (!r) {
            p->stop = true;
            break;
        }
        point_slot *slot = &p->slots[r->point - run->first];
        while (slot->state == SLOT_LOADING) pthread_cond_wait(&p->loaded, &p->mu);
        if (slot->state == SLOT_EMPTY) {
            slot->state = SLOT_LOADING;
            pthread_mutex_unlock(&p->mu);
            exp_point *pt = &run->points[r->point];
            af_exp_point_info info;
            void *h = NULL;
            af_status st = m->prepare(m->ctx, pt->scenario, (const char *const *)pt->overrides,
                                      pt->n_overrides, &h, &info, &r->err);
            pthread_mutex_lock(&p->mu);
            slot->handle = h;
            slot->state = st == AF_OK ? SLOT_READY : SLOT_FAILED;
            if (st != AF_OK) r->status = st;
            pthread_cond_broadcast(&p->loaded);
        }
        if (slot->state == SLOT_FAILED) {
            if (r->status == AF_OK)
                r->status = af_error_set(&r->err, AF_PARSE, "design point %zu could not be "
                                         "loaded", r->point);
            push_result(p, r);
            continue;
        }
        const void *handle = slot->handle;
        pthread_mutex_unlock(&p->mu);

        double t0 = exp_now();
        r->status = m->replicate(m->ctx, handle, r->seed, r->replication, &r->metrics, &r->err);
        if (r->status == AF_OK && r->metrics.failed)
            r->status = af_error_set(&r->err, AF_NOMEM, "out of memory");
        exp_job_take_tables(r, run->tables, run->tables_optional); /* packed here, on the worker's thread */
        r->seconds = exp_now() - t0;

        pthread_mutex_lock(&p->mu);
        void *release = point_done(p, r->point);
        push_result(p, r);
        if (release) {
            pthread_mutex_unlock(&p->mu);
            m->release(m->ctx, release);
            pthread_mutex_lock(&p->mu);
        }
    }
    p->active--;
    pthread_cond_signal(&p->results);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void report(const exp_run *run, size_t done, size_t total, size_t resumed, double t0,
                   bool finished)
{
    if (!run->opts || !run->opts->progress) return;
    af_exp_progress pr = {.done = done, .total = total, .resumed = resumed,
                          .elapsed = exp_now() - t0, .finished = finished};
    run->opts->progress(run->opts->progress_ctx, &pr);
}

af_status exp_run_jobs(exp_run *run, af_error *err)
{
    const af_exp_options *o = run->opts;
    unsigned shards = o && o->shards > 1 ? o->shards : 1;
    unsigned shard = shards > 1 ? o->shard : 0;
    uint64_t R = run->replications;
    uint64_t lo = run->first * R, hi = (run->first + run->n) * R;
    run->ran = run->resumed = 0;
    double t0 = exp_now();

    bool *done = malloc((size_t)(hi ? hi : 1) * sizeof *done);
    pool p;
    memset(&p, 0, sizeof p);
    p.run = run;
    p.jobs = malloc((size_t)(hi - lo ? hi - lo : 1) * sizeof *p.jobs);
    p.slots = calloc(run->n ? run->n : 1, sizeof *p.slots);
    if (!done || !p.jobs || !p.slots) {
        free(done);
        free(p.jobs);
        free(p.slots);
        return af_error_set(err, AF_NOMEM, "out of memory");
    }
    af_status st = exp_store_done(run->store, done, (size_t)hi, err);
    size_t total = 0;
    for (uint64_t j = lo; j < hi && st == AF_OK; j++) {
        if (j % shards != shard) continue;
        total++;
        if (done[j]) {
            run->resumed++;
            continue;
        }
        p.jobs[p.n_jobs++] = j;
        p.slots[j / R - run->first].pending++;
    }
    free(done);
    if (st != AF_OK || p.n_jobs == 0) {
        if (st == AF_OK) report(run, total, total, run->resumed, t0, true);
        free(p.jobs);
        free(p.slots);
        return st;
    }
    report(run, run->resumed, total, run->resumed, t0, false);
    /* Points prepared already (exp_point_check_keep) are taken over: ready for the jobs that
     * need them, released now where none does. */
    for (size_t i = 0; i < run->n; i++) {
        exp_point *pt = &run->points[run->first + i];
        if (!pt->prepared) continue;
        if (p.slots[i].pending > 0) {
            p.slots[i].handle = pt->prepared;
            p.slots[i].state = SLOT_READY;
        } else {
            run->model->release(run->model->ctx, pt->prepared);
        }
        pt->prepared = NULL;
    }

    bool mpi = exp_mpi_size() > 1;
    unsigned n_threads = o && o->jobs ? o->jobs : exp_default_jobs();
    if (n_threads > p.n_jobs) n_threads = (unsigned)p.n_jobs;
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.loaded, NULL);
    pthread_cond_init(&p.results, NULL);
    pthread_t *threads = calloc(n_threads, sizeof *threads);
    if (!threads) st = af_error_set(err, AF_NOMEM, "out of memory");
    unsigned started = 0;
    pthread_mutex_lock(&p.mu);
    for (; threads && started < n_threads; started++) {
        if (pthread_create(&threads[started], NULL, worker, &p) != 0) break;
        p.active++;
    }
    if (threads && started == 0 && !mpi)
        st = af_error_set(err, AF_INTERNAL, "cannot start worker threads");
    pthread_mutex_unlock(&p.mu);

    af_status fail = st;
    bool limit_hit = false;
    double shortest_job = -1; /* the least seconds of a job that came back, for the polling */
    for (;;) {
        exp_job_result *got = NULL;
        bool acted = false;
        pthread_mutex_lock(&p.mu);
        if (interrupted(run) || fail != AF_OK || limit_hit) p.stop = true;
        if (mpi) {
            /* Hand jobs to idle ranks, then collect everything they sent, then hand jobs
             * again to the ranks that sent (before the results are committed, so that a rank
             * does not wait for the commit for its next job). While many jobs are left, a
             * rank also gets its next job while it runs one; near the end only one each, so
             * that no rank is left with two while others have none. */
            for (int round = 0; round < 2; round++) {
                unsigned depth =
                    p.n_jobs - p.next > 4 * (size_t)(n_threads + exp_mpi_size()) ? 2 : 1;
                while (!p.stop && p.next < p.n_jobs && exp_mpi_idle(depth) > 0) {
                    uint64_t job = p.jobs[p.next++];
                    size_t point = (size_t)(job / R);
                    void *release = point_done(&p, point);
                    exp_mpi_job mj = {.job = job, .point = point,
                                      .replication = (unsigned)(job % R), .seed = run->seed,
                                      .tables = run->tables,
                                      .tables_optional = run->tables_optional,
                                      .p = &run->points[point]};
                    pthread_mutex_unlock(&p.mu);
                    if (release) run->model->release(run->model->ctx, release);
                    af_status s2 = exp_mpi_send_job(&mj, depth, err);
                    pthread_mutex_lock(&p.mu);
                    acted = true;
                    if (s2 != AF_OK) {
                        fail = s2;
                        p.stop = true;
                    }
                }
                if (round == 1) break;
                pthread_mutex_unlock(&p.mu);
                exp_job_result *came[BATCH_MAX];
                size_t n_came = 0;
                while (n_came < BATCH_MAX && (fail == AF_OK || exp_mpi_busy() > 0)) {
                    exp_job_result *rr = NULL;
                    af_status s2 = exp_mpi_poll(&rr, fail == AF_OK ? err : NULL);
                    if (s2 != AF_OK && fail == AF_OK) fail = s2;
                    if (!rr) break;
                    came[n_came++] = rr;
                }
                pthread_mutex_lock(&p.mu);
                for (size_t i = 0; i < n_came; i++) push_result(&p, came[i]);
                if (n_came == 0) break;
                acted = true;
            }
            unsigned depth = p.n_jobs - p.next > 4 * (size_t)(n_threads + exp_mpi_size()) ? 2 : 1;
            if (!p.head && !acted) {
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                /* MPI cannot wake a condition variable, so this polls: every 0.5 ms while
                 * a rank may be waiting for a job; while each has its next one in hand (a
                 * result then only waits to be stored) every quarter of the shortest job seen
                 * so far, from 0.5 to 10 ms (2 ms before any), so that a rank still has its
                 * next job when it finishes one, and the wake-ups stay off the cores the jobs
                 * run on (jobs of 27 ms: 150 wake-ups a second instead of 500). */
                long in_hand = shortest_job < 0 ? 2000000 : (long)(shortest_job / 4 * 1e9);
                if (in_hand < 500000) in_hand = 500000;
                if (in_hand > 10000000) in_hand = 10000000;
                ts.tv_nsec += depth > 1 && exp_mpi_idle(depth) == 0 ? in_hand : 500000;
                if (ts.tv_nsec >= 1000000000L) {
                    ts.tv_sec++;
                    ts.tv_nsec -= 1000000000L;
                }
                pthread_cond_timedwait(&p.results, &p.mu, &ts);
            }
        } else {
            while (!p.head && p.active > 0 && !(interrupted(run) && !p.stop))
                pthread_cond_wait(&p.results, &p.mu);
        }
        got = p.head;
        p.head = p.tail = NULL;
        bool finished = !got && p.active == 0 && (!mpi || exp_mpi_busy() == 0) &&
                        (p.stop || p.next >= p.n_jobs);
        pthread_mutex_unlock(&p.mu);

        /* Every result that came back is committed now, those queued together in one
         * transaction (one sync of the log for all): none waits for others to come. A failed
         * job stops the run; the results before it are committed first. */
        while (got) {
            exp_job_result *batch[BATCH_MAX];
            size_t n_ok = 0;
            /* The jobs the --stop-after limit still lets in (at least the next one: the
             * limit is looked at after each commit). */
            size_t room = SIZE_MAX;
            if (o && o->stop_after)
                room = o->stop_after > run->earlier + run->ran
                           ? o->stop_after - (run->earlier + run->ran) : 1;
            for (exp_job_result *r = got; r && r->status == AF_OK && n_ok < room &&
                                          n_ok < BATCH_MAX; r = r->next) {
                batch[n_ok++] = r;
                if (shortest_job < 0 || r->seconds < shortest_job) shortest_job = r->seconds;
            }
            if (n_ok > 0 && fail == AF_OK && !limit_hit) {
                af_status s2 = exp_store_put_jobs(run->store, (const exp_job_result *const *)batch,
                                                  n_ok, err);
                size_t stored = s2 == AF_OK ? n_ok : 0;
                if (s2 != AF_OK && n_ok > 1) {
                    /* One at a time, so that each job before one that fails is still kept. */
                    while (stored < n_ok &&
                           (s2 = exp_store_put_job(run->store, batch[stored], err)) == AF_OK)
                        stored++;
                }
                if (s2 != AF_OK) fail = s2;
                for (size_t i = 0; i < stored; i++) {
                    run->ran++;
                    report(run, run->resumed + run->ran, total, run->resumed, t0, false);
                }
                if (o && o->stop_after && run->earlier + run->ran >= o->stop_after)
                    limit_hit = true;
            }
            for (size_t i = 0; i < n_ok; i++) {
                exp_job_result *r = got;
                got = got->next;
                free_result(r);
            }
            if (!got || n_ok > 0) continue;
            /* got is a job that failed */
            exp_job_result *r = got;
            got = got->next;
            if (r->status != AF_OK && r->status != AF_INTERRUPTED && fail == AF_OK) {
                fail = r->status;
                if (err) {
                    *err = r->err;
                    err->status = r->status;
                    if (!err->message[0])
                        af_error_set(err, r->status, "job %llu failed: %s",
                                     (unsigned long long)r->job, af_strerror(r->status));
                }
            }
            free_result(r);
        }
        if (finished) break;
    }

    for (unsigned i = 0; i < started; i++) pthread_join(threads[i], NULL);
    free(threads);
    for (size_t i = 0; i < run->n; i++)
        if (p.slots[i].state == SLOT_READY) run->model->release(run->model->ctx, p.slots[i].handle);
    pthread_cond_destroy(&p.results);
    pthread_cond_destroy(&p.loaded);
    pthread_mutex_destroy(&p.mu);
    bool complete = run->resumed + run->ran == total;
    free(p.jobs);
    free(p.slots);
    report(run, run->resumed + run->ran, total, run->resumed, t0, true);
    if (fail != AF_OK) return fail;
    if (!complete)
        return af_error_set(err, AF_INTERRUPTED, "interrupted after %zu of %zu jobs", 
                            run->resumed + run->ran, total);
    return AF_OK;
}
