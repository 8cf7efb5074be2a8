/* micetro-emu, micetro-dhcp-agent: log lines on stderr (see log.h). */
#include "log.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

#define LOG_MAX_LINE 1200

static const char *log_ident;
static int log_json;
static enum log_level log_level = LOG_INFO;

void log_set_ident(const char *ident)
{
    log_ident = ident;
}

void log_set_json(int json)
{
    log_json = json;
}

void log_set_level(enum log_level level)
{
    log_level = level;
}

int log_enabled(enum log_level level)
{
    return level <= log_level;
}

const char *const log_level_words[] = {"error", "warn", "info", "debug", NULL};
const char *const log_format_words[] = {"text", "json", NULL};

const char *log_level_name(enum log_level level)
{
    return level >= LOG_ERROR && level <= LOG_DEBUG ? log_level_words[level]
                                                    : "info";
}

static const char *ident(void)
{
    return log_ident ? log_ident : program_invocation_short_name;
}

/* "2026-01-02T03:04:05.678Z" */
static void stamp(char *ts, size_t size)
{
    struct timeval tv;
    struct tm tm;
    char s[32];

    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(ts, size, "%s.%03dZ", s, (int)(tv.tv_usec / 1000));
}

/* Writes the JSON object j (taken over) with the time, level and logger
 * added, as one line. */
static void write_json(enum log_level level, json_t *j)
{
    char ts[40];
    char *text;

    if (j == NULL)
        return;
    stamp(ts, sizeof(ts));
    json_object_set_new(j, "time", json_string(ts));
    json_object_set_new(j, "level", json_string(log_level_name(level)));
    json_object_set_new(j, "logger", json_string(ident()));
    text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(j);
    if (text != NULL) {
        /* one write per line so threads do not interleave */
        fprintf(stderr, "%s\n", text);
        free(text);
    }
}

static void vlog(enum log_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void vlog(enum log_level level, const char *fmt, va_list ap)
{
    char line[LOG_MAX_LINE], ts[40];
    int n = 0;

    if (!log_enabled(level))
        return;
    if (!log_json) {
        stamp(ts, sizeof(ts));
        n = snprintf(line, sizeof(line), "%s %s: ", ts, ident());
        if (n < 0 || (size_t)n >= sizeof(line))
            n = 0;
    }
    vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    if (log_json)
        write_json(level, json_pack("{s:s}", "msg", line));
    else
        fprintf(stderr, "%s\n", line);
}

void log_at(enum log_level level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(level, fmt, ap);
    va_end(ap);
}

void log_msg(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(LOG_INFO, fmt, ap);
    va_end(ap);
}

/* s with control characters, quotes and backslashes as \xNN, cut to fit
 * buf: what a client sent, on a text line. */
static const char *printable(const char *s, char *buf, size_t size)
{
    size_t o = 0;

    for (; *s != '\0' && o + 5 < size; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch < 0x20 || ch == 0x7f || ch == '"' || ch == '\\')
            o += (size_t)snprintf(buf + o, size - o, "\\x%02x", ch);
        else
            buf[o++] = (char)ch;
    }
    buf[o] = '\0';
    return buf;
}

void log_call(const struct log_call *c)
{
    char login[200], fault[600];

    if (!log_enabled(LOG_INFO))
        return;
    if (log_json) {
        write_json(LOG_INFO,
                   json_pack("{s:s, s:s, s:s, s:s?, s:f, s:i, s:s?}", "msg",
                             "call", "peer", c->peer, "operation", c->operation,
                             "login", c->login, "durationMs", c->ms, "status",
                             c->status, "fault", c->fault));
        return;
    }
    log_msg("%s %s login=%s %.1f ms %d%s%s", c->peer, c->operation,
            c->login != NULL ? printable(c->login, login, sizeof(login)) : "-",
            c->ms, c->status, c->fault != NULL ? " fault: " : "",
            c->fault != NULL ? printable(c->fault, fault, sizeof(fault)) : "");
}
