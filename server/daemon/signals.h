/* micetro-emu, micetro-dhcp-agent: the signals a daemon answers. */
#ifndef MICETRO_SIGNALS_H
#define MICETRO_SIGNALS_H

#include <signal.h>

/* From now on SIGTERM and SIGINT set *stop to 1 (a system call they
 * interrupt fails with EINTR) and SIGPIPE is ignored: a peer gone away
 * is an error of the write, not the end of the process. */
void signals_install(volatile sig_atomic_t *stop);

#endif
