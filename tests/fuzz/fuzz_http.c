/*
 * fuzz_http.c - libFuzzer target over HTTP request parsing as the server
 * does it: the input is the raw bytes of one or more HTTP/1.1 requests
 * (pipelined, bodies chunked or not), written over loopback to a real
 * libmicrohttpd daemon in this process, started once with the server's
 * own code (http_start) and a route table of test handlers that read the
 * body and the query the way the real ones do: JSON fields, form fields,
 * multipart files, integers and paging from the query.
 *
 * So the framing checks, the decision on the headers, the body buffer
 * and its limits, the memory budget, the raw mid-body refusal, lingering
 * close and the request helpers all run on what the fuzzer writes. The
 * input may hold the 4 bytes FF FE FD FC once: the bytes before go on a
 * first connection, those after on a second one opened while the first is
 * still open, so that one body can hold the budget while another asks.
 *
 * Oracles besides the sanitizers: no answer is a 500 (a handler that gave
 * no answer, or libmicrohttpd's own internal error), a connection ends
 * within 10 s, and once both are closed every body byte is back in the
 * budget.
 *
 * Built with the Makefile's FUZZ_FLAGS (clang, -fsanitize=fuzzer,address,
 * undefined) against the library sources (it needs only src/core and
 * src/http), and run as
 *   build/fuzz/fuzz_http -max_len=16384 CORPUS tests/fuzz/seeds/http
 */
#include "../../src/core/log.h"
#include "../../src/core/util.h"
#include "../../src/http/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* --- handlers that read what real ones read ----------------------- */

static int
h_query(struct req *req)
{
    int64_t page, per_page, n;
    if (req_paging_or_400(req, &page, &per_page) != 0 ||
        req_query_int_or_400(req, "n", -5, 5000, 0, &n) != 0)
        return req->status;
    const char *a = req_query(req, "a");
    return http_json(req, 200,
                     json_pack("{s:s?, s:I, s:I, s:I}", "a", a, "n",
                               (json_int_t)n, "page", (json_int_t)page,
                               "per_page", (json_int_t)per_page));
}

static int
h_json(struct req *req)
{
    json_t *b = req_json_or_400(req);
    const char *name;
    const char **tags;
    int64_t n, *ids, halves;
    size_t nids;
    bool present;
    int flag;
    if (b == NULL ||
        json_str_or_422(req, b, "name", true, 1, 20, &name) != 0 ||
        json_int_or_422(req, b, "n", false, 0, 100, &present, &n) != 0 ||
        json_bool_or_422(req, b, "flag", false, &flag) != 0 ||
        json_strs_or_422(req, b, "tags", 5, 10, &tags) != 0 ||
        json_ids_or_422(req, b, "ids", 8, &ids, &nids) != 0 ||
        json_halves_or_422(req, b, "hours", false, 16, &halves) != 0)
        return req->status;
    return http_json(req, 201, json_pack("{s:s}", "name", name));
}

static int
h_form(struct req *req)
{
    const char *a = req_form(req, "a");
    bool b = req_form_has(req, "b", "1");
    strbuf_printf(&req->out, "<p>%zu %d</p>", a ? strlen(a) : 0, b);
    return http_body(req, 200, "text/html; charset=utf-8");
}

static int
h_upload(struct req *req)
{
    const char *d, *mode = req_query(req, "mode");
    size_t len = 0;
    if (req_multipart_file(req, "file", &d, &len) != 0 &&
        (mode == NULL || strcmp(mode, "raw") != 0))
        return http_error(req, 422, "no_file", "file", "no file");
    if (len == 0)
        len = req->body_len;
    return http_json(req, 200, json_pack("{s:I}", "len", (json_int_t)len));
}

static int
h_photo(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    if (req->body_len == 0)
        return http_error(req, 400, "empty_body", NULL, "no photo");
    return http_no_content(req);
}

static int
h_login(struct req *req)
{
    const char *u = req_form(req, "username");
    if (u == NULL || strcmp(u, "x") != 0)
        return http_error(req, 401, "bad_credentials", NULL, "no");
    return http_redirect(req, "/page/home");
}

static int
h_page(struct req *req)
{
    strbuf_puts(&req->out, "<p>page</p>");
    return http_body(req, 200, "text/html; charset=utf-8");
}

static int
h_static(struct req *req)
{
    static const char ok[] = "{\"status\":\"ok\"}";
    return http_static(req, 200, "application/json", ok, sizeof(ok) - 1);
}

static int
h_delete(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    return http_no_content(req);
}

#define ANY ACCESS_USER, 1u
static const struct route routes[] = {
    {"GET", "/q", h_query, ACCESS_PUBLIC, 0, 0, "page,per_page,n,a"},
    {"GET", "/static", h_static, ACCESS_PUBLIC, 0, 0, NULL},
    {"POST", "/json", h_json, ANY, 0, NULL},
    {"PATCH", "/json/{id}", h_json, ANY, 0, NULL},
    {"POST", "/form", h_form, ANY, ROUTE_PAGE, NULL},
    {"POST", "/upload", h_upload, ANY, ROUTE_UPLOAD, "mode"},
    {"POST", "/photo/{id}", h_photo, ANY, ROUTE_PHOTO, "caption"},
    {"POST", "/login", h_login, ACCESS_PUBLIC, 0,
     ROUTE_PAGE | ROUTE_NO_CSRF | ROUTE_ANON_BODY, "next"},
    {"GET", "/page/{x}", h_page, ACCESS_PUBLIC, 0, ROUTE_PAGE, "b"},
    {"GET", "/me", h_page, ANY, ROUTE_PAGE | ROUTE_PW_CHANGE_OK, NULL},
    {"DELETE", "/thing/{id}", h_delete, ANY, 0, NULL},
    {NULL, NULL, NULL, ACCESS_UNDECLARED, 0, 0, NULL},
};

/* Cookie dx_session=ok (role 1, CSRF "tok"), =other (role 2), =pw (a
 * password change due); Bearer ok; Bearer anything else is a 401. */
static int
authenticate(struct req *req)
{
    const char *authz = req_header(req, "Authorization");
    const char *c = req_cookie(req, "dx_session");
    struct principal *p = arena_zalloc(&req->arena, sizeof(*p));
    p->user_id = 1;
    p->username = "fuzz";
    p->role = "fuzzer";
    p->role_bit = 1;
    p->csrf = "tok";
    if (authz) {
        if (strcmp(authz, "Bearer ok") != 0)
            return http_error(req, 401, "unauthenticated", NULL, "token");
        req->user = p;
        return 0;
    }
    if (c == NULL)
        return 0;
    p->via_cookie = true;
    if (strcmp(c, "other") == 0)
        p->role_bit = 2;
    else if (strcmp(c, "pw") == 0)
        p->must_change_password = true;
    else if (strcmp(c, "ok") != 0)
        return 0;
    req->user = p;
    return 0;
}

static const char *
translate(struct req *req, const char *msgid)
{
    (void)req;
    return msgid;
}

static int port;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    log_access_open("off");
    struct http_options o = {
        .listen = "127.0.0.1:0",
        .workers = 1,
        .max_json_body = 2048,
        .max_upload = 16384,
        .max_photo = 8192,
        .body_budget = 24 * 1024,
        .max_url = 1024,
        .max_header = 2048,
        .connection_memory = 16384,
        /* libmicrohttpd 0.9.75 (epoll) can miss a client's end of stream
         * that comes with its last bytes (a short read clears its
         * read-ready flag): such a connection waits for its idle timeout.
         * A second here, so that the fuzzer waits a second, not 30. */
        .idle_timeout = 1,
        .routes = routes,
        .authenticate = authenticate,
        .translate = translate,
    };
    char err[256];
    struct http_server *s = http_start(&o, err, sizeof(err));
    if (s == NULL) {
        fprintf(stderr, "fuzz_http: %s\n", err);
        abort();
    }
    port = http_port(s);
    return 0; /* the server lives as long as the process */
}

static int
dial(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET,
                              .sin_port = htons((uint16_t)port)};
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
        perror("fuzz_http: connect");
        abort();
    }
    return fd;
}

/* Writes what the server takes (it may refuse and close early). */
static void
put(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        struct pollfd pf = {fd, POLLOUT, 0};
        if (poll(&pf, 1, 10000) != 1)
            return;
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* Checks the answers in buf (n bytes) from *at on: each begins with a
 * status line, and none is a 500. Stops (sets *at to SIZE_MAX) where it
 * cannot follow them any more (a HEAD's answer has no body, a body cut
 * at the end of what has come so far is waited for). */
static void
check_answers(const char *buf, size_t n, size_t *at)
{
    while (*at != SIZE_MAX && *at < n) {
        const char *p = buf + *at;
        size_t left = n - *at;
        const char *end = memmem(p, left, "\r\n\r\n", 4);
        if (end == NULL)
            return; /* the rest of the head is still coming */
        if (left < 12 || memcmp(p, "HTTP/1.1 ", 9) != 0) {
            fprintf(stderr, "fuzz_http: an answer without a status line: "
                            "%.40s\n", p);
            abort();
        }
        int status = atoi(p + 9);
        if (status == 500) {
            fprintf(stderr, "fuzz_http: an answer was a 500\n");
            abort();
        }
        size_t head = (size_t)(end - p) + 4, body = 0;
        const char *cl = memmem(p, head, "\r\nContent-Length: ", 18);
        if (cl)
            body = strtoul(cl + 18, NULL, 10);
        if (status < 200 || status == 204 || status == 304)
            body = 0;
        if (head + body > left)
            return;
        *at += head + body;
        if (*at < n && memcmp(buf + *at, "HTTP/1.1 ", 9) != 0 &&
            n - *at >= 9)
            *at = SIZE_MAX; /* a HEAD's answer, say: cannot follow */
    }
}

/* Reads answers until the server closes, checking them. */
static void
drain(int fd)
{
    static char buf[1 << 20];
    size_t n = 0, at = 0;
    for (;;) {
        struct pollfd pf = {fd, POLLIN, 0};
        if (poll(&pf, 1, 10000) != 1) {
            fprintf(stderr, "fuzz_http: the server kept a connection open "
                            "10 s after the input ended\n");
            abort();
        }
        if (n == sizeof(buf)) /* more than we keep: read on, unchecked */
            n = 0, at = SIZE_MAX;
        ssize_t r = recv(fd, buf + n, sizeof(buf) - n, 0);
        if (r <= 0)
            break;
        n += (size_t)r;
        check_answers(buf, n, &at);
    }
    close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t split[4] = {0xff, 0xfe, 0xfd, 0xfc};
    const uint8_t *cut = memmem(data, size, split, sizeof(split));
    size_t n1 = cut ? (size_t)(cut - data) : size;
    int a = dial();
    put(a, data, n1);
    if (cut) {
        /* A second connection while the first may still hold a body. */
        int b = dial();
        put(b, cut + 4, size - n1 - 4);
        usleep(300);
        shutdown(b, SHUT_WR);
        drain(b);
    }
    /* The end of the input is the end of the stream; given a moment
     * after the bytes, so that it does not come with them (see
     * idle_timeout above). */
    usleep(300);
    shutdown(a, SHUT_WR);
    drain(a);
    /* Both connections are closed: what their bodies held is back. */
    for (int i = 0; i < 200 && http_body_bytes_in_flight() != 0; i++)
        usleep(1000);
    if (http_body_bytes_in_flight() != 0) {
        fprintf(stderr, "fuzz_http: %zu body bytes still held\n",
                http_body_bytes_in_flight());
        abort();
    }
    return 0;
}
