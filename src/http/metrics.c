/*
 * metrics.c - request counters by route and status, and a latency
 * histogram by route, and the bytes request bodies hold, in the
 * Prometheus text format. Requests libmicrohttpd refused before any route
 * was known count under route="none". Counters are relaxed
 * atomics: a scrape may see a request counted in one series and not yet
 * in another, which Prometheus tolerates.
 */
#include "http_int.h"

#include "../core/util.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Status codes we keep a series for; anything else counts as "other". */
static const int statuses[] = {200, 201, 204, 303, 304, 400, 401, 403,
                               404, 405, 408, 409, 410, 413, 414, 415, 422,
                               429, 431, 500, 503, 505, 0};
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]))

/* Upper bounds in seconds; the last bucket is +Inf. */
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                 0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]) + 1)

static const struct route *m_routes;
static int m_nroutes;                 /* slots = m_nroutes + 1 ("none") */
static atomic_ullong *m_count;        /* [slot][status] */
static atomic_ullong *m_hist;         /* [slot][bucket], not cumulative */
static atomic_ullong *m_sum_us;       /* [slot] */

void
metrics_init(const struct route *routes, int nroutes)
{
    m_routes = routes;
    m_nroutes = nroutes;
    size_t slots = (size_t)nroutes + 1;
    m_count = xcalloc(slots * NSTATUS, sizeof(*m_count));
    m_hist = xcalloc(slots * NBUCKETS, sizeof(*m_hist));
    m_sum_us = xcalloc(slots, sizeof(*m_sum_us));
}

void
metrics_free(void)
{
    free(m_count);
    free(m_hist);
    free(m_sum_us);
    m_count = m_hist = m_sum_us = NULL;
}

static int
slot_of(int route_index)
{
    return route_index >= 0 && route_index < m_nroutes ? route_index
                                                       : m_nroutes;
}

void
metrics_observe(int route_index, int status, int64_t ns)
{
    if (m_count == NULL)
        return;
    size_t slot = (size_t)slot_of(route_index);
    size_t si = NSTATUS - 1;
    for (size_t i = 0; i + 1 < NSTATUS; i++)
        if (statuses[i] == status) {
            si = i;
            break;
        }
    atomic_fetch_add_explicit(&m_count[slot * NSTATUS + si], 1,
                              memory_order_relaxed);
    double sec = (double)ns / 1e9;
    size_t b = NBUCKETS - 1;
    for (size_t i = 0; i + 1 < NBUCKETS; i++)
        if (sec <= buckets[i]) {
            b = i;
            break;
        }
    atomic_fetch_add_explicit(&m_hist[slot * NBUCKETS + b], 1,
                              memory_order_relaxed);
    atomic_fetch_add_explicit(&m_sum_us[slot], (unsigned long long)(ns / 1000),
                              memory_order_relaxed);
}

static void
labels(struct strbuf *sb, int slot)
{
    if (slot == m_nroutes)
        strbuf_puts(sb, "method=\"\",route=\"none\"");
    else
        strbuf_printf(sb, "method=\"%s\",route=\"%s\"",
                      m_routes[slot].method, m_routes[slot].pattern);
}

void
http_metrics_render(struct req *req)
{
    struct strbuf *sb = &req->out;
    strbuf_puts(sb, "# HELP dangxiao_http_requests_total HTTP requests by "
                    "route and status.\n"
                    "# TYPE dangxiao_http_requests_total counter\n");
    for (int slot = 0; slot <= m_nroutes; slot++)
        for (size_t si = 0; si < NSTATUS; si++) {
            unsigned long long n = atomic_load_explicit(
                &m_count[(size_t)slot * NSTATUS + si], memory_order_relaxed);
            if (n == 0)
                continue;
            strbuf_puts(sb, "dangxiao_http_requests_total{");
            labels(sb, slot);
            if (statuses[si])
                strbuf_printf(sb, ",status=\"%d\"} %llu\n", statuses[si], n);
            else
                strbuf_printf(sb, ",status=\"other\"} %llu\n", n);
        }
    strbuf_puts(sb, "# HELP dangxiao_http_request_duration_seconds Time "
                    "from request to response.\n"
                    "# TYPE dangxiao_http_request_duration_seconds "
                    "histogram\n");
    for (int slot = 0; slot <= m_nroutes; slot++) {
        unsigned long long cum = 0;
        unsigned long long counts[NBUCKETS];
        for (size_t b = 0; b < NBUCKETS; b++) {
            counts[b] = atomic_load_explicit(
                &m_hist[(size_t)slot * NBUCKETS + b], memory_order_relaxed);
            cum += counts[b];
        }
        if (cum == 0)
            continue;
        cum = 0;
        for (size_t b = 0; b < NBUCKETS; b++) {
            cum += counts[b];
            strbuf_puts(sb, "dangxiao_http_request_duration_seconds_bucket{");
            labels(sb, slot);
            if (b + 1 < NBUCKETS)
                strbuf_printf(sb, ",le=\"%g\"} %llu\n", buckets[b], cum);
            else
                strbuf_printf(sb, ",le=\"+Inf\"} %llu\n", cum);
        }
        strbuf_puts(sb, "dangxiao_http_request_duration_seconds_sum{");
        labels(sb, slot);
        strbuf_printf(
            sb, "} %.6f\n",
            (double)atomic_load_explicit(&m_sum_us[slot],
                                         memory_order_relaxed) / 1e6);
        strbuf_puts(sb, "dangxiao_http_request_duration_seconds_count{");
        labels(sb, slot);
        strbuf_printf(sb, "} %llu\n", cum);
    }
    strbuf_printf(sb, "# HELP dangxiao_http_body_bytes Bytes the request "
                      "bodies in flight hold of the body budget.\n"
                      "# TYPE dangxiao_http_body_bytes gauge\n"
                      "dangxiao_http_body_bytes %zu\n",
                  http_body_bytes_in_flight());
}
