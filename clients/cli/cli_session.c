/* micetro-cli: the connection, Login and the session file, each call's
 * outcome.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli_session.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_args.h"
#include "mmcH.h"
/* libgsoapssl refers to a global table named namespaces: this is it */
#define mmc_namespaces namespaces
#include "mmc.nsmap"
#undef mmc_namespaces

/* What a Micetro fault says of a session it does not know (any version). */
static const char expired[] = "Invalid or expired session";

int cli_session_open(struct cli *c, int soap12, unsigned timeout,
                     const char *cafile)
{
    c->soap = soap_new1(SOAP_C_UTFSTRING);
    if (c->soap == NULL) {
        fputs("micetro-cli: out of memory\n", stderr);
        return CLI_LOCAL;
    }
    soap_set_namespaces(c->soap, namespaces);
    soap_set_version(c->soap, soap12 ? 2 : 1);
    c->soap->connect_timeout = (int)timeout;
    c->soap->send_timeout = (int)timeout;
    c->soap->recv_timeout = (int)timeout;
    if (strncmp(c->url, "https:", 6) == 0 &&
        soap_ssl_client_context(c->soap, SOAP_SSL_DEFAULT, NULL, NULL, cafile,
                                cafile ? NULL : "/etc/ssl/certs", NULL)) {
        fprintf(stderr, "micetro-cli: TLS set-up failed (--cacert %s)\n",
                cafile ? cafile : "not given");
        return CLI_LOCAL;
    }
    return CLI_OK;
}

void cli_session_close(struct cli *c)
{
    if (c->soap) {
        soap_destroy(c->soap);
        soap_end(c->soap);
        soap_free(c->soap);
        c->soap = NULL;
    }
    if (c->password) {
        explicit_bzero(c->password, strlen(c->password));
        free(c->password);
        c->password = NULL;
    }
    free(c->session);
    free(c->path);
    c->session = c->path = NULL;
}

/* c->path: --session-file, $MICETRO_SESSION_FILE, else
 * $XDG_CACHE_HOME/micetro-cli/session (~/.cache when unset), its folders
 * made 0700.  0 or CLI_LOCAL. */
static int session_path(struct cli *c)
{
    const char *f = c->session_file ? c->session_file
                                    : getenv("MICETRO_SESSION_FILE");
    const char *cache = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char dir[4096];

    if (c->path)
        return CLI_OK;
    if (f && *f) {
        c->path = strdup(f);
        return c->path ? CLI_OK : CLI_LOCAL;
    }
    if (cache && *cache)
        snprintf(dir, sizeof(dir), "%s", cache);
    else if (home && *home)
        snprintf(dir, sizeof(dir), "%s/.cache", home);
    else {
        fputs("micetro-cli: no session file: set HOME, XDG_CACHE_HOME or "
              "MICETRO_SESSION_FILE, or give --session-file\n",
              stderr);
        return CLI_LOCAL;
    }
    (void)mkdir(dir, 0700);
    if (strlen(dir) + sizeof("/micetro-cli/session") > sizeof(dir)) {
        fputs("micetro-cli: the session file's path is too long\n", stderr);
        return CLI_LOCAL;
    }
    strcat(dir, "/micetro-cli");
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "micetro-cli: %s: %s\n", dir, strerror(errno));
        return CLI_LOCAL;
    }
    strcat(dir, "/session");
    c->path = strdup(dir);
    return c->path ? CLI_OK : CLI_LOCAL;
}

/* Reads at most max bytes of fd into a malloc'd string: NULL on error or
 * when there is more (errno EFBIG). */
static char *read_all(int fd, size_t max)
{
    char *buf = malloc(max + 1);
    size_t len = 0;
    ssize_t n;

    if (buf == NULL)
        return NULL;
    while ((n = read(fd, buf + len, max + 1 - len)) > 0) {
        len += (size_t)n;
        if (len > max) {
            free(buf);
            errno = EFBIG;
            return NULL;
        }
    }
    if (n < 0) {
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

/* The value of "key value" on a line of text, malloc'd, or NULL. */
static char *line_value(const char *text, const char *key)
{
    size_t k = strlen(key);
    const char *p = text;

    while (p && *p) {
        if (strncmp(p, key, k) == 0 && p[k] == ' ') {
            const char *v = p + k + 1, *e = strchr(v, '\n');
            return strndup(v, e ? (size_t)(e - v) : strlen(v));
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return NULL;
}

/* Loads the kept session when it is for c->url and c->user: 0 (with or
 * without one) or CLI_LOCAL when the file is unsafe or unreadable. */
static int session_read(struct cli *c)
{
    struct stat st;
    char *text, *url, *user;
    int fd, rc = session_path(c);

    if (rc)
        return rc;
    fd = open(c->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return CLI_OK;
        fprintf(stderr, "micetro-cli: %s: %s\n", c->path, strerror(errno));
        return CLI_LOCAL;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
        (st.st_mode & 077) != 0) {
        fprintf(stderr,
                "micetro-cli: %s: a session file must be a file of yours "
                "with mode 0600 (it is %04o): remove it and log in again\n",
                c->path, (unsigned)(st.st_mode & 07777));
        close(fd);
        return CLI_LOCAL;
    }
    text = read_all(fd, CLI_SESSION_FILE_MAX);
    close(fd);
    if (text == NULL) {
        fprintf(stderr, "micetro-cli: %s: %s\n", c->path, strerror(errno));
        return CLI_LOCAL;
    }
    url = line_value(text, "url");
    user = line_value(text, "user");
    if (url && user && strcmp(url, c->url) == 0 && strcmp(user, c->user) == 0) {
        free(c->session);
        c->session = line_value(text, "session");
    }
    free(url);
    free(user);
    free(text);
    return CLI_OK;
}

/* Writes the session file anew, mode 0600, replacing it at once. */
static int session_write(struct cli *c)
{
    char tmp[4200];
    FILE *f;
    int fd, rc = session_path(c);

    if (rc)
        return rc;
    if (strchr(c->url, '\n') || strchr(c->user, '\n') ||
        strchr(c->session, '\n')) {
        fputs("micetro-cli: a line break in the URL, user or session\n",
              stderr);
        return CLI_LOCAL;
    }
    snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", c->path, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 || fchmod(fd, 0600) != 0 || (f = fdopen(fd, "w")) == NULL) {
        fprintf(stderr, "micetro-cli: %s: %s\n", tmp, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        return CLI_LOCAL;
    }
    fprintf(f, "url %s\nuser %s\nsession %s\n", c->url, c->user, c->session);
    if (fclose(f) != 0 || rename(tmp, c->path) != 0) {
        fprintf(stderr, "micetro-cli: %s: %s\n", c->path, strerror(errno));
        unlink(tmp);
        return CLI_LOCAL;
    }
    return CLI_OK;
}

/* c->password from --password-file (- for standard input) or
 * $MICETRO_PASSWORD: 0, 1 when there is none, or CLI_LOCAL. */
static int password(struct cli *c)
{
    const char *env = getenv("MICETRO_PASSWORD");
    int fd;

    if (c->password)
        return 0;
    if (c->password_file == NULL) {
        if (env == NULL)
            return 1;
        c->password = strdup(env);
        return c->password ? 0 : CLI_LOCAL;
    }
    fd = strcmp(c->password_file, "-") == 0
             ? dup(0)
             : open(c->password_file, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || (c->password = read_all(fd, CLI_PASSWORD_MAX)) == NULL) {
        fprintf(stderr, "micetro-cli: password file %s: %s\n", c->password_file,
                errno == EFBIG ? "longer than 1024 bytes" : strerror(errno));
        if (fd >= 0)
            close(fd);
        return CLI_LOCAL;
    }
    close(fd);
    /* the first line, without its line break */
    c->password[strcspn(c->password, "\r\n")] = '\0';
    return 0;
}

char *cli_session_strndup(struct cli *c, const char *s, size_t n)
{
    char *d = soap_malloc(c->soap, n + 1);

    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* Login's server: the central server's name, by default the URL's host. */
static char *central(struct cli *c)
{
    const char *h = strstr(c->url, "://");
    size_t n;

    if (c->central)
        return soap_strdup(c->soap, c->central);
    h = h ? h + 3 : c->url;
    n = h[0] == '[' ? strcspn(h, "]") + 1 : strcspn(h, ":/?");
    return cli_session_strndup(c, h, n);
}

int cli_session_status(struct cli *c, int err)
{
    const char **s;

    if (err == SOAP_OK)
        return CLI_OK;
    s = soap_faultstring(c->soap);
    if (err == SOAP_FAULT || err == SOAP_CLI_FAULT || err == SOAP_SVR_FAULT) {
        fprintf(stderr, "micetro-cli: %s\n", s && *s ? *s : "SOAP fault");
        return CLI_FAULT;
    }
    if (err >= 100 && err < 600)
        fprintf(stderr, "micetro-cli: %s: HTTP status %d\n", c->url, err);
    else
        fprintf(stderr, "micetro-cli: %s: %s (gSOAP error %d)\n", c->url,
                s && *s ? *s : "no SOAP answer", err);
    return CLI_TRANSPORT;
}

static int login(struct cli *c)
{
    struct _mm__Login rq;
    struct _mm__LoginResponse rs;
    int rc = password(c);

    if (rc == 1) {
        fputs("micetro-cli: no password: give --password-file FILE or set "
              "MICETRO_PASSWORD\n",
              stderr);
        return CLI_USAGE;
    }
    if (rc)
        return rc;
    memset(&rq, 0, sizeof(rq));
    memset(&rs, 0, sizeof(rs));
    rq.server = central(c);
    rq.loginName = (char *)c->user;
    rq.password = c->password;
    rc = cli_session_status(
        c, soap_call___mm__Login(c->soap, c->url, NULL, &rq, &rs));
    if (rc)
        return rc;
    if (rs.session == NULL || rs.session[0] == '\0') {
        fprintf(stderr, "micetro-cli: %s: Login answered no session\n", c->url);
        return CLI_TRANSPORT;
    }
    free(c->session);
    c->session = strdup(rs.session);
    return c->session ? session_write(c) : CLI_LOCAL;
}

int cli_session_login(struct cli *c)
{
    return login(c);
}

int cli_session_logout(struct cli *c)
{
    struct _mm__Logout rq;
    struct _mm__LogoutResponse rs;
    int rc = session_read(c);

    if (rc)
        return rc;
    if (c->session) {
        memset(&rq, 0, sizeof(rq));
        rq.session = c->session;
        rc = soap_call___mm__Logout(c->soap, c->url, NULL, &rq, &rs);
        /* a session the server no longer knows is logged out already */
        if (rc != SOAP_OK &&
            !(rc == SOAP_CLI_FAULT || rc == SOAP_FAULT) /* transport */)
            return cli_session_status(c, rc);
    }
    if (unlink(c->path) != 0 && errno != ENOENT) {
        fprintf(stderr, "micetro-cli: %s: %s\n", c->path, strerror(errno));
        return CLI_LOCAL;
    }
    return CLI_OK;
}

static int is_expired(struct cli *c, int err)
{
    const char **s;

    if (err != SOAP_FAULT && err != SOAP_CLI_FAULT)
        return 0;
    s = soap_faultstring(c->soap);
    return s && *s && strstr(*s, expired) != NULL;
}

int cli_session_call(struct cli *c, cli_call_fn fn, void *arg)
{
    int rc = c->session ? CLI_OK : session_read(c), err;

    if (rc)
        return rc;
    if (c->session == NULL) {
        if (password(c) == 1) {
            fprintf(stderr,
                    "micetro-cli: not logged in to %s as %s: run "
                    "\"micetro-cli login\" or give a password\n",
                    c->url, c->user);
            return CLI_LOCAL;
        }
        rc = login(c);
        if (rc)
            return rc;
    }
    err = fn(c, c->session, arg);
    if (is_expired(c, err) && password(c) == 0) {
        rc = login(c);
        if (rc)
            return rc;
        err = fn(c, c->session, arg);
    }
    return cli_session_status(c, err);
}
