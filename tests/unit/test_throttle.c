/* Unit tests of the failure throttle (core/throttle.c): each bound just
 * under and just over, the window and the lockout on an injected clock,
 * the doubling and its cap, forgetting on success, eviction from a full
 * table. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "throttle.h"

/* 3 failures in 1 s lock for 0.5 s, doubling up to 2 s; 4 entries. */
static const struct throttle_limits small = {
    .max_failures = 3,
    .window_ms = 1000,
    .lockout_ms = 500,
    .lockout_max_ms = 2000,
    .entries = 4,
};

/* One row: failures of one key at the times given (ending with -1), then
 * what throttle_locked says at time at. */
struct row {
    const char *what;
    long long fails[8];
    long long at;
    long long locked; /* the answer of throttle_locked at `at` */
    long long last;   /* what the last throttle_fail returned */
};

static const struct row rows[] = {
    {"under the limit", {0, 0, -1}, 0, 0, 0},
    {"at the limit", {0, 0, 0, -1}, 0, 500, 500},
    {"locked until the lockout's last ms", {0, 0, 0, -1}, 499, 1, 500},
    {"open when the lockout is over", {0, 0, 0, -1}, 500, 0, 500},
    {"spread within the window", {0, 500, 999, -1}, 999, 500, 500},
    {"the window over before the third", {0, 500, 1000, -1}, 1000, 0, 0},
    {"a new window counts from its first",
     {0, 1000, 1500, 1999, -1},
     1999,
     500,
     500},
    {"failures while locked count nothing",
     {0, 0, 0, 100, 200, 300, -1},
     300,
     200,
     0},
    {"after a lockout the count starts again",
     {0, 0, 0, 500, 500, -1},
     500,
     0,
     0},
    {"a second lockout soon after doubles",
     {0, 0, 0, 500, 500, 500, -1},
     500,
     1000,
     1000},
    {"just within the window after the end",
     {0, 0, 0, 1499, 1499, 1499, -1},
     1499,
     1000,
     1000},
    {"a window after the end starts again",
     {0, 0, 0, 1500, 1500, 1500, -1},
     1500,
     500,
     500},
};

static void test_rows(void)
{
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *r = &rows[i];
        struct throttle *t = throttle_new(&small);
        long long last = -1, locked;

        CHECK(t != NULL);
        if (t == NULL)
            return;
        for (int j = 0; r->fails[j] >= 0; j++)
            last = throttle_fail(t, "10.0.0.1", r->fails[j]);
        locked = throttle_locked(t, "10.0.0.1", r->at);
        if (locked != r->locked || last != r->last) {
            fprintf(stderr,
                    "  %s: locked %lld (want %lld), last %lld (want %lld)\n",
                    r->what, locked, r->locked, last, r->last);
            check_failed++;
        } else {
            check_passed++;
        }
        /* another key is never touched */
        CHECK(throttle_locked(t, "10.0.0.2", r->at) == 0);
        throttle_free(t);
    }
}

/* Lockouts in quick succession double up to the cap. */
static void test_doubling(void)
{
    struct throttle *t = throttle_new(&small);
    long long now = 0, want[] = {500, 1000, 2000, 2000, 2000};

    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        long long got = 0;

        for (int j = 0; j < 3; j++)
            got = throttle_fail(t, "k", now);
        CHECK(got == want[i]);
        now += got; /* fail again as soon as the lockout ends */
        CHECK(throttle_locked(t, "k", now - 1) == 1);
        CHECK(throttle_locked(t, "k", now) == 0);
    }
    throttle_free(t);
}

static void test_forget(void)
{
    struct throttle *t = throttle_new(&small);

    /* a success between failures: the count starts again */
    throttle_fail(t, "a", 0);
    throttle_fail(t, "a", 0);
    throttle_forget(t, "a");
    CHECK(throttle_fail(t, "a", 0) == 0);
    CHECK(throttle_fail(t, "a", 0) == 0);
    CHECK(throttle_fail(t, "a", 0) == 500);
    /* forgetting a lockout ends it, and its doubling */
    throttle_forget(t, "a");
    CHECK(throttle_locked(t, "a", 1) == 0);
    throttle_fail(t, "a", 600);
    throttle_fail(t, "a", 600);
    CHECK(throttle_fail(t, "a", 600) == 500);
    throttle_forget(t, "unknown");
    CHECK(throttle_count(t) == 1);
    throttle_forget(t, "a");
    CHECK(throttle_count(t) == 0);
    throttle_free(t);
    throttle_free(NULL);
}

static void test_off(void)
{
    struct throttle_limits l = small;
    struct throttle *t;

    l.max_failures = 0;
    t = throttle_new(&l);
    for (int i = 0; i < 100; i++)
        CHECK(throttle_fail(t, "a", 0) == 0);
    CHECK(throttle_locked(t, "a", 0) == 0);
    CHECK(throttle_count(t) == 0);
    throttle_free(t);

    /* one failure locks when the limit is 1 */
    l.max_failures = 1;
    t = throttle_new(&l);
    CHECK(throttle_fail(t, "a", 0) == 500);
    throttle_free(t);
}

/* A full table gives up the entry that failed least recently, keeping
 * locked ones while it can. */
static void test_eviction(void)
{
    struct throttle *t = throttle_new(&small);
    const char *keys[] = {"a", "b", "c", "d"};

    for (int i = 0; i < 4; i++) {
        throttle_fail(t, keys[i], i + 1);
        throttle_fail(t, keys[i], i + 1);
    }
    CHECK(throttle_count(t) == 4);
    CHECK(throttle_fail(t, "e", 5) == 0); /* takes a's entry */
    CHECK(throttle_count(t) == 4);
    CHECK(throttle_fail(t, "a", 6) == 0); /* a forgot, takes b's */
    CHECK(throttle_fail(t, "c", 6) == 500);
    CHECK(throttle_fail(t, "b", 7) == 0); /* b forgot */
    throttle_free(t);

    /* a locked entry outlives older unlocked ones */
    t = throttle_new(&small);
    for (int j = 0; j < 3; j++)
        throttle_fail(t, "a", 1);
    throttle_fail(t, "b", 2);
    throttle_fail(t, "c", 3);
    throttle_fail(t, "d", 4);
    throttle_fail(t, "e", 5); /* takes b's, not a's */
    CHECK(throttle_locked(t, "a", 5) == 496);
    throttle_fail(t, "f", 6); /* c's */
    throttle_fail(t, "g", 7); /* d's */
    throttle_fail(t, "h", 8); /* e's */
    CHECK(throttle_locked(t, "a", 8) == 493);
    CHECK(throttle_count(t) == 4);
    throttle_free(t);

    /* all locked: the one that failed least recently goes */
    t = throttle_new(&small);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++)
            throttle_fail(t, keys[i], i + 1);
    for (int j = 0; j < 3; j++)
        throttle_fail(t, "e", 5);
    CHECK(throttle_locked(t, "a", 5) == 0);
    CHECK(throttle_locked(t, "b", 5) == 497);
    CHECK(throttle_locked(t, "e", 5) == 500);
    throttle_free(t);

    /* entries whose window is over hold nothing: any may go */
    t = throttle_new(&small);
    for (int i = 0; i < 4; i++)
        throttle_fail(t, keys[i], 0);
    CHECK(throttle_fail(t, "e", 5000) == 0);
    CHECK(throttle_count(t) == 4);
    throttle_free(t);
}

/* Keys are compared on their first THROTTLE_KEY_MAX - 1 bytes. */
static void test_long_keys(void)
{
    struct throttle *t = throttle_new(&small);
    char a[300], b[300];

    memset(a, 'x', sizeof(a) - 1);
    a[sizeof(a) - 1] = '\0';
    memcpy(b, a, sizeof(b));
    b[THROTTLE_KEY_MAX] = 'y'; /* past the kept bytes */
    throttle_fail(t, a, 0);
    throttle_fail(t, b, 0);
    CHECK(throttle_fail(t, a, 0) == 500);
    b[THROTTLE_KEY_MAX - 2] = 'y'; /* within them */
    CHECK(throttle_locked(t, b, 0) == 0);
    CHECK(throttle_locked(t, "", 0) == 0);
    throttle_free(t);
}

/* The table's size is clamped, and so is a cap below the first
 * lockout. */
static void test_bounds(void)
{
    struct throttle_limits l = small;
    struct throttle *t;

    l.entries = 0;
    l.lockout_max_ms = 1;
    t = throttle_new(&l);
    CHECK(t != NULL);
    for (int j = 0; j < 3; j++)
        throttle_fail(t, "a", 0);
    CHECK(throttle_count(t) == 1);
    CHECK(throttle_locked(t, "a", 0) == 500);
    for (int j = 0; j < 3; j++)
        throttle_fail(t, "a", 500);
    CHECK(throttle_locked(t, "a", 500) == 500); /* no doubling past 500 */
    throttle_free(t);
}

int main(void)
{
    test_rows();
    test_doubling();
    test_forget();
    test_off();
    test_eviction();
    test_long_keys();
    test_bounds();
    return check_report();
}
