/* micetro-emu benchmark: importing a large dhcpd.conf.
 *
 * Generates the dhcpd.conf of one server with SCOPES subnets (10,000 by
 * default: a /24 each with a routers option, a host and one pool with a
 * statement of its own, every second pool on one of four failover peers,
 * global options and a class before them), then RUNS times: the parse
 * alone (the baseline, measured in the same run) and the import of each
 * parse.  Prints figures; asserts nothing about speed.
 *
 * usage: bench_import [SCOPES [RUNS]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "confimport.h"
#include "confparse.h"
#include "textbuf.h"

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static void generate(struct textbuf *b, size_t nscopes)
{
    textbuf_puts(b, "authoritative;\n"
                    "ddns-update-style none;\n"
                    "default-lease-time 600;\n"
                    "max-lease-time 7200;\n"
                    "option domain-name \"bench.example\";\n"
                    "class \"phones\" {\n"
                    "  match if substring (option vendor-class-identifier, "
                    "0, 4) = \"SIP/\";\n"
                    "}\n"
                    "omapi-port 7911;\n"
                    "key omapi_key { algorithm hmac-md5; secret \"AA==\"; }\n"
                    "omapi-key omapi_key;\n");
    for (int i = 0; i < 4; i++)
        textbuf_printf(b,
                       "failover peer \"fo-%d\" {\n"
                       "  primary;\n"
                       "  address 10.255.0.1;\n"
                       "  port 647;\n"
                       "  peer address 10.255.0.%d;\n"
                       "  peer port 647;\n"
                       "  max-response-delay 60;\n"
                       "  max-unacked-updates 10;\n"
                       "  mclt 3600;\n"
                       "  split 128;\n"
                       "  load balance max seconds 3;\n"
                       "}\n",
                       i, 2 + i);
    for (size_t i = 0; i < nscopes; i++) {
        unsigned a = 10 + (unsigned)(i >> 16), c = (unsigned)(i >> 8) & 255,
                 d = (unsigned)i & 255;

        textbuf_printf(b,
                       "subnet %u.%u.%u.0 netmask 255.255.255.0 {\n"
                       "  option routers %u.%u.%u.1;\n"
                       "  host h%zu { hardware ethernet 0:0:aa:0:%x:%x; "
                       "fixed-address %u.%u.%u.5; }\n"
                       "  pool {\n",
                       a, c, d, a, c, d, i, c, d, a, c, d);
        if (i % 2 == 0)
            textbuf_printf(b, "    failover peer \"fo-%zu\";\n", i / 2 % 4);
        textbuf_printf(b,
                       "    deny members of \"phones\";\n"
                       "    range %u.%u.%u.10 %u.%u.%u.200;\n"
                       "  }\n"
                       "}\n",
                       a, c, d, a, c, d);
    }
}

int main(int argc, char **argv)
{
    size_t nscopes = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
    int runs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 20;
    struct confimport_options opt = {"omapi_key"};
    struct textbuf text = {NULL, 0, 0, 0};
    double *tp, *ti, t0;
    int rc = 0;

    if (nscopes < 1 || nscopes > CONFIMPORT_SCOPES_MAX || runs < 1 ||
        runs > 1000) {
        fprintf(stderr, "usage: bench_import [SCOPES (1..%d) [RUNS]]\n",
                CONFIMPORT_SCOPES_MAX);
        return 2;
    }
    generate(&text, nscopes);
    tp = calloc((size_t)runs, sizeof(*tp));
    ti = calloc((size_t)runs, sizeof(*ti));
    if (text.failed || tp == NULL || ti == NULL) {
        fprintf(stderr, "out of memory\n");
        rc = 1;
        goto out;
    }
    for (int r = 0; r < runs && rc == 0; r++) {
        struct confparse *conf = NULL;
        struct confimport *im = NULL;
        struct confparse_err pe;
        struct err e;

        t0 = now_s();
        if (confparse_parse(text.p, text.len, "bench.conf", NULL, NULL, &conf,
                            &pe) != 0) {
            fprintf(stderr, "parse: %s:%d: %s\n", pe.file, pe.line, pe.what);
            rc = 1;
            break;
        }
        tp[r] = now_s() - t0;
        t0 = now_s();
        if (confimport_import(conf, &opt, &im, &e) != 0) {
            fprintf(stderr, "import: %s\n", e.msg);
            rc = 1;
        } else if (im->nscopes != nscopes || im->npeers != 4) {
            fprintf(stderr, "import: %zu scopes, %zu peers\n", im->nscopes,
                    im->npeers);
            rc = 1;
        }
        ti[r] = now_s() - t0;
        confimport_free(im);
        confparse_free(conf);
    }
    if (rc != 0)
        goto out;
    qsort(tp, (size_t)runs, sizeof(*tp), cmp);
    qsort(ti, (size_t)runs, sizeof(*ti), cmp);
    printf("== %zu scopes, %zu bytes of dhcpd.conf, %d runs\n", nscopes,
           text.len, runs);
    printf("figures:\n");
    printf("  parse (baseline), median:   %.2f ms (min %.2f)\n",
           tp[runs / 2] * 1000, tp[0] * 1000);
    printf("  import of the parse, median: %.2f ms (min %.2f)\n",
           ti[runs / 2] * 1000, ti[0] * 1000);
    printf("  parse + import:              %.2f ms\n",
           (tp[runs / 2] + ti[runs / 2]) * 1000);
    printf("  ratio import / parse:        %.3f\n",
           ti[runs / 2] / tp[runs / 2]);
out:
    free(text.p);
    free(tp);
    free(ti);
    return rc;
}
