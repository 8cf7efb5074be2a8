/* micetro-dhcp-agent: the operations (see agent_service.h). */
#include "agent_service.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "agent_confscan.h"
#include "agent_dhcpd.h"
#include "log.h"
#include "omapi_client.h"
#include "spawn.h"
#include "throttle.h"

#define BACKUP_SUFFIX ".agent-backup"

struct agent_service {
    const struct agent_config *cfg;
    struct agent_dhcpd *dhcpd;
    pthread_mutex_t mu;
    unsigned char secret_md[32]; /* SHA-256 of the secret */
    struct throttle *failures;   /* wrong secrets per client address */
    char last_error[256];
    char backup[AGENT_MAX_PATH + sizeof(BACKUP_SUFFIX)];
};

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sha256(const void *p, size_t n, unsigned char md[32])
{
    unsigned int l = 0;

    if (!EVP_Digest(p, n, md, &l, EVP_sha256(), NULL))
        memset(md, 0, 32);
}

static void set_last_error(struct agent_service *s, const char *msg)
{
    snprintf(s->last_error, sizeof(s->last_error), "%s", msg);
    if (msg[0])
        log_msg("%s", msg);
}

/* The OMAPI port to wait for: the file's, when it declares a peer. */
static int ready_port(const char *text, size_t len)
{
    struct agent_confscan cs;

    agent_confscan(text, len, &cs);
    if (cs.has_peer && cs.omapi_port == 0)
        log_msg("the configuration declares a failover peer but no "
                "omapi-port: not waiting for OMAPI");
    return cs.has_peer ? cs.omapi_port : 0;
}

/* Stops dhcpd and starts it on the live file text[0..len); waits. */
static int restart(struct agent_service *s, const char *text, size_t len,
                   struct err *e)
{
    int rc = agent_dhcpd_stop(s->dhcpd, e);

    if (rc)
        return rc;
    rc = agent_dhcpd_start(s->dhcpd, e);
    if (rc)
        return rc;
    return agent_dhcpd_wait_ready(s->dhcpd, ready_port(text, len), e);
}

struct agent_service *agent_service_new(const struct agent_config *cfg,
                                        struct err *e)
{
    struct agent_service *s = calloc(1, sizeof(*s));
    char *text = NULL;
    size_t len = 0;
    int removed = 0, orphan = 0, rc;
    struct err e2;

    if (s == NULL) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    s->cfg = cfg;
    pthread_mutex_init(&s->mu, NULL);
    sha256(cfg->secret, cfg->secret_len, s->secret_md);
    struct throttle_limits tl = {
        .max_failures = cfg->secret_max_failures,
        .window_ms = cfg->secret_window_s * 1000LL,
        .lockout_ms = cfg->secret_lockout_s * 1000LL,
        .lockout_max_ms = cfg->secret_lockout_max_s * 1000LL,
        .entries = AGENT_SECRET_ADDRESSES,
    };
    s->failures = throttle_new(&tl);
    if (s->failures == NULL) {
        err_set(e, ERR_NOMEM, "out of memory");
        goto fail;
    }
    snprintf(s->backup, sizeof(s->backup), "%s" BACKUP_SUFFIX, cfg->dhcpd_conf);
    s->dhcpd = agent_dhcpd_new(cfg, e);
    if (s->dhcpd == NULL)
        goto fail;
    if (agent_files_clean_stale(cfg->dhcpd_conf, &removed, e))
        goto fail;
    if (removed > 0)
        log_msg("removed %d stale temp file(s) next to \"%s\"", removed,
                cfg->dhcpd_conf);
    if (agent_dhcpd_stop_orphan(s->dhcpd, &orphan, e))
        goto fail;
    rc = agent_files_read(cfg->dhcpd_conf, (size_t)cfg->wire.max_string_bytes,
                          &text, &len, NULL, &e2);
    if (rc == ERR_NOTFOUND) {
        log_msg("no \"%s\" yet: dhcpd starts with the first PutConfig",
                cfg->dhcpd_conf);
    } else if (rc) {
        set_last_error(s, e2.msg);
    } else if (cfg->start_cmd[0] && agent_dhcpd_pid(s->dhcpd) > 0) {
        log_msg("dhcpd already runs (pid %d)", agent_dhcpd_pid(s->dhcpd));
    } else if (agent_dhcpd_start(s->dhcpd, &e2) ||
               agent_dhcpd_wait_ready(s->dhcpd, ready_port(text, len), &e2)) {
        set_last_error(s, e2.msg);
    }
    free(text);
    return s;
fail:
    agent_dhcpd_free(s->dhcpd);
    throttle_free(s->failures);
    pthread_mutex_destroy(&s->mu);
    free(s);
    return NULL;
}

void agent_service_free(struct agent_service *s)
{
    if (s == NULL)
        return;
    pthread_mutex_lock(&s->mu);
    agent_dhcpd_free(s->dhcpd);
    pthread_mutex_unlock(&s->mu);
    pthread_mutex_destroy(&s->mu);
    throttle_free(s->failures);
    free(s);
}

int agent_service_check_secret(struct agent_service *s, const char *peer,
                               const char *secret, size_t len, struct err *e)
{
    const struct agent_config *cfg = s->cfg;
    unsigned char md[32];
    long long now = now_ms(), left;

    left = throttle_locked(s->failures, peer, now);
    if (left > 0)
        return err_set(e, ERR_THROTTLED,
                       "too many invalid agent secrets from %s: try again "
                       "in %lld s",
                       peer, (left + 999) / 1000);
    /* hashing first makes the comparison independent of the length */
    sha256(secret, len, md);
    if (CRYPTO_memcmp(md, s->secret_md, sizeof(md)) == 0) {
        throttle_forget(s->failures, peer);
        return 0;
    }
    log_msg("invalid agent secret from %s", peer);
    left = throttle_fail(s->failures, peer, now);
    if (left > 0)
        log_msg("%s locked out for %lld s after %d invalid secrets", peer,
                (left + 999) / 1000, cfg->secret_max_failures);
    return err_set(e, ERR_AUTH, "invalid agent secret");
}

int agent_service_put(struct agent_service *s, const char *config, size_t len,
                      const char *replaces_hash, int validate_only,
                      struct agent_put_result *r, struct err *e)
{
    const struct agent_config *cfg = s->cfg;
    long long t0 = now_ms();
    char *old = NULL, tmp[AGENT_MAX_PATH + 64];
    char old_hash[AGENT_HASH_HEX] = "";
    size_t old_len = 0;
    mode_t mode = 0644;
    int rc, have_old, tmp_made = 0;
    struct err e2;

    memset(r, 0, sizeof(*r));
    agent_files_sha256_hex(config, len, r->hash);
    pthread_mutex_lock(&s->mu);
    rc = agent_files_read(cfg->dhcpd_conf, (size_t)cfg->wire.max_string_bytes,
                          &old, &old_len, &mode, e);
    if (rc && rc != ERR_NOTFOUND)
        goto out;
    have_old = rc == 0;
    rc = 0;
    if (have_old)
        agent_files_sha256_hex(old, old_len, old_hash);
    if (replaces_hash != NULL && replaces_hash[0] != '\0' &&
        strcasecmp(replaces_hash, old_hash) != 0) {
        rc = have_old ? err_set(e, ERR_CONFLICT,
                                "the live configuration has "
                                "changed: its hash is \"%s\", not \"%.64s\"",
                                old_hash, replaces_hash)
                      : err_set(e, ERR_CONFLICT,
                                "there is no live configuration "
                                "to replace (\"%.64s\")",
                                replaces_hash);
        goto out;
    }
    if (!validate_only && have_old && strcmp(old_hash, r->hash) == 0 &&
        agent_dhcpd_pid(s->dhcpd) > 0) {
        r->output = strdup("");
        log_msg("PutConfig: configuration unchanged, dhcpd not "
                "restarted");
        goto out;
    }
    rc = agent_files_write_temp(cfg->dhcpd_conf, config, len, mode, tmp,
                                sizeof(tmp), e);
    if (rc)
        goto out;
    tmp_made = 1;
    rc = agent_dhcpd_test(cfg, tmp, &r->output, e);
    if (rc == ERR_INVALID) {
        r->rejected = spawn_dhcpd_error_lines(r->output ? r->output : "");
        log_msg("PutConfig: dhcpd -t rejected the configuration");
        goto out;
    }
    if (rc || validate_only)
        goto out; /* validate_only: the temp file goes at out */
    if (have_old) {
        rc = agent_files_install(s->backup, old, old_len, mode, e);
        if (rc)
            goto out;
    }
    rc = agent_files_commit(tmp, cfg->dhcpd_conf, e);
    if (rc)
        goto out;
    tmp_made = 0;
    r->restarted = 1;
    rc = restart(s, config, len, &e2);
    if (rc == 0) {
        r->ms = now_ms() - t0;
        set_last_error(s, "");
        log_msg("PutConfig: installed %.12s..., dhcpd pid %d running "
                "after %lld ms",
                r->hash, agent_dhcpd_pid(s->dhcpd), r->ms);
        goto out;
    }
    /* roll back: the previous file, and dhcpd on it */
    log_msg("PutConfig: %s; rolling back", e2.msg);
    {
        struct err e3;
        int back;
        if (have_old)
            back = agent_files_install(cfg->dhcpd_conf, old, old_len, mode,
                                       &e3);
        else
            back = unlink(cfg->dhcpd_conf) == 0
                       ? 0
                       : err_set(&e3, ERR_SYS, "cannot remove \"%s\": %s",
                                 cfg->dhcpd_conf, strerror(errno));
        if (back == 0 && have_old)
            back = restart(s, old, old_len, &e3);
        else if (back == 0)
            back = agent_dhcpd_stop(s->dhcpd, &e3);
        if (back == 0)
            rc = err_set(e, ERR_SYS,
                         "dhcpd did not run on the new "
                         "configuration (%.170s); the previous one is back%s",
                         e2.msg, have_old ? " and running" : "");
        else
            rc = err_set(e, ERR_SYS,
                         "dhcpd did not run on the new "
                         "configuration (%.100s); restoring the previous "
                         "one failed too (%.100s)",
                         e2.msg, e3.msg);
    }
    set_last_error(s, e->msg);
out:
    if (tmp_made)
        unlink(tmp);
    pthread_mutex_unlock(&s->mu);
    free(old);
    return rc;
}

int agent_service_get(struct agent_service *s, char **config, size_t *len,
                      char hash[AGENT_HASH_HEX], struct err *e)
{
    int rc;

    pthread_mutex_lock(&s->mu);
    rc = agent_files_read(s->cfg->dhcpd_conf,
                          (size_t)s->cfg->wire.max_string_bytes, config, len,
                          NULL, e);
    pthread_mutex_unlock(&s->mu);
    if (rc == 0)
        agent_files_sha256_hex(*config, *len, hash);
    return rc;
}

/* The names the includes reach, breadth first, with their level. */
struct includes {
    char *names[AGENT_INCLUDES_MAX];
    int depth[AGENT_INCLUDES_MAX];
    size_t n;
    int level; /* of the names being added */
    int nomem;
};

static int add_include(void *ctx, const char *name)
{
    struct includes *in = ctx;

    for (size_t i = 0; i < in->n; i++)
        if (strcmp(in->names[i], name) == 0)
            return 0;
    if (in->n == AGENT_INCLUDES_MAX)
        return 1;
    if ((in->names[in->n] = strdup(name)) == NULL) {
        in->nomem = 1;
        return 1;
    }
    in->depth[in->n++] = in->level;
    return 0;
}

/* The path of included file name into out[size]: as given when absolute,
 * else beside the live file conf.  -1 when it does not fit. */
static int include_path(const char *conf, const char *name, char *out,
                        size_t size)
{
    const char *slash = strrchr(conf, '/');
    int n = name[0] == '/' || slash == NULL
                ? snprintf(out, size, "%s", name)
                : snprintf(out, size, "%.*s/%s", (int)(slash - conf), conf,
                           name);

    return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Adds the includes of the file at path (level levels down) to in. */
static void scan_includes(const char *path, size_t max, int level,
                          struct includes *in)
{
    char *text = NULL;
    size_t len = 0;
    struct err e;

    if (agent_files_read(path, max, &text, &len, NULL, &e) != 0)
        return;
    in->level = level;
    agent_confscan_includes(text, len, add_include, in);
    free(text);
}

int agent_service_get_file(struct agent_service *s, const char *name,
                           char **config, size_t *len,
                           char hash[AGENT_HASH_HEX], struct err *e)
{
    size_t max = (size_t)s->cfg->wire.max_string_bytes;
    struct includes *in = calloc(1, sizeof(*in));
    char path[AGENT_MAX_PATH];
    size_t i;
    int rc;

    if (in == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    pthread_mutex_lock(&s->mu);
    scan_includes(s->cfg->dhcpd_conf, max, 1, in);
    for (i = 0; i < in->n && strcmp(in->names[i], name) != 0; i++)
        if (in->depth[i] < AGENT_INCLUDE_DEPTH_MAX &&
            include_path(s->cfg->dhcpd_conf, in->names[i], path,
                         sizeof(path)) == 0)
            scan_includes(path, max, in->depth[i] + 1, in);
    if (in->nomem)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    else if (i == in->n)
        rc = err_set(e, ERR_INVALID,
                     "no include statement of %s names \"%.200s\"",
                     s->cfg->dhcpd_conf, name);
    else if (include_path(s->cfg->dhcpd_conf, name, path, sizeof(path)) != 0)
        rc = err_set(e, ERR_INVALID, "the path of \"%.200s\" is too long",
                     name);
    else
        rc = agent_files_read(path, max, config, len, NULL, e);
    pthread_mutex_unlock(&s->mu);
    if (rc == 0)
        agent_files_sha256_hex(*config, *len, hash);
    for (i = 0; i < in->n; i++)
        free(in->names[i]);
    free(in);
    return rc;
}

void agent_service_status(struct agent_service *s, struct agent_status *st)
{
    char *text = NULL;
    size_t len = 0;
    struct err e;

    memset(st, 0, sizeof(*st));
    pthread_mutex_lock(&s->mu);
    st->pid = agent_dhcpd_pid(s->dhcpd);
    st->running = st->pid > 0;
    if (agent_files_read(s->cfg->dhcpd_conf,
                         (size_t)s->cfg->wire.max_string_bytes, &text, &len,
                         NULL, &e) == 0)
        agent_files_sha256_hex(text, len, st->hash);
    snprintf(st->last_error, sizeof(st->last_error), "%s", s->last_error);
    pthread_mutex_unlock(&s->mu);
    free(text);
}

int agent_service_failover_state(struct agent_service *s, const char *name,
                                 struct omapi_failover_state *out,
                                 struct err *e)
{
    struct agent_confscan *cs = calloc(1, sizeof(*cs));
    char *text = NULL;
    size_t len = 0;
    int rc, pid;
    const char *alg;

    if (cs == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    pthread_mutex_lock(&s->mu);
    rc = agent_files_read(s->cfg->dhcpd_conf,
                          (size_t)s->cfg->wire.max_string_bytes, &text, &len,
                          NULL, e);
    pid = agent_dhcpd_pid(s->dhcpd);
    pthread_mutex_unlock(&s->mu);
    if (rc == ERR_NOTFOUND) {
        rc = err_set(e, ERR_CONFLICT, "no configuration is installed");
        goto out;
    }
    if (rc)
        goto out;
    agent_confscan(text, len, cs);
    alg = cs->key_algorithm;
    if (cs->omapi_port == 0 || cs->key_name[0] == '\0' ||
        cs->key_secret[0] == '\0') {
        rc = err_set(e, ERR_CONFLICT,
                     "the live configuration has no "
                     "omapi-port and omapi-key with a key secret");
        goto out;
    }
    if (strncasecmp(alg, "hmac-md5", 8) != 0 ||
        (alg[8] != '\0' && strcasecmp(alg + 8, ".SIG-ALG.REG.INT") != 0 &&
         strcasecmp(alg + 8, ".SIG-ALG.REG.INT.") != 0)) {
        rc = err_set(e, ERR_CONFLICT,
                     "OMAPI key \"%.64s\" uses algorithm "
                     "\"%.32s\"; only hmac-md5 is supported",
                     cs->key_name, alg);
        goto out;
    }
    if (pid == 0) {
        rc = err_set(e, ERR_SYS, "dhcpd is not running");
        goto out;
    }
    rc = omapi_client_failover_state("127.0.0.1", cs->omapi_port, cs->key_name,
                                     cs->key_secret, name,
                                     s->cfg->omapi_timeout_ms, out, e);
    if (rc && err_is_client(rc)) /* OMAPI trouble is never the caller's */
        e->code = rc = rc == ERR_INVALID ? ERR_INTERNAL : ERR_SYS;
out:
    if (text)
        explicit_bzero(text, len);
    free(text);
    explicit_bzero(cs, sizeof(*cs));
    free(cs);
    return rc;
}
