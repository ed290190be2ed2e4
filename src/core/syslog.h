/*
 * syslog.h - the few lines that also go to syslog(3) (the audit chain's
 * checkpoints), kept apart from log.h: <syslog.h> defines LOG_INFO and
 * friends as macros, which would rename log.h's levels in any file that
 * included both.
 */
#pragma once

/* Opens the connection to syslog as ident, facility AUTHPRIV (auth.log or
 * the journal: where a security event is looked for). */
void syslog_open(const char *ident);
/* Sends one line at level NOTICE. Without a syslog daemon it is lost,
 * silently; the caller logs it to stderr too. */
void syslog_notice(const char *line);
void syslog_close(void);
