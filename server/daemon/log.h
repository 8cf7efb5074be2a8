/* micetro-emu, micetro-dhcp-agent: log lines on stderr, one per event,
 * with a UTC time stamp and the program's name. */
#ifndef MICETRO_LOG_H
#define MICETRO_LOG_H

/* Names the program in every line (a string that outlives the process's
 * logging; each daemon's configuration parser sets it first).  Until then
 * lines carry the name the program was started by. */
void log_set_ident(const char *ident);

void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
