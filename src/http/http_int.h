/*
 * http_int.h - shared between the files of the HTTP layer only.
 */
#pragma once

#include "http.h"

/* Metrics, kept per route (plus one slot for "no route") and status. */
void metrics_init(const struct route *routes, int nroutes);
void metrics_observe(int route_index, int status, int64_t ns);
void metrics_free(void);

/* Sets the translation of pages' error messages, and the page they are
 * shown in (response.c). */
void http_set_translate(translate_fn fn, error_page_fn page);
/* Ends a page route's error as HTML (response.c). */
int http_error_page(struct req *req, int status, const char *message);

/* Lingering close (linger.c), one per process: linger_add takes a
 * socket (a dup of the connection's) whose request was refused while its
 * body was still coming, shuts its write side and reads what the client
 * still sends into a scratch buffer until the client closes or 2 s pass,
 * so that the client reads our answer instead of a reset. */
int linger_start(void); /* 0, or -1 (no thread or epoll set) */
void linger_stop(void); /* closes what still lingers */
void linger_add(int fd);

/* --- the head of a request (head.c) ---------------------------------- */

/* A refusal: status, error code and message, a format with at most one
 * %zu, whose value is arg. */
struct head_refusal {
    int status;
    const char *code;
    const char *fmt;
    size_t arg;
};
/* The 414 and 431 of our limits, the same from the gate and server.c. */
void http_refusal_url(struct head_refusal *r, size_t max_url);
void http_refusal_headers(struct head_refusal *r, size_t max_header);

/* What the headers say about the body's framing: how many Content-Length
 * and Transfer-Encoding lines, and the (last) value of each. */
struct framing {
    int cl, te;
    const char *cl_value, *te_value;
    size_t cl_len, te_len;
    size_t header_bytes; /* names and values, as a check of the total */
};
/* A body's length is one Content-Length of digits below 2^63 or
 * "Transfer-Encoding: chunked", never both: 0, or -1 with the 400
 * bad_framing in r. */
int http_framing_refusal(const struct framing *f, struct head_refusal *r);

struct head_limits {
    size_t max_url, max_header; /* our 414 and 431 */
    size_t max_params;          /* query parameters; more: 414 */
    size_t pool;                /* libmicrohttpd's connection memory */
};
enum head_verdict { HEAD_MORE, HEAD_OK, HEAD_REFUSED };
/* The verdict on buf (n bytes, the start of a connection's stream): more
 * bytes needed, a whole head of *head_len bytes that libmicrohttpd may
 * have, or refused (r filled). Reads nothing past buf + n. */
enum head_verdict http_head_check(const char *buf, size_t n,
                                  const struct head_limits *lim,
                                  struct head_refusal *r, size_t *head_len);
/* The largest head http_head_check can pass. */
size_t http_head_limit(const struct head_limits *lim);

/* What a refused head says about its answer, read as its bytes come (they
 * may be more than a peek holds): the method and path of its request
 * line, whether Accept names text/html, the language Accept-Language
 * names first (zh or en), and whether the head has ended. */
struct head_scan {
    char method[17];
    char path[256];
    char lang[3];
    bool html, done, long_line;
    size_t lines, ll;
    char line[128];
};
void head_scan_init(struct head_scan *s);
void head_scan(struct head_scan *s, const char *p, size_t n);

/* --- server.c, for the gate ---------------------------------------- */

/* A browser asking for a page gets the HTML error page: a path not under
 * /api/ with an Accept that names text/html. */
bool http_wants_page(const char *path, const char *accept);
/* The same for a refusal before a route is known (the gate): a page
 * route's own flag when method and path match one, else as above. */
bool http_refusal_is_page(const struct route *routes, const char *method,
                          const char *path, const char *accept);
/* Appends req's answer (an error: no static body) as raw HTTP/1.1 with
 * Connection: close and every header an answer carries. */
void http_raw_answer(struct req *req, struct strbuf *sb);
/* Counts req (metrics) and writes its access log line, ns after it
 * began. */
void http_request_done(struct req *req, int64_t ns);

/* --- the head gate (gate.c) ------------------------------------------ */

struct gate;
struct sockaddr_in;
struct gate_options {
    const struct sockaddr_in *addr;
    struct head_limits limits;
    int idle_timeout;          /* seconds a head may take to arrive */
    unsigned max_connections;  /* in the gate and in libmicrohttpd */
    const struct route *routes; /* to tell a page route's refusal */
};
/* Binds and listens; NULL with the reason in err. */
struct gate *gate_new(const struct gate_options *o, char *err,
                      size_t errlen);
/* Counts the connections libmicrohttpd holds: +1 as the gate hands one
 * over, -1 as libmicrohttpd closes it (server.c's
 * MHD_OPTION_NOTIFY_CONNECTION callback). */
void gate_count(struct gate *g, int delta);
/* Starts the gate's thread, handing heads that pass to daemon d. */
int gate_run(struct gate *g, void *d);
int gate_port(const struct gate *g);
/* Stops the thread, closes the listening socket and every connection
 * still waiting in the gate. */
void gate_stop(struct gate *g);
/* Stops it (if still running) and frees it: after libmicrohttpd has
 * stopped, whose last notifications count into it. */
void gate_free(struct gate *g);
