/* micetro-dhcp-agent: files written the safe way.
 *
 * A new file is first written to a temp file in the same directory
 * (".<name>.agent-tmp.XXXXXX"), fsync'ed, then renamed over the target and
 * the directory fsync'ed, so a crash leaves either the old or the new file
 * and at worst a stale temp file, which agent_files_clean_stale() removes
 * at start.
 */
#ifndef MICETRO_AGENT_FILES_H
#define MICETRO_AGENT_FILES_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

#define AGENT_HASH_HEX 65 /* 64 hex digits and NUL */

/* Reads all of path (at most max bytes) into a malloc'd buffer (NUL
 * appended, caller frees).  ERR_NOTFOUND when it does not exist. */
int agent_files_read(const char *path, size_t max, char **buf, size_t *len,
                     mode_t *mode, struct err *e);

/* Lower-case hex SHA-256 of data[0..len). */
void agent_files_sha256_hex(const void *data, size_t len,
                            char out[AGENT_HASH_HEX]);

/* Writes data to a new temp file next to target (fsync'ed, mode set);
 * its path goes to tmp (size bytes).  On failure nothing is left. */
int agent_files_write_temp(const char *target, const void *data, size_t len,
                           mode_t mode, char *tmp, size_t size, struct err *e);

/* rename(2)s tmp over target and fsyncs the directory. */
int agent_files_commit(const char *tmp, const char *target, struct err *e);

/* write_temp + commit. */
int agent_files_install(const char *target, const void *data, size_t len,
                        mode_t mode, struct err *e);

/* Removes the temp files a killed agent may have left next to target;
 * *removed gets how many. */
int agent_files_clean_stale(const char *target, int *removed, struct err *e);

#endif
