/* micetro-emu: command line and environment.
 *
 * Every limit the daemon enforces lives here with an explicit default;
 * nothing is left to a library's default.
 */
#ifndef MICETRO_CONFIG_H
#define MICETRO_CONFIG_H

#include <stddef.h>

enum config_mode { MODE_RUN, MODE_SERVE, MODE_WORKER };
enum config_profile { PROFILE_11, PROFILE_2017 };

struct config {
    enum config_mode mode;
    char listen_host[256];
    int listen_port;
    const char *db;            /* --db / MICETRO_DB; NULL: embedded */
    const char *data_dir;      /* --data-dir, default ./var */
    const char *admin_password;
    int admin_password_default; /* 1 when MICETRO_ADMIN_PASSWORD unset */
    enum config_profile profile;
    int session_timeout_s;
    /* wire limits */
    size_t max_message_bytes;
    long max_string_bytes;
    unsigned max_depth;
    size_t max_elements;
    size_t max_head_bytes;
    int max_headers;
    int recv_timeout_s;
    int send_timeout_s;
    int message_timeout_s;
    int keepalive_timeout_s;
    int max_keepalive_requests;
    int max_connections;
    int listen_backlog;
    /* database */
    int db_pool;
    int db_acquire_timeout_ms;
    int db_connect_timeout_s;
    int db_statement_timeout_ms;
    int shutdown_grace_s;
    int verbose;
};

/* Fills c from argv and the environment.  Returns 0 to go on, 1 when the
 * program should exit successfully (--help, --version printed), -1 on a
 * usage error (message printed to stderr). */
int config_parse(struct config *c, int argc, char **argv);

#endif
