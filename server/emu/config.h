/* micetro-emu: command line and environment.
 *
 * Every limit the daemon enforces lives here with an explicit default;
 * nothing is left to a library's default.
 */
#ifndef MICETRO_CONFIG_H
#define MICETRO_CONFIG_H

#include <stddef.h>

#include "soaphttpd.h"

struct secrets;

enum config_mode { MODE_RUN, MODE_SERVE, MODE_WORKER, MODE_TEMPLATE };
enum config_profile { PROFILE_11, PROFILE_2017 };

struct config {
    enum config_mode mode;
    char listen_host[256];
    int listen_port;
    const char *db;           /* --db / MICETRO_DB; NULL: embedded */
    const char *data_dir;     /* --data-dir, default ./var */
    const char *template_dir; /* --template-dir; NULL: the default */
    const char *admin_password;
    int admin_password_default; /* 1 when MICETRO_ADMIN_PASSWORD unset */
    enum config_profile profile;
    int session_timeout_s;
    /* failed logins (core/throttle.h): per client address, per name */
    int login_max_failures;      /* 0: no limit per address */
    int login_name_max_failures; /* 0: no limit per login name */
    int login_window_s;
    int login_lockout_s;          /* the first lockout */
    int login_lockout_max_s;      /* repeated ones double up to this */
    int login_entries;            /* addresses, and names, remembered */
    struct soaphttpd_limits wire; /* every limit of the wire */
    /* database */
    int db_pool;
    int db_wait_s; /* --db: how long to wait for it at start */
    int db_acquire_timeout_ms;
    int db_connect_timeout_s;
    int db_statement_timeout_ms;
    int db_filter_timeout_ms; /* statements of a list with a filter */
    int max_session_lists;    /* one session's list calls at once */
    int journal_size;         /* rows the request journal keeps; 0: off */
    int journal_bodies;       /* the journal keeps whole bodies too */
    int verbose;              /* --log-level debug */
    int log_json;             /* --log-format json */
    int log_level;            /* enum log_level */
    /* the configuration worker and the agents it talks to */
    const char *agent_secret_file; /* --agent-secret-file */
    /* the control API's token (--control-token, MICETRO_CONTROL_TOKEN);
     * "" when none: then only loopback clients reach /_emu/ */
    const char *control_token_file;
    const char *seed_file; /* --seed: applied at start; NULL: none */
    char control_token[256];
    char agent_secret[256];         /* from it, or MICETRO_AGENT_SECRET:
                                       one for all; "": none */
    const char *agent_secrets_file; /* --agent-secrets */
    struct secrets *agent_secrets;  /* from it, per server (owned);
                                       NULL: none */
    const char *agent_tls_ca;       /* --agent-tls-ca: the CA bundle of the
                                       agents' certificates, https; NULL: http */
    int agent_port;      /* a server's agent when its address has none */
    int agent_timeout_s; /* connect, send, receive of one agent call */
    int push_timeout_s;  /* a whole PutConfig (dhcpd restarts) */
    size_t agent_max_answer;
    int omapi_port;     /* the OMAPI port rendered files declare */
    int worker_poll_s;  /* look at the queue at least this often */
    int state_poll_s;   /* read failover states this often */
    int worker_lease_s; /* a claimed job's lease */
    int backoff_base_s, backoff_cap_s; /* retries of a failed push */
    int worker_batch;                  /* jobs claimed at once */
    /* simulated servers (server/emu/sim.h) */
    int simulate;         /* --simulate: every server */
    const char *dhcpd;    /* --dhcpd: checks their files when installed */
    int dhcpd_timeout_ms; /* one dhcpd -t */
};

/* Fills c from argv and the environment.  Returns 0 to go on, 1 when the
 * program should exit successfully (--help, --version printed), -1 on a
 * usage error (message printed to stderr). */
int config_parse(struct config *c, int argc, char **argv);

/* 1 when the worker has a secret for some agent: the one for all or a
 * --agent-secrets file. */
int config_has_agent_secrets(const struct config *c);

/* 1 when the worker simulates every DHCP server: --simulate, or no agent
 * secret at all. */
int config_simulates_all(const struct config *c);

/* Frees what c owns (the per-server secrets). */
void config_free(struct config *c);

#endif
