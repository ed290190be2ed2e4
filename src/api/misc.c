/*
 * misc.c - /healthz, /metrics and /assets/{name}.
 */
#include "api.h"

#include <string.h>

int
api_healthz(struct req *req)
{
    static const char ok[] = "{\"status\":\"ok\"}";
    return http_static(req, 200, "application/json", ok, sizeof(ok) - 1);
}

static bool
loopback(const char *ip)
{
    return strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0;
}

int
api_metrics(struct req *req)
{
    if (!app_config.metrics_public && !loopback(req->ip))
        return http_error(req, 403, "forbidden", NULL,
                          "metrics are served to loopback only");
    http_metrics_render(req);
    return http_body(req, 200, "text/plain; version=0.0.4; charset=utf-8");
}
