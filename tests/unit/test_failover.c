/* micetro-emu unit tests: the failover rules (core/failover).
 *
 * One table per rule, one row per case: the input, the expected answer
 * (and, for a refusal, its code and message; a message starting with '*'
 * need only be contained in the answer's).
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "err.h"
#include "failover.h"
#include "ref.h"

/* Rows name only what differs from a default row (IN, DEFAULTS, KEPT,
 * MOD): a designated field after the macro's own overrides it. */
#pragma GCC diagnostic ignored "-Woverride-init"

#define N(x) (sizeof(x) / sizeof((x)[0]))
#define IP(a, b, c, d)                                                         \
    ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 |          \
     (uint32_t)(d))

/* Cases per table, for the closing summary. */
/* 1 when a and b hold the same parameters, field by field. */
static int params_equal(const struct failover_params *a,
                        const struct failover_params *b)
{
    return a->mode == b->mode && a->mclt == b->mclt &&
           a->safe_period == b->safe_period && a->percentage == b->percentage &&
           a->port == b->port && a->peer_port == b->peer_port &&
           a->lb_max_seconds == b->lb_max_seconds &&
           a->max_response_delay == b->max_response_delay &&
           a->max_unacked_updates == b->max_unacked_updates;
}

static struct {
    const char *table;
    int cases;
} tally[32];
static int cases;

static void count_case(const char *table)
{
    size_t i;

    for (i = 0; i < N(tally) && tally[i].table != NULL &&
                strcmp(tally[i].table, table) != 0;
         i++)
        ;
    if (i == N(tally))
        return;
    tally[i].table = table;
    tally[i].cases++;
    cases++;
}

/* 1 when the answer rc/e is the expected one (want_rc 0: no message). */
static int answer_is(int rc, const struct err *e, int want_rc,
                     const char *want_msg)
{
    if (rc != want_rc)
        return 0;
    if (want_rc == 0 || want_msg == NULL)
        return 1;
    if (e->code != want_rc)
        return 0;
    if (want_msg[0] == '*')
        return strstr(e->msg, want_msg + 1) != NULL;
    return strcmp(e->msg, want_msg) == 0;
}

/* Reports a row that failed, by table and row number. */
static void row_failed(const char *table, size_t i, int rc, const struct err *e)
{
    fprintf(stderr, "%s row %zu: rc %d: %s\n", table, i, rc,
            rc != 0 ? e->msg : "");
}

#define ROW(table, i, cond, rc, e)                                             \
    do {                                                                       \
        int ok_ = (cond);                                                      \
        CHECK(ok_);                                                            \
        if (!ok_)                                                              \
            row_failed(table, i, rc, e);                                       \
        count_case(table);                                                     \
    } while (0)

/* ---- roles ---------------------------------------------------------- */

static const struct failover_servers pair12 = {1, 2};

static const struct {
    long long server_id;
    enum failover_role role;
    long long partner, view;
} role_cases[] = {
    {1, FAILOVER_PRIMARY, 2, 1},
    {2, FAILOVER_SECONDARY, 1, 2},
    {3, FAILOVER_NONE, 1, 3},
    {0, FAILOVER_NONE, 1, 1}, /* no server named: seen from the primary */
};

static void test_roles(void)
{
    struct err e;

    err_clear(&e);
    for (size_t i = 0; i < N(role_cases); i++) {
        long long s = role_cases[i].server_id;

        ROW("roles", i,
            failover_role(&pair12, s) == role_cases[i].role &&
                failover_partner(&pair12, s) == role_cases[i].partner &&
                failover_view(&pair12, s) == role_cases[i].view,
            0, &e);
    }
}

static const struct {
    long long server_id;
    int claims_secondary;
    int rc;
    const char *msg;
} view_cases[] = {
    {1, 0, 0, NULL},
    {2, 1, 0, NULL},
    {2, 7, 0, NULL}, /* any non-zero claim is the secondary */
    {1, 1, ERR_INVALID,
     "failoverServerType SecondaryServer contradicts dhcpServerRef: server "
     "\"a.\" is the primary of failover relationship \"fo\""},
    {2, 0, ERR_INVALID,
     "failoverServerType PrimaryServer contradicts dhcpServerRef: server "
     "\"a.\" is the secondary of failover relationship \"fo\""},
    {3, 0, ERR_INVALID,
     "dhcpServerRef \"a.\" is neither the primary nor the secondary server "
     "of failover relationship \"fo\""},
    {3, 1, ERR_INVALID, "*is neither the primary nor the secondary"},
};

static void test_view(void)
{
    for (size_t i = 0; i < N(view_cases); i++) {
        struct err e;
        int rc;

        err_clear(&e);
        rc = failover_check_view(&pair12, view_cases[i].server_id,
                                 view_cases[i].claims_secondary, "a.", "fo",
                                 &e);
        ROW("view", i, answer_is(rc, &e, view_cases[i].rc, view_cases[i].msg),
            rc, &e);
    }
}

static const struct {
    long long primary, secondary;
    int rc;
    const char *msg;
} servers_cases[] = {
    {1, 2, 0, NULL},
    {2, 1, 0, NULL},
    {1, 1, ERR_INVALID,
     "primaryServer and secondaryServer are both server \"a.\": a failover "
     "relationship needs two servers"},
};

static void test_servers(void)
{
    for (size_t i = 0; i < N(servers_cases); i++) {
        struct err e;
        int rc;

        err_clear(&e);
        rc = failover_check_servers(servers_cases[i].primary,
                                    servers_cases[i].secondary, "a.", &e);
        ROW("servers", i,
            answer_is(rc, &e, servers_cases[i].rc, servers_cases[i].msg), rc,
            &e);
    }
}

static const struct {
    int primary, secondary;
    const char *name;
    int rc;
    const char *msg;
} simulated_cases[] = {
    {0, 0, "fo", 0, NULL},
    {1, 1, "fo", 0, NULL},
    {1, 0, "fo", ERR_CONFLICT,
     "failover relationship \"fo\" would join simulated DHCP server \"a.\" "
     "and real DHCP server \"b.\": both servers of a relationship are "
     "simulated, or neither"},
    {0, 1, "", ERR_CONFLICT,
     "failover relationship would join real DHCP server \"a.\" and "
     "simulated DHCP server \"b.\": both servers of a relationship are "
     "simulated, or neither"},
};

static void test_simulated(void)
{
    for (size_t i = 0; i < N(simulated_cases); i++) {
        struct err e;
        int rc;

        err_clear(&e);
        rc = failover_check_simulated(simulated_cases[i].primary,
                                      simulated_cases[i].secondary,
                                      simulated_cases[i].name, "a.", "b.", &e);
        ROW("simulated", i,
            answer_is(rc, &e, simulated_cases[i].rc, simulated_cases[i].msg),
            rc, &e);
    }
}

static const struct {
    enum failover_role role;
    int own, peer;
} ports_cases[] = {
    {FAILOVER_PRIMARY, 647, 847},
    {FAILOVER_SECONDARY, 847, 647},
    {FAILOVER_NONE, 647, 847},
};

static void test_ports(void)
{
    struct failover_params p;
    struct err e;

    memset(&p, 0, sizeof(p));
    p.port = 647;
    p.peer_port = 847;
    err_clear(&e);
    for (size_t i = 0; i < N(ports_cases); i++) {
        int own = -1, peer = -1;

        failover_ports(&p, ports_cases[i].role, &own, &peer);
        ROW("ports", i,
            own == ports_cases[i].own && peer == ports_cases[i].peer, 0, &e);
    }
}

/* ---- parameters ----------------------------------------------------- */

static const unsigned int u0 = 0, u1 = 1, u5 = 5, u647 = 647, u700 = 700,
                          u65535 = 65535, u65536 = 65536, u86400 = 86400,
                          u86401 = 86401;

#define S10 "abcdefghij"
#define S50 S10 S10 S10 S10 S10
#define S128 S50 S50 S10 S10 "abcdefgh"
#define S255 S50 S50 S50 S50 S50 "abcde"

/* A valid Add: name fo, a. and b., LoadBalance, mclt 3600, 50%. */
#define IN(...)                                                                \
    {.name = "fo",                                                             \
     .primary = "a.",                                                          \
     .secondary = "b.",                                                        \
     .mclt = 3600,                                                             \
     .percentage = 50,                                                         \
     __VA_ARGS__}
/* What it gives with ISC's defaults, and base's values (Modify). */
#define DEFAULTS(...)                                                          \
    {.mclt = 3600,                                                             \
     .percentage = 50,                                                         \
     .port = 647,                                                              \
     .peer_port = 647,                                                         \
     .lb_max_seconds = 3,                                                      \
     .max_response_delay = 60,                                                 \
     .max_unacked_updates = 10,                                                \
     __VA_ARGS__}
#define KEPT(...)                                                              \
    {.mclt = 3600,                                                             \
     .percentage = 50,                                                         \
     .port = 700,                                                              \
     .peer_port = 701,                                                         \
     .lb_max_seconds = 5,                                                      \
     .max_response_delay = 15,                                                 \
     .max_unacked_updates = 20,                                                \
     __VA_ARGS__}

static const struct failover_params base = {.mode = FAILOVER_HOT_STANDBY,
                                            .mclt = 60,
                                            .safe_period = 9,
                                            .percentage = 70,
                                            .port = 700,
                                            .peer_port = 701,
                                            .lb_max_seconds = 5,
                                            .max_response_delay = 15,
                                            .max_unacked_updates = 20};

static const struct {
    const char *what;
    struct failover_input in;
    int modify; /* 1: base is the stored relationship */
    int rc;
    const char *msg;
    struct failover_params out;
} input_cases[] = {
    {"defaults", IN(), 0, 0, NULL, DEFAULTS()},
    {"modify keeps", IN(), 1, 0, NULL, KEPT()},
    /* name */
    {"name missing", IN(.name = NULL), 0, ERR_INVALID, "missing name", {0}},
    {"name empty", IN(.name = ""), 0, ERR_INVALID, "missing name", {0}},
    {"name 128 bytes", IN(.name = S128), 0, 0, NULL, DEFAULTS()},
    {"name 129 bytes",
     IN(.name = S128 "x"),
     0,
     ERR_INVALID,
     "*is too long (129 bytes, at most 128)",
     {0}},
    {"name quote",
     IN(.name = "f\"o"),
     0,
     ERR_INVALID,
     "*character '\"' at byte 1",
     {0}},
    {"name brace", IN(.name = "f{o"), 0, ERR_INVALID, "*character '{'", {0}},
    {"name space",
     IN(.name = " fo"),
     0,
     ERR_INVALID,
     "*starts or ends with a space",
     {0}},
    /* servers */
    {"primary missing",
     IN(.primary = NULL),
     0,
     ERR_INVALID,
     "missing primaryServer",
     {0}},
    {"primary empty",
     IN(.primary = ""),
     0,
     ERR_INVALID,
     "missing primaryServer",
     {0}},
    {"secondary missing",
     IN(.secondary = NULL),
     0,
     ERR_INVALID,
     "missing secondaryServer",
     {0}},
    /* mode */
    {"hot standby", IN(.mode = FAILOVER_HOT_STANDBY), 0, 0, NULL,
     DEFAULTS(.mode = FAILOVER_HOT_STANDBY)},
    {"mode 2", IN(.mode = 2), 0, ERR_INVALID, "invalid failoverMode", {0}},
    {"mode -1", IN(.mode = -1), 0, ERR_INVALID, "invalid failoverMode", {0}},
    /* mclt */
    {"mclt 0",
     IN(.mclt = 0),
     0,
     ERR_INVALID,
     "mclt 0 is out of range: at least 1 second",
     {0}},
    {"mclt 1", IN(.mclt = 1), 0, 0, NULL, DEFAULTS(.mclt = 1)},
    {"mclt max", IN(.mclt = 2147483647u), 0, 0, NULL,
     DEFAULTS(.mclt = 2147483647)},
    {"mclt max+1",
     IN(.mclt = 2147483648u),
     0,
     ERR_INVALID,
     "mclt 2147483648 is out of range: at least 1 second",
     {0}},
    /* safePeriod */
    {"safePeriod 0", IN(.safe_period = 0), 0, 0, NULL, DEFAULTS()},
    {"safePeriod max", IN(.safe_period = 2147483647u), 0, 0, NULL,
     DEFAULTS(.safe_period = 2147483647)},
    {"safePeriod max+1",
     IN(.safe_period = 2147483648u),
     0,
     ERR_INVALID,
     "safePeriod 2147483648 is out of range",
     {0}},
    /* percentage */
    {"percentage 0", IN(.percentage = 0), 0, 0, NULL,
     DEFAULTS(.percentage = 0)},
    {"percentage 100", IN(.percentage = 100), 0, 0, NULL,
     DEFAULTS(.percentage = 100)},
    {"percentage 101",
     IN(.percentage = 101),
     0,
     ERR_INVALID,
     "percentage 101 is out of range (0..100)",
     {0}},
    /* sharedSecret */
    {"secret 255 bytes", IN(.shared_secret = S255), 0, 0, NULL, DEFAULTS()},
    {"secret empty", IN(.shared_secret = ""), 0, 0, NULL, DEFAULTS()},
    {"secret 256 bytes",
     IN(.shared_secret = S255 "x"),
     0,
     ERR_INVALID,
     "*is too long (256 bytes, at most 255)",
     {0}},
    {"secret control",
     IN(.shared_secret = "a\nb"),
     0,
     ERR_INVALID,
     "*control character U+000A",
     {0}},
    /* port */
    {"port 0",
     IN(.port = &u0),
     0,
     ERR_INVALID,
     "port 0 is not a port (1..65535)",
     {0}},
    {"port 1", IN(.port = &u1), 0, 0, NULL,
     DEFAULTS(.port = 1, .peer_port = 1)},
    {"port 65535", IN(.port = &u65535), 0, 0, NULL,
     DEFAULTS(.port = 65535, .peer_port = 65535)},
    {"port 65536",
     IN(.port = &u65536),
     0,
     ERR_INVALID,
     "port 65536 is not a port (1..65535)",
     {0}},
    /* peerPort */
    {"peerPort is the port", IN(.port = &u700), 0, 0, NULL,
     DEFAULTS(.port = 700, .peer_port = 700)},
    {"peerPort kept in modify", IN(.port = &u647), 1, 0, NULL,
     KEPT(.port = 647, .peer_port = 701)},
    {"peerPort 0",
     IN(.peer_port = &u0),
     0,
     ERR_INVALID,
     "peerPort 0 is not a port (1..65535)",
     {0}},
    {"peerPort 1", IN(.peer_port = &u1), 0, 0, NULL, DEFAULTS(.peer_port = 1)},
    {"peerPort 65535", IN(.peer_port = &u65535), 0, 0, NULL,
     DEFAULTS(.peer_port = 65535)},
    {"peerPort 65536",
     IN(.peer_port = &u65536),
     0,
     ERR_INVALID,
     "peerPort 65536 is not a port (1..65535)",
     {0}},
    /* loadBalanceMaxSeconds */
    {"lbmax 0", IN(.lb_max_seconds = &u0), 0, 0, NULL,
     DEFAULTS(.lb_max_seconds = 0)},
    {"lbmax 86400", IN(.lb_max_seconds = &u86400), 0, 0, NULL,
     DEFAULTS(.lb_max_seconds = 86400)},
    {"lbmax 86401",
     IN(.lb_max_seconds = &u86401),
     0,
     ERR_INVALID,
     "loadBalanceMaxSeconds 86401 is out of range (0..86400)",
     {0}},
    /* maxResponseDelay */
    {"mrd 0",
     IN(.max_response_delay = &u0),
     0,
     ERR_INVALID,
     "maxResponseDelay 0 is out of range (1..86400)",
     {0}},
    {"mrd 1", IN(.max_response_delay = &u1), 0, 0, NULL,
     DEFAULTS(.max_response_delay = 1)},
    {"mrd 86400", IN(.max_response_delay = &u86400), 0, 0, NULL,
     DEFAULTS(.max_response_delay = 86400)},
    {"mrd 86401",
     IN(.max_response_delay = &u86401),
     0,
     ERR_INVALID,
     "maxResponseDelay 86401 is out of range (1..86400)",
     {0}},
    /* maxUnackedUpdates */
    {"mau 0",
     IN(.max_unacked_updates = &u0),
     0,
     ERR_INVALID,
     "maxUnackedUpdates 0 is out of range (1..86400)",
     {0}},
    {"mau 1", IN(.max_unacked_updates = &u1), 0, 0, NULL,
     DEFAULTS(.max_unacked_updates = 1)},
    {"mau 86400", IN(.max_unacked_updates = &u86400), 0, 0, NULL,
     DEFAULTS(.max_unacked_updates = 86400)},
    {"mau 86401",
     IN(.max_unacked_updates = &u86401),
     0,
     ERR_INVALID,
     "maxUnackedUpdates 86401 is out of range (1..86400)",
     {0}},
    /* given in a modify: the caller's values win */
    {"modify given", IN(.lb_max_seconds = &u0, .max_unacked_updates = &u5), 1,
     0, NULL, KEPT(.lb_max_seconds = 0, .max_unacked_updates = 5)},
    /* when two are wrong, the first in the order above */
    {"name before primary",
     IN(.name = NULL, .primary = NULL),
     0,
     ERR_INVALID,
     "missing name",
     {0}},
    {"mode before mclt",
     IN(.mode = 3, .mclt = 0),
     0,
     ERR_INVALID,
     "invalid failoverMode",
     {0}},
    {"mclt before percentage",
     IN(.mclt = 0, .percentage = 101),
     0,
     ERR_INVALID,
     "mclt 0 is out of range: at least 1 second",
     {0}},
    {"percentage before secret",
     IN(.percentage = 101, .shared_secret = S255 "x"),
     0,
     ERR_INVALID,
     "percentage 101 is out of range (0..100)",
     {0}},
    {"secret before port",
     IN(.shared_secret = "\x01", .port = &u0),
     0,
     ERR_INVALID,
     "*control character U+0001",
     {0}},
    {"port before peerPort",
     IN(.port = &u0, .peer_port = &u0),
     0,
     ERR_INVALID,
     "port 0 is not a port (1..65535)",
     {0}},
    {"timings in order",
     IN(.lb_max_seconds = &u86401, .max_response_delay = &u0),
     0,
     ERR_INVALID,
     "loadBalanceMaxSeconds 86401 is out of range (0..86400)",
     {0}},
    {"mrd before mau",
     IN(.max_response_delay = &u0, .max_unacked_updates = &u0),
     0,
     ERR_INVALID,
     "maxResponseDelay 0 is out of range (1..86400)",
     {0}},
};

static void test_input(void)
{
    for (size_t i = 0; i < N(input_cases); i++) {
        struct failover_params out;
        struct err e;
        int rc, ok;

        err_clear(&e);
        memset(&out, 0, sizeof(out));
        rc = failover_check_input(
            &input_cases[i].in, input_cases[i].modify ? &base : NULL, &out, &e);
        ok = answer_is(rc, &e, input_cases[i].rc, input_cases[i].msg);
        if (ok && rc == 0)
            ok = params_equal(&out, &input_cases[i].out);
        if (!ok)
            fprintf(stderr, "input \"%s\":\n", input_cases[i].what);
        ROW("input", i, ok, rc, &e);
    }
}

static const struct {
    int percentage, split;
} split_cases[] = {
    {-1, -1},  {0, 0},    {1, 3},     {33, 84},  {50, 128},
    {70, 179}, {99, 253}, {100, 256}, {101, -1},
};

static const struct {
    int split, percentage;
} percentage_cases[] = {
    {-1, -1},  {0, 0},    {1, 0},     {2, 1},     {3, 1},    {84, 33},
    {128, 50}, {179, 70}, {255, 100}, {256, 100}, {257, -1},
};

static void test_split(void)
{
    struct err e;
    int trip = 1;

    err_clear(&e);
    for (size_t i = 0; i < N(split_cases); i++)
        ROW("split", i,
            failover_split(split_cases[i].percentage) == split_cases[i].split,
            0, &e);
    for (size_t i = 0; i < N(percentage_cases); i++)
        ROW("percentage", i,
            failover_percentage(percentage_cases[i].split) ==
                percentage_cases[i].percentage,
            0, &e);
    /* every percentage comes back from its split */
    for (int p = 0; p <= 100; p++)
        trip &= failover_percentage(failover_split(p)) == p;
    ROW("split round trip", (size_t)0, trip, 0, &e);
}

/* The stored relationship: fo between a. (1) and b. (2), 50%. */
#define MOD(...)                                                               \
    {.name = "fo",                                                             \
     .servers = {1, 2},                                                        \
     .primary = "a.",                                                          \
     .secondary = "b.",                                                        \
     .percentage = 50,                                                         \
     .new_name = "fo",                                                         \
     .new_servers = {1, 2},                                                    \
     .new_percentage = 50,                                                     \
     __VA_ARGS__}

static const struct {
    struct failover_modify m;
    int rc;
    const char *msg;
} modify_cases[] = {
    {MOD(), 0, NULL},
    {MOD(.new_name = "FO"), ERR_INVALID,
     "failover relationship \"fo\" cannot be renamed to \"FO\""},
    {MOD(.new_name = "fo2"), ERR_INVALID,
     "failover relationship \"fo\" cannot be renamed to \"fo2\""},
    {MOD(.new_servers = {2, 1}), ERR_INVALID,
     "the servers of failover relationship \"fo\" cannot be swapped: \"a.\" "
     "is its primary; remove the relationship and add it again"},
    {MOD(.new_servers = {3, 2}), ERR_INVALID,
     "the servers of failover relationship \"fo\" (\"a.\", \"b.\") cannot be "
     "changed"},
    {MOD(.new_servers = {1, 3}), ERR_INVALID,
     "the servers of failover relationship \"fo\" (\"a.\", \"b.\") cannot be "
     "changed"},
    {MOD(.new_servers = {2, 2}), ERR_INVALID, "*cannot be changed"},
    {MOD(.new_percentage = 51), ERR_INVALID,
     "the percentage of failover relationship \"fo\" (50) cannot be "
     "modified: remove the relationship and add it again"},
    {MOD(.new_percentage = 49), ERR_INVALID, "*(50) cannot be modified"},
    /* the first that applies */
    {MOD(.new_name = "x", .new_servers = {2, 1}), ERR_INVALID,
     "*cannot be renamed"},
    {MOD(.new_servers = {2, 1}, .new_percentage = 0), ERR_INVALID,
     "*cannot be swapped"},
    {MOD(.new_servers = {3, 4}, .new_percentage = 0), ERR_INVALID,
     "*cannot be changed"},
};

static void test_modify(void)
{
    for (size_t i = 0; i < N(modify_cases); i++) {
        struct err e;
        int rc;

        err_clear(&e);
        rc = failover_check_modify(&modify_cases[i].m, &e);
        ROW("modify", i,
            answer_is(rc, &e, modify_cases[i].rc, modify_cases[i].msg), rc, &e);
    }
}

/* A resolver over a row's refs: 0 in refs is a ref that does not
 * resolve. */
struct resolver {
    const long long *refs;
    size_t calls;
};

static int resolve(void *ctx, size_t i, long long *id, struct err *e)
{
    struct resolver *r = ctx;

    r->calls++;
    if (r->refs[i] == 0)
        return err_set(e, ERR_NOTFOUND, "DHCP scope %zu does not exist", i);
    *id = r->refs[i];
    return 0;
}

#define SAME_MSG                                                               \
    "ModifyDHCPFailoverRelationship does not change the scopes of failover "   \
    "relationship \"fo\": use AddDHCPScopesToDHCPFailoverRelationship or "     \
    "RemoveDHCPScopesFromDHCPFailoverRelationship"

static const long long members56[] = {5, 6};

static const struct {
    long long refs[4];
    size_t n;
    int rc;
    const char *msg;
    size_t calls; /* refs resolved */
} same_cases[] = {
    {{0}, 0, 0, NULL, 0},
    {{5, 6}, 2, 0, NULL, 2},
    {{6, 5}, 2, 0, NULL, 2},
    {{5, 5}, 2, 0, NULL, 2}, /* as many, each a member */
    {{5}, 1, ERR_INVALID, SAME_MSG, 0},
    {{5, 6, 7}, 3, ERR_INVALID, SAME_MSG, 0},
    {{0, 0, 0}, 3, ERR_INVALID, SAME_MSG, 0}, /* count first */
    {{5, 7}, 2, ERR_INVALID, SAME_MSG, 2},
    {{7, 0}, 2, ERR_INVALID, SAME_MSG, 1}, /* stops at the first */
    {{5, 0}, 2, ERR_NOTFOUND, "DHCP scope 1 does not exist", 2},
    {{0, 7}, 2, ERR_NOTFOUND, "DHCP scope 0 does not exist", 1},
};

static void test_same_scopes(void)
{
    for (size_t i = 0; i < N(same_cases); i++) {
        struct resolver r = {same_cases[i].refs, 0};
        struct err e;
        int rc;

        err_clear(&e);
        rc = failover_check_same_scopes(members56, N(members56),
                                        same_cases[i].n, resolve, &r, "fo", &e);
        ROW("same scopes", i,
            answer_is(rc, &e, same_cases[i].rc, same_cases[i].msg) &&
                r.calls == same_cases[i].calls,
            rc, &e);
    }
}

/* ---- addresses ------------------------------------------------------ */

/* A pair of servers p, s with addresses a, b (0: none). */
#define PAIR(p, s, a, b) {(p), (s), (a) != 0, (b) != 0, (a), (b)}

#define A1 IP(10, 0, 0, 1)
#define A2 IP(10, 0, 0, 2)
#define A3 IP(10, 0, 0, 3)
#define A4 IP(10, 0, 0, 4)

static const struct {
    struct failover_pair p;
    int shares;
} shares_cases[] = {
    {PAIR(1, 2, A1, A2), 0}, {PAIR(1, 2, A1, A1), 1}, {PAIR(1, 2, A1, 0), 0},
    {PAIR(1, 2, 0, A1), 0},  {PAIR(1, 2, 0, 0), 0}, /* no address shares none */
};

static const struct {
    struct failover_pair x, y;
    int clash;
} clash_cases[] = {
    {PAIR(1, 2, A1, A2), PAIR(1, 2, A1, A2), 1},
    {PAIR(1, 2, A1, A2), PAIR(2, 1, A2, A1), 1}, /* roles swapped */
    {PAIR(1, 2, 0, 0), PAIR(2, 1, 0, 0), 1},     /* same servers */
    {PAIR(1, 2, A1, A2), PAIR(3, 4, A1, A2), 1}, /* same addresses */
    {PAIR(1, 2, A1, A2), PAIR(3, 4, A2, A1), 1},
    {PAIR(1, 2, A1, A2), PAIR(1, 3, A1, A3), 0}, /* one end shared */
    {PAIR(1, 2, A1, A2), PAIR(3, 4, A3, A4), 0},
    {PAIR(1, 2, A1, 0), PAIR(3, 4, A1, 0), 0}, /* no address: no clash */
    {PAIR(1, 2, 0, A2), PAIR(3, 4, A1, A2), 0},
    {PAIR(1, 2, A1, A2), PAIR(3, 4, A1, 0), 0},
    {PAIR(0, 0, A1, A2), PAIR(0, 0, A1, A2), 1}, /* ids unknown */
    {PAIR(0, 0, A1, A2), PAIR(0, 0, A1, A3), 0},
    {PAIR(0, 0, 0, 0), PAIR(0, 0, 0, 0), 0},
    {PAIR(1, 0, 0, 0), PAIR(1, 0, 0, 0), 0},
};

static void test_pairs(void)
{
    struct err e;

    err_clear(&e);
    for (size_t i = 0; i < N(shares_cases); i++)
        ROW("shares address", i,
            failover_pair_shares_address(&shares_cases[i].p) ==
                shares_cases[i].shares,
            0, &e);
    for (size_t i = 0; i < N(clash_cases); i++)
        ROW("pairs clash", i,
            failover_pairs_clash(&clash_cases[i].x, &clash_cases[i].y) ==
                clash_cases[i].clash,
            0, &e);
}

/* Stored relationships: r7 (a.-b.), r3 (c.-d.), r5 (e.-f.), unordered. */
static const struct failover_row rows[] = {
    {7, "r7", PAIR(1, 2, A1, A2)},
    {3, "r3", PAIR(3, 4, A3, A4)},
    {5, "r5", PAIR(5, 6, A2, A1)},
};

static const struct {
    struct failover_pair p;
    int rc;
    const char *msg;
} new_pair_cases[] = {
    {PAIR(8, 9, IP(10, 0, 0, 8), IP(10, 0, 0, 9)), 0, NULL},
    {PAIR(8, 9, 0, 0), 0, NULL},
    {PAIR(1, 3, A1, A3), 0, NULL},
    {PAIR(8, 9, IP(10, 0, 0, 8), IP(10, 0, 0, 8)), ERR_CONFLICT,
     "servers \"p.\" and \"s.\" have the same address 10.0.0.8: failover "
     "partners need addresses of their own"},
    {PAIR(3, 4, A3, A4), ERR_CONFLICT,
     "servers \"p.\" and \"s.\" already have failover relationship \"r3\" "
     "between their addresses: dhcpd runs one relationship per pair of "
     "addresses"},
    {PAIR(4, 3, 0, 0), ERR_CONFLICT, "*relationship \"r3\" between"},
    /* r7 and r5 both: the lowest id */
    {PAIR(8, 9, A2, A1), ERR_CONFLICT, "*relationship \"r5\" between"},
    {PAIR(2, 1, A2, A1), ERR_CONFLICT, "*relationship \"r5\" between"},
    /* a shared address first */
    {PAIR(3, 4, A3, A3), ERR_CONFLICT, "*have the same address 10.0.0.3"},
};

static void test_new_pair(void)
{
    for (size_t i = 0; i < N(new_pair_cases); i++) {
        struct err e;
        int rc;

        err_clear(&e);
        rc = failover_check_new_pair(&new_pair_cases[i].p, "p.", "s.", rows,
                                     N(rows), &e);
        ROW("new pair", i,
            answer_is(rc, &e, new_pair_cases[i].rc, new_pair_cases[i].msg), rc,
            &e);
    }
}

/* Every relationship after one address changed. */
static const struct {
    struct failover_row rows[4];
    size_t n;
    long long server_id;
    int rc;
    const char *msg;
} addresses_cases[] = {
    {{{1, "x", PAIR(1, 2, A1, A2)}, {2, "y", PAIR(3, 4, A3, A4)}},
     2,
     1,
     0,
     NULL},
    {{{1, "x", PAIR(1, 2, A1, A1)}},
     1,
     1,
     ERR_CONFLICT,
     "both servers of failover relationship \"x\" would have the address "
     "10.0.0.1: failover partners need addresses of their own"},
    {{{1, "x", PAIR(1, 2, A1, A1)}},
     1,
     2,
     ERR_CONFLICT,
     "*relationship \"x\" would have"},
    /* another server's relationships are not this change's */
    {{{1, "x", PAIR(1, 2, A1, A1)}}, 1, 3, 0, NULL},
    {{{9, "x", PAIR(1, 2, A1, A1)}, {4, "y", PAIR(1, 3, A3, A3)}},
     2,
     1,
     ERR_CONFLICT,
     "*relationship \"y\" would have the address 10.0.0.3"},
    {{{1, "x", PAIR(1, 2, A1, A2)}, {2, "y", PAIR(3, 4, A2, A1)}},
     2,
     1,
     ERR_CONFLICT,
     "failover relationships \"x\" and \"y\" would join the same two "
     "addresses: dhcpd runs one relationship per pair of addresses"},
    {{{1, "x", PAIR(1, 2, A1, A2)}, {2, "y", PAIR(3, 4, A2, A1)}},
     2,
     4,
     ERR_CONFLICT,
     "*relationships \"y\" and \"x\" would join"},
    {{{1, "x", PAIR(1, 2, A1, A2)}, {2, "y", PAIR(3, 4, A2, A1)}},
     2,
     5,
     0,
     NULL},
    /* the lowest pair of ids */
    {{{8, "x", PAIR(1, 2, A1, A2)},
      {6, "y", PAIR(3, 4, A2, A1)},
      {5, "z", PAIR(5, 6, A1, A2)},
      {2, "w", PAIR(1, 7, A3, A4)}},
     4,
     1,
     ERR_CONFLICT,
     "*relationships \"x\" and \"z\" would join"},
    {{{8, "x", PAIR(1, 2, A1, A2)},
      {6, "y", PAIR(3, 1, A2, A1)},
      {5, "z", PAIR(5, 6, A1, A2)}},
     3,
     1,
     ERR_CONFLICT,
     "*relationships \"y\" and \"z\" would join"},
    /* a shared address before a clash */
    {{{1, "x", PAIR(1, 2, A1, A2)},
      {2, "y", PAIR(3, 4, A2, A1)},
      {3, "z", PAIR(1, 5, A3, A3)}},
     3,
     1,
     ERR_CONFLICT,
     "*relationship \"z\" would have"},
};

static void test_addresses(void)
{
    for (size_t i = 0; i < N(addresses_cases); i++) {
        struct err e;
        int rc;

        err_clear(&e);
        rc = failover_check_addresses(addresses_cases[i].server_id,
                                      addresses_cases[i].rows,
                                      addresses_cases[i].n, &e);
        ROW("addresses", i,
            answer_is(rc, &e, addresses_cases[i].rc, addresses_cases[i].msg),
            rc, &e);
    }
}

/* ---- state ---------------------------------------------------------- */

static const struct {
    struct failover_live in;
    const char *state, *message; /* message NULL: none */
} state_cases[] = {
    /* no member scopes: Empty, whatever else */
    {{.nscopes = 0}, "Empty", NULL},
    {{.nscopes = 0,
      .push_failed = 1,
      .push_errors = "a.: down",
      .primary_state = "Normal",
      .state_error = "x"},
     "Empty",
     NULL},
    /* a failed push */
    {{.nscopes = 2, .push_failed = 1, .push_errors = "a.: down"},
     "Error",
     "a.: down"},
    {{.nscopes = 2,
      .push_failed = 1,
      .pushing = 1,
      .push_errors = "a.: down",
      .state_error = "unread"},
     "Error",
     "a.: down"},
    {{.nscopes = 2,
      .push_failed = 1,
      .primary_state = "Normal",
      .secondary_state = "Normal",
      .push_errors = "a.: x; b.: y"},
     "Error",
     "a.: x; b.: y"},
    {{.nscopes = 2, .push_failed = 1}, "Error", NULL},
    /* a push under way: Pending, the last error stale */
    {{.nscopes = 2, .pushing = 1}, "Pending", NULL},
    {{.nscopes = 2,
      .pushing = 1,
      .state_error = "unreachable",
      .primary_state = "PartnerDown"},
     "Pending",
     NULL},
    /* never read: what the configuration says */
    {{.nscopes = 1}, "Normal", NULL},
    /* read, but neither server could be */
    {{.nscopes = 1, .state_read = 1, .state_error = "a.: no agent"},
     "Error",
     "a.: no agent"},
    {{.nscopes = 1, .state_read = 1}, "Error", NULL},
    /* what the servers report */
    {{.nscopes = 1,
      .state_read = 1,
      .primary_state = "Normal",
      .secondary_state = "Normal"},
     "Normal",
     NULL},
    {{.nscopes = 1,
      .state_read = 1,
      .primary_state = "CommunicationsInterrupted",
      .secondary_state = "Normal"},
     "CommunicationsInterrupted",
     NULL},
    {{.nscopes = 1,
      .state_read = 1,
      .primary_state = "Recover",
      .secondary_state = "PartnerDown"},
     "Recover",
     NULL},
    {{.nscopes = 1,
      .state_read = 1,
      .primary_state = "Normal",
      .secondary_state = "PartnerDown"},
     "PartnerDown",
     NULL},
    {{.nscopes = 1,
      .state_read = 1,
      .primary_state = "Normal",
      .secondary_state = "Empty"},
     "Empty",
     NULL},
    /* one side unread: the other's, and why */
    {{.nscopes = 1,
      .state_read = 1,
      .primary_state = "Normal",
      .state_error = "b.: timeout"},
     "Normal",
     "b.: timeout"},
    {{.nscopes = 1,
      .state_read = 1,
      .secondary_state = "PartnerDown",
      .state_error = "a.: timeout"},
     "PartnerDown",
     "a.: timeout"},
    {{.nscopes = 1,
      .state_read = 1,
      .primary_state = "Recover",
      .state_error = "b.: timeout"},
     "Recover",
     "b.: timeout"},
    /* the push errors win over the read error only when a push failed */
    {{.nscopes = 1,
      .state_read = 1,
      .primary_state = "Normal",
      .secondary_state = "Normal",
      .push_errors = "stale",
      .state_error = "b.: slow"},
     "Normal",
     "b.: slow"},
};

static const struct {
    int read_ok, found;
    const char *local, *want;
} reported_cases[] = {
    {0, 0, "Normal", NULL},
    {0, 1, "Normal", NULL},
    {1, 0, "Normal", "Empty"},
    {1, 1, "Normal", "Normal"},
    {1, 1, "PartnerDown", "PartnerDown"},
};

/* 1 when a and b are both NULL or the same text. */
static int same_text(const char *a, const char *b)
{
    return (a == NULL && b == NULL) ||
           (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void test_state(void)
{
    struct err e;

    err_clear(&e);
    for (size_t i = 0; i < N(state_cases); i++) {
        struct failover_state st = failover_state(&state_cases[i].in);

        if (!same_text(st.state, state_cases[i].state) ||
            !same_text(st.message, state_cases[i].message))
            fprintf(stderr, "state row %zu: %s / %s\n", i, st.state,
                    st.message ? st.message : "(none)");
        ROW("state", i,
            same_text(st.state, state_cases[i].state) &&
                same_text(st.message, state_cases[i].message),
            0, &e);
    }
    for (size_t i = 0; i < N(reported_cases); i++)
        ROW("reported", i,
            same_text(failover_reported(reported_cases[i].read_ok,
                                        reported_cases[i].found,
                                        reported_cases[i].local),
                      reported_cases[i].want),
            0, &e);
}

/* ---- membership ----------------------------------------------------- */

/* Instances {id, server, range, relationship}: range 10 on servers 1 and
 * 2 in relationship 100; range 11 on server 1 in relationship 100 and on
 * server 3 in 200; range 12 on server 2 in none. */
static const struct failover_instance instances[] = {
    {41, 1, 10, 100}, {42, 2, 10, 100}, {43, 1, 11, 100},
    {44, 3, 11, 200}, {45, 2, 12, 0},   {46, 1, 12, 0},
};

static const struct {
    struct failover_instance in;
    int want;
} partner_cases[] = {
    {{41, 1, 10, 100}, 1},  {{42, 2, 10, 100}, 0},
    {{43, 1, 11, 100}, -1}, /* range 11's other instance is in 200 */
    {{45, 2, 12, 0}, -1},   /* in no relationship */
    {{47, 4, 13, 100}, -1}, /* no other instance of its range */
};

static void test_partner_instance(void)
{
    struct err e;

    err_clear(&e);
    for (size_t i = 0; i < N(partner_cases); i++)
        ROW("partner instance", i,
            failover_partner_instance(&partner_cases[i].in, instances,
                                      N(instances)) == partner_cases[i].want,
            0, &e);
}

static const struct {
    int kind; /* 0 on pair, 2 member, 3 free */
    long long a, b;
    int rc;
    const char *msg;
} member_cases[] = {
    {0, 1, 0, 0, NULL},
    {0, 2, 0, 0, NULL},
    {0, 3, 0, ERR_INVALID,
     "DHCP scope \"sc\" is on server \"a.\", which is not in failover "
     "relationship \"fo\""},
    {2, 100, 100, 0, NULL}, /* failover_id, id */
    {2, 0, 100, ERR_CONFLICT,
     "DHCP scope \"sc\" on server \"a.\" is not in failover relationship "
     "\"fo\""},
    {2, 200, 100, ERR_CONFLICT, "*is not in failover relationship \"fo\""},
    {3, 0, 100, 0, NULL},
    {3, 100, 100, 0, NULL},
    {3, 200, 100, ERR_CONFLICT,
     "DHCP scope \"sc\" on server \"a.\" is already in failover relationship "
     "\"fo\""},
};

static const struct {
    int need_pools;
    long long npools;
    int rc;
} pools_cases[] = {
    {1, 0, ERR_CONFLICT},
    {1, 1, 0},
    {0, 0, 0},
    {0, 2, 0},
};

static void test_member(void)
{
    for (size_t i = 0; i < N(member_cases); i++) {
        long long a = member_cases[i].a, b = member_cases[i].b;
        struct err e;
        int rc = 0;

        err_clear(&e);
        switch (member_cases[i].kind) {
        case 0:
            rc = failover_check_on_pair(&pair12, a, "sc", "a.", "fo", &e);
            break;
        case 2:
            rc = failover_check_member(a, b, "sc", "a.", "fo", &e);
            break;
        default:
            rc = failover_check_free(a, b, "sc", "a.", "fo", &e);
            break;
        }
        ROW("member", i,
            answer_is(rc, &e, member_cases[i].rc, member_cases[i].msg), rc, &e);
    }
    for (size_t i = 0; i < N(pools_cases); i++) {
        struct err e;
        int rc;

        err_clear(&e);
        rc = failover_check_pools(pools_cases[i].need_pools,
                                  pools_cases[i].npools, "sc", "a.", &e);
        ROW("pools", i,
            answer_is(rc, &e, pools_cases[i].rc,
                      "DHCP scope \"sc\" on server \"a.\" has no address "
                      "pool: a failover scope needs at least one"),
            rc, &e);
    }
}

static const struct {
    long long scope_server, server_id, scope_failover_id, id;
    int rc;
    const char *msg;
} replicate_cases[] = {
    {1, 1, 100, 100, 0, NULL},
    {1, 1, 100, 0, 0, NULL}, /* no relationship named: its own */
    {2, 1, 100, 100, ERR_INVALID,
     "DHCP scope \"sc\" is not on server \"a.\": replication copies the "
     "instances of the server named"},
    {2, 1, 0, 0, ERR_INVALID, "*is not on server"}, /* server first */
    {1, 1, 0, 100, ERR_CONFLICT,
     "DHCP scope \"sc\" on server \"a.\" is not in failover relationship "
     "\"fo\""},
    {1, 1, 200, 100, ERR_CONFLICT, "*is not in failover relationship \"fo\""},
    {1, 1, 0, 0, ERR_CONFLICT,
     "DHCP scope \"sc\" on server \"a.\" is not in failover relationship "
     "\"\""},
};

static void test_replicate(void)
{
    for (size_t i = 0; i < N(replicate_cases); i++) {
        struct err e;
        int rc;

        err_clear(&e);
        rc = failover_check_replicate(
            replicate_cases[i].scope_server, replicate_cases[i].server_id,
            replicate_cases[i].scope_failover_id, replicate_cases[i].id, "sc",
            "a.", "fo", replicate_cases[i].scope_failover_id ? "other" : "",
            &e);
        ROW("replicate", i,
            answer_is(rc, &e, replicate_cases[i].rc, replicate_cases[i].msg),
            rc, &e);
    }
}

static const struct {
    long long count;
    int rc;
    const char *msg;
} unique_cases[] = {
    {1, 0, NULL},
    {0, ERR_NOTFOUND, "failover relationship \"fo\" does not exist"},
    {2, ERR_CONFLICT,
     "failover relationship \"fo\" exists on several servers: give its "
     "dhcpServerRef"},
};

static const struct {
    size_t n;
    int rc;
} refs_cases[] = {{0, ERR_INVALID}, {1, 0}, {3, 0}};

static void test_unique(void)
{
    for (size_t i = 0; i < N(unique_cases); i++) {
        struct err e;
        int rc;

        err_clear(&e);
        rc = failover_check_unique(unique_cases[i].count, "fo", &e);
        ROW("unique", i,
            answer_is(rc, &e, unique_cases[i].rc, unique_cases[i].msg), rc, &e);
    }
    for (size_t i = 0; i < N(refs_cases); i++) {
        struct err e;
        int rc;

        err_clear(&e);
        rc = failover_check_scope_refs(refs_cases[i].n, &e);
        ROW("scope refs", i,
            answer_is(rc, &e, refs_cases[i].rc, "dhcpScopeRefs is empty"), rc,
            &e);
    }
}

/* ---- twins ---------------------------------------------------------- */

#define POOL(id, inst, a, b) {(id), inst, IP(10, 0, 0, a), IP(10, 0, 0, b)}
#define I41 {41, 1, 10, 100}
#define I42 {42, 2, 10, 100}
#define I43 {43, 1, 11, 100}
#define I44 {44, 3, 11, 200}
#define I45 {45, 2, 12, 0}
#define I46 {46, 1, 12, 0}

/* Candidate pools: of instances 42 (the partner of 41), 41 itself, 44
 * (another relationship) and 46 (none). */
static const struct failover_pool candidates[] = {
    POOL(9, I42, 10, 20), POOL(7, I42, 10, 20), POOL(8, I42, 30, 40),
    POOL(6, I41, 10, 20), POOL(5, I44, 10, 20), POOL(4, I46, 10, 20),
    POOL(3, I42, 10, 21), POOL(2, I42, 11, 20),
};

static const struct {
    struct failover_pool p;
    long long twin; /* its id, 0: none */
} twin_cases[] = {
    {POOL(1, I41, 10, 20), 7}, /* two alike: the lowest id */
    {POOL(1, I41, 30, 40), 8},
    {POOL(1, I41, 10, 21), 3},
    {POOL(1, I41, 11, 20), 2},
    {POOL(1, I41, 10, 30), 0}, /* no pool with its addresses */
    {POOL(1, I43, 10, 20), 0}, /* its range's other instance is in 200 */
    {POOL(1, I45, 10, 20), 0}, /* in no relationship */
    {POOL(6, I41, 10, 20), 7}, /* itself is no twin */
    {POOL(7, I42, 10, 20), 6},
};

static const struct {
    enum failover_pool_change change;
    int has_partner, has_twin;
    enum failover_twin_action want;
} twin_action_cases[] = {
    {FAILOVER_POOL_ADDED, 0, 0, FAILOVER_TWIN_NONE},
    {FAILOVER_POOL_ADDED, 0, 1, FAILOVER_TWIN_NONE},
    {FAILOVER_POOL_ADDED, 1, 0, FAILOVER_TWIN_ADD},
    {FAILOVER_POOL_ADDED, 1, 1, FAILOVER_TWIN_ADD},
    {FAILOVER_POOL_CHANGED, 0, 0, FAILOVER_TWIN_NONE},
    {FAILOVER_POOL_CHANGED, 0, 1, FAILOVER_TWIN_NONE},
    {FAILOVER_POOL_CHANGED, 1, 0, FAILOVER_TWIN_NONE},
    {FAILOVER_POOL_CHANGED, 1, 1, FAILOVER_TWIN_UPDATE},
    {FAILOVER_POOL_REMOVED, 0, 0, FAILOVER_TWIN_NONE},
    {FAILOVER_POOL_REMOVED, 0, 1, FAILOVER_TWIN_NONE},
    {FAILOVER_POOL_REMOVED, 1, 0, FAILOVER_TWIN_NONE},
    {FAILOVER_POOL_REMOVED, 1, 1, FAILOVER_TWIN_REMOVE},
};

static void test_twin(void)
{
    struct err e;

    err_clear(&e);
    for (size_t i = 0; i < N(twin_cases); i++) {
        int k = failover_twin(&twin_cases[i].p, candidates, N(candidates));

        ROW("twin", i,
            twin_cases[i].twin == 0
                ? k == -1
                : (k >= 0 && candidates[k].id == twin_cases[i].twin),
            0, &e);
    }
    for (size_t i = 0; i < N(twin_action_cases); i++)
        ROW("twin action", i,
            failover_twin_action(
                twin_action_cases[i].change, twin_action_cases[i].has_partner,
                twin_action_cases[i].has_twin) == twin_action_cases[i].want,
            0, &e);
}

/* ---- removal -------------------------------------------------------- */

static const struct {
    enum failover_deconfigure action;
    long long server_id; /* the instance's; the call keeps server 1's */
    enum failover_deconfigure want;
} leave_cases[] = {
    {FAILOVER_DECONFIGURE_NONE, 1, FAILOVER_DECONFIGURE_NONE},
    {FAILOVER_DECONFIGURE_NONE, 2, FAILOVER_DECONFIGURE_NONE},
    {FAILOVER_DECONFIGURE_DISABLE, 1, FAILOVER_DECONFIGURE_NONE},
    {FAILOVER_DECONFIGURE_DISABLE, 2, FAILOVER_DECONFIGURE_DISABLE},
    {FAILOVER_DECONFIGURE_DELETE, 1, FAILOVER_DECONFIGURE_NONE},
    {FAILOVER_DECONFIGURE_DELETE, 2, FAILOVER_DECONFIGURE_DELETE},
};

static const struct {
    int ref_type;
    struct failover_removal want;
} removal_cases[] = {
    {REF_DHCP_SERVER, {0, 0, 1}},    {REF_RANGE, {0, 0, 0}},
    {REF_DHCP_SCOPE, {1, 0, 0}},     {REF_DHCP_ADDRESS_POOL, {0, 1, 0}},
    {REF_DHCP_EXCLUSION, {0, 0, 0}}, {REF_DHCP_FAILOVER, {0, 0, 0}},
};

static const struct {
    long long n;
    int force, rc;
    const char *msg;
} children_cases[] = {
    {0, 0, 0, NULL},
    {0, 1, 0, NULL},
    {1, 0, ERR_CONFLICT,
     "DHCP server \"a.\" still has 1 failover relationship: remove it first "
     "or use forceRemoval"},
    {2, 0, ERR_CONFLICT,
     "DHCP server \"a.\" still has 2 failover relationships: remove them "
     "first or use forceRemoval"},
    {1, 1, 0, NULL},
    {2, 1, 0, NULL},
};

static void test_removal(void)
{
    struct err e;

    err_clear(&e);
    for (size_t i = 0; i < N(leave_cases); i++)
        ROW("leave action", i,
            failover_leave_action(leave_cases[i].action,
                                  leave_cases[i].server_id,
                                  1) == leave_cases[i].want,
            0, &e);
    for (size_t i = 0; i < N(removal_cases); i++) {
        struct failover_removal r = failover_removal(removal_cases[i].ref_type);
        const struct failover_removal *w = &removal_cases[i].want;

        ROW("removal", i,
            r.partner_leaves == w->partner_leaves &&
                r.twin_goes == w->twin_goes &&
                r.relationships_go == w->relationships_go,
            0, &e);
    }
    for (size_t i = 0; i < N(children_cases); i++) {
        int rc;

        err_clear(&e);
        rc = failover_check_children(children_cases[i].n,
                                     children_cases[i].force, "a.", &e);
        ROW("children", i,
            answer_is(rc, &e, children_cases[i].rc, children_cases[i].msg), rc,
            &e);
    }
}

int main(void)
{
    test_roles();
    test_view();
    test_servers();
    test_simulated();
    test_ports();
    test_input();
    test_split();
    test_modify();
    test_same_scopes();
    test_pairs();
    test_new_pair();
    test_addresses();
    test_state();
    test_partner_instance();
    test_member();
    test_replicate();
    test_unique();
    test_twin();
    test_removal();
    for (size_t i = 0; i < N(tally) && tally[i].table != NULL; i++)
        printf("%4d  %s\n", tally[i].cases, tally[i].table);
    printf("%4d  cases in all\n", cases);
    return check_report();
}
