/* micetro-emu, micetro-dhcp-agent: log lines on stderr (see log.h). */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

#define LOG_MAX_LINE 1200

static const char *log_ident;

void log_set_ident(const char *ident)
{
    log_ident = ident;
}

void log_msg(const char *fmt, ...)
{
    char line[LOG_MAX_LINE], ts[32];
    struct timeval tv;
    struct tm tm;
    va_list ap;
    int n;

    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
    n = snprintf(line, sizeof(line), "%s.%03dZ %s: ", ts,
                 (int)(tv.tv_usec / 1000),
                 log_ident ? log_ident : program_invocation_short_name);
    if (n < 0 || (size_t)n >= sizeof(line))
        n = 0;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    /* one write per line so threads do not interleave */
    fprintf(stderr, "%s\n", line);
}
