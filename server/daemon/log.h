/* micetro-emu, micetro-dhcp-agent: log lines on stderr, one per event,
 * with a UTC time stamp, the program's name and a level; as text
 * ("2026-01-02T03:04:05.678Z micetro-emu: message") or, with
 * log_set_json, one JSON object a line (jansson). */
#ifndef MICETRO_LOG_H
#define MICETRO_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Names the program in every line (a string that outlives the process's
 * logging; each daemon's configuration parser sets it first).  Until then
 * lines carry the name the program was started by. */
void log_set_ident(const char *ident);

/* Lines as JSON objects {"time", "level", "logger", "msg", ...}. */
void log_set_json(int json);

/* The most detailed level written (LOG_INFO unless set). */
void log_set_level(enum log_level level);
int log_enabled(enum log_level level);

/* "error", "warn", "info", "debug". */
const char *log_level_name(enum log_level level);

/* The words of --log-level (in the order of enum log_level) and of
 * --log-format ("text", "json"), each list ended by NULL. */
extern const char *const log_level_words[];
extern const char *const log_format_words[];

void log_at(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* log_at(LOG_INFO, ...). */
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One served request, at LOG_INFO: the client, what it called (a SOAP
 * operation, or "METHOD /path"), as whom (NULL: unknown), how long it
 * took, and its fault's text (NULL: none). */
struct log_call {
    const char *peer;
    const char *operation;
    const char *login;
    double ms;
    int status; /* the HTTP status */
    const char *fault;
};
void log_call(const struct log_call *c);

#endif
