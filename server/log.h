/* micetro-emu: log lines on stderr, one per event, with a UTC time stamp. */
#ifndef MICETRO_LOG_H
#define MICETRO_LOG_H

void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
