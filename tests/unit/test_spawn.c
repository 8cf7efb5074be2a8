/* Unit tests of the children both daemons run (daemon/spawn.c): output
 * captured and cut, a timeout, a program that is not there, dhcpd -t on a
 * good and a bad file (with the dhcpd of MICETRO_DHCPD, else
 * /usr/sbin/dhcpd, when installed), and the lines of dhcpd's output that
 * tell why it refused a configuration. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "spawn.h"
#include "check.h"

static void test_error_lines(void)
{
    const char *out =
        "Internet Systems Consortium DHCP Server 4.4.3-P1\n"
        "Copyright 2004-2022 Internet Systems Consortium.\n"
        "All rights reserved.\n"
        "For info, please visit https://www.isc.org/software/dhcp/\n"
        "/tmp/x.conf line 4: semicolon expected.\n"
        "}\n"
        " ^\n"
        "Configuration file errors encountered -- exiting\n"
        "\n"
        "If you think you have received this message due to a bug rather\n"
        "than a configuration issue please read the section on submitting\n"
        "bugs on either our web page at www.isc.org or in the README file\n"
        "before submitting a bug.  These pages explain the proper\n"
        "process and the information we find helpful for debugging.\n"
        "\n"
        "exiting.\n";
    char *l = spawn_dhcpd_error_lines(out);

    CHECK(l != NULL);
    if (l == NULL)
        return;
    CHECK(strcmp(l, "/tmp/x.conf line 4: semicolon expected.\n}\n ^\n"
                    "Configuration file errors encountered -- exiting\n"
                    "\nexiting.") == 0);
    free(l);
    l = spawn_dhcpd_error_lines("");
    CHECK(l != NULL && l[0] == '\0');
    free(l);
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_capture(void)
{
    char *echo[] = {"/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL};
    char *sleep_[] = {"/bin/sleep", "5", NULL};
    char *none[] = {"/nonexistent/program", NULL};
    char *out = NULL, why[256] = "";
    int status = 0;
    double t0;

    CHECK(spawn_capture(echo, 5000, 1024, &out, &status, why, sizeof(why)) ==
          0);
    CHECK(out != NULL && strcmp(out, "out\nerr\n") == 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
    free(out);
    /* cut to max bytes */
    CHECK(spawn_capture(echo, 5000, 2, &out, &status, why, sizeof(why)) == 0);
    CHECK(out != NULL && strcmp(out, "ou") == 0);
    free(out);
    /* killed at its time limit */
    t0 = now_s();
    CHECK(spawn_capture(sleep_, 200, 1024, &out, &status, why, sizeof(why)) ==
          -1);
    CHECK(now_s() - t0 < 3);
    CHECK(strcmp(why, "\"/bin/sleep\" did not finish within 200 ms") == 0);
    free(out);
    CHECK(spawn_capture(none, 1000, 1024, &out, &status, why, sizeof(why)) ==
          -1);
    CHECK(strcmp(why, "cannot run \"/nonexistent/program\"") == 0);
    free(out);
}

/* Writes text to a new file in dir; its path in path[size]. */
static void write_file(const char *dir, const char *name, const char *text,
                       char *path, size_t size)
{
    FILE *f;

    snprintf(path, size, "%s/%s", dir, name);
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    fputs(text, f);
    fclose(f);
}

static void test_dhcpd(void)
{
    const char *dhcpd = getenv("MICETRO_DHCPD");
    char dir[] = "/tmp/spawnXXXXXX", good[64], bad[64], why[256] = "";
    char *out = NULL, *lines;

    if (dhcpd == NULL || dhcpd[0] == '\0')
        dhcpd = "/usr/sbin/dhcpd";
    CHECK(spawn_dhcpd_test("/nonexistent/dhcpd", "/dev/null", 1000, 4096, &out,
                           why, sizeof(why)) == SPAWN_DHCPD_FAILED);
    CHECK(strcmp(why, "cannot run \"/nonexistent/dhcpd\"") == 0);
    free(out);
    if (access(dhcpd, X_OK) != 0) {
        printf("dhcpd -t not tried: no %s\n", dhcpd);
        return;
    }
    CHECK(mkdtemp(dir) != NULL);
    write_file(dir, "good.conf", "default-lease-time 600;\n", good,
               sizeof(good));
    write_file(dir, "bad.conf", "default-lease-time abc;\n", bad, sizeof(bad));
    CHECK(spawn_dhcpd_test(dhcpd, good, 10000, 65536, &out, why, sizeof(why)) ==
          SPAWN_DHCPD_OK);
    free(out);
    CHECK(spawn_dhcpd_test(dhcpd, bad, 10000, 65536, &out, why, sizeof(why)) ==
          SPAWN_DHCPD_REFUSED);
    lines = spawn_dhcpd_error_lines(out != NULL ? out : "");
    CHECK(lines != NULL && strncmp(lines, bad, strlen(bad)) == 0 &&
          strstr(lines, " line 1: Bogus number abc") != NULL);
    CHECK(lines != NULL && strstr(lines, "Internet Systems") == NULL);
    free(lines);
    free(out);
    unlink(good);
    unlink(bad);
    rmdir(dir);
}

int main(void)
{
    test_error_lines();
    test_capture();
    test_dhcpd();
    return check_report();
}
