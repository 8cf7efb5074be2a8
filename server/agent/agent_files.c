/* micetro-dhcp-agent: safe file writes (see agent_files.h). */
#include "agent_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#define TEMP_TAG ".agent-tmp."

/* Splits target into its directory and base name. */
static int split(const char *target, char *dir, size_t dsize, char *base,
                 size_t bsize, struct err *e)
{
    const char *slash = strrchr(target, '/');
    size_t dl;

    if (slash == NULL || slash[1] == '\0')
        return err_set(e, ERR_INVALID, "path \"%s\" is not absolute", target);
    dl = slash == target ? 1 : (size_t)(slash - target);
    if (dl >= dsize || strlen(slash + 1) >= bsize)
        return err_set(e, ERR_INVALID, "path \"%s\" is too long", target);
    memcpy(dir, target, dl);
    dir[dl] = '\0';
    snprintf(base, bsize, "%s", slash + 1);
    return 0;
}

int agent_files_read(const char *path, size_t max, char **buf, size_t *len,
                     mode_t *mode, struct err *e)
{
    struct stat st;
    char *b = NULL;
    size_t got = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

    *buf = NULL;
    *len = 0;
    if (fd < 0) {
        if (errno == ENOENT)
            return err_set(e, ERR_NOTFOUND, "file \"%s\" does not exist", path);
        return err_set(e, ERR_SYS, "cannot open \"%s\": %s", path,
                       strerror(errno));
    }
    if (fstat(fd, &st) != 0) {
        rc = err_set(e, ERR_SYS, "cannot stat \"%s\": %s", path,
                     strerror(errno));
        goto out;
    }
    if ((size_t)st.st_size > max) {
        rc = err_set(e, ERR_SYS, "file \"%s\" is larger than %zu bytes", path,
                     max);
        goto out;
    }
    b = malloc((size_t)st.st_size + 1);
    if (b == NULL) {
        rc = err_set(e, ERR_NOMEM, "out of memory");
        goto out;
    }
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, b + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = err_set(e, ERR_SYS, "cannot read \"%s\": %s", path,
                         strerror(errno));
            goto out;
        }
        if (n == 0)
            break; /* shrank meanwhile */
        got += (size_t)n;
    }
    b[got] = '\0';
    *buf = b;
    *len = got;
    if (mode)
        *mode = st.st_mode & 07777;
    b = NULL;
out:
    free(b);
    close(fd);
    return rc;
}

void agent_files_sha256_hex(const void *data, size_t len,
                            char out[AGENT_HASH_HEX])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;

    if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
        mdlen = 0;
    for (unsigned i = 0; i < mdlen; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[2 * mdlen] = '\0';
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int agent_files_write_temp(const char *target, const void *data, size_t len,
                           mode_t mode, char *tmp, size_t size, struct err *e)
{
    char dir[1024], base[256];
    int fd = -1, rc;

    rc = split(target, dir, sizeof(dir), base, sizeof(base), e);
    if (rc)
        return rc;
    if ((size_t)snprintf(tmp, size, "%s/.%s" TEMP_TAG "XXXXXX",
                         strcmp(dir, "/") ? dir : "", base) >= size)
        return err_set(e, ERR_INVALID, "path \"%s\" is too long", target);
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return err_set(e, ERR_SYS, "cannot create a temp file in \"%s\": %s",
                       dir, strerror(errno));
    if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 ||
        fsync(fd) != 0) {
        rc = err_set(e, ERR_SYS, "cannot write \"%s\": %s", tmp,
                     strerror(errno));
        close(fd);
        unlink(tmp);
        return rc;
    }
    if (close(fd) != 0) {
        rc = err_set(e, ERR_SYS, "cannot write \"%s\": %s", tmp,
                     strerror(errno));
        unlink(tmp);
        return rc;
    }
    return 0;
}

int agent_files_commit(const char *tmp, const char *target, struct err *e)
{
    char dir[1024], base[256];
    int fd, rc;

    rc = split(target, dir, sizeof(dir), base, sizeof(base), e);
    if (rc)
        return rc;
    if (rename(tmp, target) != 0)
        return err_set(e, ERR_SYS, "cannot rename \"%s\" to \"%s\": %s", tmp,
                       target, strerror(errno));
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        rc = err_set(e, ERR_SYS, "cannot fsync directory \"%s\": %s", dir,
                     strerror(errno));
        if (fd >= 0)
            close(fd);
        return rc;
    }
    close(fd);
    return 0;
}

int agent_files_install(const char *target, const void *data, size_t len,
                        mode_t mode, struct err *e)
{
    char tmp[1400];
    int rc = agent_files_write_temp(target, data, len, mode, tmp, sizeof(tmp),
                                    e);

    if (rc)
        return rc;
    rc = agent_files_commit(tmp, target, e);
    if (rc)
        unlink(tmp);
    return rc;
}

int agent_files_clean_stale(const char *target, int *removed, struct err *e)
{
    char dir[1024], base[256], prefix[300], path[1400];
    DIR *d;
    struct dirent *de;
    int rc;

    *removed = 0;
    rc = split(target, dir, sizeof(dir), base, sizeof(base), e);
    if (rc)
        return rc;
    snprintf(prefix, sizeof(prefix), ".%s" TEMP_TAG, base);
    d = opendir(dir);
    if (d == NULL)
        return err_set(e, ERR_SYS, "cannot open directory \"%s\": %s", dir,
                       strerror(errno));
    while ((de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, prefix, strlen(prefix)) != 0 ||
            strlen(de->d_name) != strlen(prefix) + 6)
            continue;
        snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") ? dir : "",
                 de->d_name);
        if (unlink(path) == 0)
            (*removed)++;
    }
    closedir(d);
    return 0;
}
