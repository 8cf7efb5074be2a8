/* micetro-dhcp-agent: log lines on stderr, one per event, UTC time stamp. */
#ifndef MICETRO_AGENT_LOG_H
#define MICETRO_AGENT_LOG_H

void agent_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
