/* micetro-cli: the failover commands (list, get, add, modify, remove,
 * add-scopes, remove-scopes, replicate).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MICETRO_CLI_FAILOVER_H
#define MICETRO_CLI_FAILOVER_H

#include "cli_args.h"

extern const struct cli_cmd cli_failover_cmds[];
extern const int cli_failover_count;

#endif
