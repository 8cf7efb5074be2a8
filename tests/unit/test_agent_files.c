/* Unit tests of micetro-dhcp-agent's files (agent_files.c): SHA-256, reading
 * and installing a file, temp files left behind. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent_files.h"
#include "check.h"

static void test_files(void)
{
    char dir[] = "/tmp/agent-unit.XXXXXX", target[128], tmp[256], h[65];
    char *buf = NULL;
    size_t len = 0;
    mode_t mode = 0;
    int removed = -1;
    struct err e;
    struct stat st;

    agent_files_sha256_hex("abc", 3, h);
    CHECK(strcmp(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff6"
                    "1f20015ad") == 0);
    if (mkdtemp(dir) == NULL) {
        CHECK(!"mkdtemp");
        return;
    }
    snprintf(target, sizeof(target), "%s/dhcpd.conf", dir);
    CHECK(agent_files_read(target, 100, &buf, &len, &mode, &e) == ERR_NOTFOUND);
    CHECK(agent_files_install(target, "one\n", 4, 0640, &e) == 0);
    CHECK(agent_files_read(target, 100, &buf, &len, &mode, &e) == 0 &&
          len == 4 && memcmp(buf, "one\n", 4) == 0 && mode == 0640);
    free(buf);
    CHECK(agent_files_read(target, 3, &buf, &len, NULL, &e) == ERR_SYS);
    /* a temp file left behind is found and removed; others are kept */
    CHECK(agent_files_write_temp(target, "two\n", 4, 0644, tmp, sizeof(tmp),
                                 &e) == 0);
    CHECK(strstr(tmp, "/.dhcpd.conf.agent-tmp.") != NULL);
    CHECK(agent_files_clean_stale(target, &removed, &e) == 0 && removed == 1);
    CHECK(stat(tmp, &st) != 0);
    CHECK(stat(target, &st) == 0);
    CHECK(agent_files_install("relative", "x", 1, 0644, &e) == ERR_INVALID);
    unlink(target);
    rmdir(dir);
}

int main(void)
{
    test_files();
    return check_report();
}
