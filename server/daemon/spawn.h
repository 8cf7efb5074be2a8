/* micetro-emu, micetro-dhcp-agent: programs run as children, their output
 * captured, and `dhcpd -t` on a file with what it says.
 *
 * Children start with stdin from /dev/null, stdout and stderr into one
 * pipe, the default dispositions of SIGPIPE, SIGTERM and SIGINT and no
 * blocked signal; the parent's descriptors are close-on-exec.  Each child
 * is reaped with waitpid before the call returns.  Safe to call from any
 * thread (the child makes async-signal-safe calls only).
 */
#ifndef MICETRO_SPAWN_H
#define MICETRO_SPAWN_H

#include <stddef.h>

/* In a forked child: stdin from /dev/null, stdout and stderr to fd out,
 * default signal dispositions, then execv(argv[0], argv); exit status 127
 * when that fails.  Async-signal-safe only; never returns. */
void spawn_child_exec(int out, char *const argv[]) __attribute__((noreturn));

/* Runs argv (argv[0] a path) and waits for it, killing it (SIGKILL) after
 * timeout_ms.  *out gets its output (malloc'd, NUL-terminated, the first
 * max bytes kept; the caller frees it, also on failure when not NULL),
 * *status the waitpid status.  0; -1 with why[size] said when it could
 * not run (exit status 127 included) or did not finish in time. */
int spawn_capture(char *const argv[], int timeout_ms, size_t max, char **out,
                  int *status, char *why, size_t size);

enum spawn_dhcpd {
    SPAWN_DHCPD_FAILED = -1,
    SPAWN_DHCPD_OK,
    SPAWN_DHCPD_REFUSED
};

/* Runs `dhcpd -t -cf conf` (never -q: it would hide dhcpd's words) within
 * timeout_ms, its output into *out as spawn_capture.  SPAWN_DHCPD_OK: the
 * file is accepted; SPAWN_DHCPD_REFUSED: dhcpd exited otherwise (the
 * output says why); SPAWN_DHCPD_FAILED: it could not run, timed out or
 * died of a signal (why[size] says so). */
enum spawn_dhcpd spawn_dhcpd_test(const char *dhcpd, const char *conf,
                                  int timeout_ms, size_t max, char **out,
                                  char *why, size_t size);

/* The lines of dhcpd output worth showing a caller: the banner and the
 * "If you think you have received this message due to a bug" paragraph
 * are dropped, leading blank lines and runs of blank lines become one,
 * trailing ones none, every other line is kept verbatim.  malloc'd (NULL:
 * out of memory). */
char *spawn_dhcpd_error_lines(const char *output);

#endif
