/*
 * syslog.c - see syslog.h.
 */
#include "syslog.h"

#include <syslog.h>

void
syslog_open(const char *ident)
{
    openlog(ident, LOG_PID, LOG_AUTHPRIV);
}

void
syslog_notice(const char *line)
{
    syslog(LOG_NOTICE, "%s", line);
}

void
syslog_close(void)
{
    closelog();
}
