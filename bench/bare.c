/*
 * bench/bare.c - the baseline for `make bench`.
 *
 * A bare libmicrohttpd server that answers from memory, configured like the
 * real server (internal polling thread, epoll, a thread pool of one thread
 * per core). `make bench` measures dangxiao against it in the same run, so
 * the figure we quote is a ratio that does not depend on how noisy the
 * machine is that day.
 *
 * Usage: bare PORT DIR
 *
 * At start every regular file in DIR is loaded. A GET for /x/y is answered
 * with the file whose name is the path with every '/' replaced by '_'
 * (/api/v1/me -> DIR/_api_v1_me), status 200, Content-Type
 * application/json (text/plain for names ending in ".txt"). Anything else
 * is a 404. Responses are built once and reused for every request.
 *
 * Not part of the product: this file is only built by bench/run.sh.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#define MAX_FILES 64
#define MAX_NAME 256

struct entry {
    char name[MAX_NAME];            /* file name, e.g. "_api_v1_me" */
    char *body;                     /* file contents, owned */
    size_t len;                     /* length of body */
    struct MHD_Response *response;  /* built once, reused, owned */
};

static struct entry entries[MAX_FILES];
static size_t n_entries;
static struct MHD_Response *not_found;

/*
 * Marks a connection whose headers have been seen. Its address is what the
 * access handler stores in the per-request pointer on the first call.
 */
static int request_seen;

static const char not_found_body[] = "{\"error\":\"not found\"}\n";

static int
ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s);
    size_t lx = strlen(suffix);

    return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

/*
 * Reads the whole of path into a fresh heap buffer. Returns 0 and sets
 * *body (caller frees) and *len, or -1 with errno set.
 */
static int
read_file(const char *path, char **body, size_t *len)
{
    FILE *f;
    struct stat st;
    char *buf = NULL;
    int rc = -1;

    f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    if (fstat(fileno(f), &st) != 0)
        goto out;
    /* One spare byte so an empty file still gets a non-NULL buffer. */
    buf = malloc((size_t)st.st_size + 1);
    if (buf == NULL)
        goto out;
    if (fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        errno = EIO;
        goto out;
    }
    *body = buf;
    *len = (size_t)st.st_size;
    buf = NULL;
    rc = 0;
out:
    free(buf);
    fclose(f);
    return rc;
}

static struct MHD_Response *
make_response(const char *body, size_t len, const char *type)
{
    struct MHD_Response *r;

    /*
     * PERSISTENT: the buffer outlives the daemon, so libmicrohttpd neither
     * copies nor frees it.
     */
    r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body,
                                        MHD_RESPMEM_PERSISTENT);
    if (r == NULL)
        return NULL;
    if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type)
        != MHD_YES) {
        MHD_destroy_response(r);
        return NULL;
    }
    return r;
}

/*
 * Loads every regular file in dir into entries[] and builds its response.
 * Returns 0, or -1 after printing why.
 */
static int
load_dir(const char *dir)
{
    DIR *d;
    struct dirent *de;
    char path[PATH_MAX];
    struct stat st;
    int rc = -1;

    d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "bare: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    while ((de = readdir(d)) != NULL) {
        struct entry *e;
        int n;

        if (de->d_name[0] == '.')
            continue;
        n = snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        if (n < 0 || (size_t)n >= sizeof(path)) {
            fprintf(stderr, "bare: %s/%s: path too long\n", dir, de->d_name);
            goto out;
        }
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (n_entries == MAX_FILES) {
            fprintf(stderr, "bare: more than %d files in %s\n",
                    MAX_FILES, dir);
            goto out;
        }
        if (strlen(de->d_name) >= MAX_NAME) {
            fprintf(stderr, "bare: %s: name too long\n", path);
            goto out;
        }
        e = &entries[n_entries];
        memcpy(e->name, de->d_name, strlen(de->d_name) + 1);
        if (read_file(path, &e->body, &e->len) != 0) {
            fprintf(stderr, "bare: %s: %s\n", path, strerror(errno));
            goto out;
        }
        e->response = make_response(e->body, e->len,
                                    ends_with(e->name, ".txt")
                                        ? "text/plain; charset=utf-8"
                                        : "application/json");
        if (e->response == NULL) {
            fprintf(stderr, "bare: cannot build response for %s\n", path);
            free(e->body);
            goto out;
        }
        n_entries++;
    }
    rc = 0;
out:
    closedir(d);
    return rc;
}

static void
free_entries(void)
{
    size_t i;

    for (i = 0; i < n_entries; i++) {
        MHD_destroy_response(entries[i].response);
        free(entries[i].body);
    }
    n_entries = 0;
}

/*
 * Finds the response for url ("/api/v1/me" -> "_api_v1_me"), or NULL.
 */
static struct MHD_Response *
lookup(const char *url)
{
    char name[MAX_NAME];
    size_t len = strlen(url);
    size_t i;

    if (len >= sizeof(name))
        return NULL;
    for (i = 0; i <= len; i++)
        name[i] = url[i] == '/' ? '_' : url[i];
    for (i = 0; i < n_entries; i++) {
        if (strcmp(entries[i].name, name) == 0)
            return entries[i].response;
    }
    return NULL;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url,
       const char *method, const char *version, const char *upload_data,
       size_t *upload_data_size, void **req_cls)
{
    struct MHD_Response *r;

    (void)cls;
    (void)version;
    (void)upload_data;

    /*
     * libmicrohttpd 0.9.75 turns keep-alive off when the response is queued
     * on the first call (headers only), which costs a factor of four; see
     * the keep-alive pitfall in PERF.md. Mark the request and answer on the
     * next call, as the real server does.
     */
    if (*req_cls == NULL) {
        *req_cls = &request_seen;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        /* Any body is ignored; a GET should not have one. */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0
        && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return MHD_queue_response(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
                                  not_found);
    r = lookup(url);
    if (r == NULL)
        return MHD_queue_response(conn, MHD_HTTP_NOT_FOUND, not_found);
    return MHD_queue_response(conn, MHD_HTTP_OK, r);
}

static int
parse_port(const char *s, uint16_t *port)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 1 || v > 65535)
        return -1;
    *port = (uint16_t)v;
    return 0;
}

int
main(int argc, char **argv)
{
    struct MHD_Daemon *daemon;
    sigset_t stop;
    uint16_t port;
    long cores;
    int sig;
    int rc = 1;

    if (argc != 3) {
        fprintf(stderr, "usage: bare PORT DIR\n");
        return 2;
    }
    if (parse_port(argv[1], &port) != 0) {
        fprintf(stderr, "bare: bad port: %s\n", argv[1]);
        return 2;
    }
    not_found = make_response(not_found_body, sizeof(not_found_body) - 1,
                              "application/json");
    if (not_found == NULL) {
        fprintf(stderr, "bare: cannot build the 404 response\n");
        return 1;
    }
    if (load_dir(argv[2]) != 0)
        goto out;

    cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1)
        cores = 1;

    /*
     * Block the stop signals before the daemon starts its threads, so they
     * inherit the mask and only sigwait() below receives them.
     */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &stop, NULL) != 0) {
        fprintf(stderr, "bare: cannot block signals\n");
        goto out;
    }

    daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL,
                              port, NULL, NULL, handle, NULL,
                              MHD_OPTION_THREAD_POOL_SIZE,
                              (unsigned int)cores,
                              MHD_OPTION_CONNECTION_LIMIT, 4096u,
                              MHD_OPTION_END);
    if (daemon == NULL) {
        fprintf(stderr, "bare: cannot listen on port %u\n", port);
        goto out;
    }
    fprintf(stderr, "bare: %zu files from %s on port %u, %ld threads\n",
            n_entries, argv[2], port, cores);

    if (sigwait(&stop, &sig) != 0)
        sig = 0;
    fprintf(stderr, "bare: signal %d, stopping\n", sig);
    MHD_stop_daemon(daemon);
    rc = 0;
out:
    free_entries();
    MHD_destroy_response(not_found);
    return rc;
}
