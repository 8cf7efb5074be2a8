/* micetro-cli: servers, ranges, scopes and pools (list, get, add, set,
 * remove), and what the failover commands share with them.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MICETRO_CLI_OBJECTS_H
#define MICETRO_CLI_OBJECTS_H

#include "cli_args.h"
#include "cli_session.h"

extern const struct cli_cmd cli_objects_cmds[];
extern const int cli_objects_count;

/* --comment's value, NULL when not given (the calls' saveComment). */
char *cli_objects_comment(const struct cli_args *a);

/* Runs fn with x; when it succeeds, prints that it is done. */
int cli_objects_done(struct cli *c, cli_call_fn fn, void *x);

#endif
