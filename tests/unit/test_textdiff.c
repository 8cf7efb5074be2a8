/* micetro-emu: unit tests of the line difference (textdiff.h). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "textdiff.h"

/* The hunk and summary of a against b. */
static char *diff(const char *a, const char *b, struct textdiff *d)
{
    char *out = NULL;
    struct err e;

    CHECK(textdiff(a, b, "baseline", "live", d, &out, &e) == 0);
    return out;
}

static void test_textdiff(void)
{
    struct textdiff d;
    char sum[128], *o;

    o = diff("a\nb\nc\n", "a\nb\nc\n", &d);
    CHECK(d.first == 0 && strcmp(o, "") == 0);
    textdiff_summary(&d, sum, sizeof(sum));
    CHECK(strcmp(sum, "no difference") == 0);
    free(o);

    o = diff("a\nb\nc\nd\n", "a\nB\nx\nc\nd\n", &d);
    CHECK(d.first == 2 && d.removed == 1 && d.added == 2);
    CHECK(strcmp(o, "--- baseline\n+++ live\n@@ -2,1 +2,2 @@\n-b\n+B\n+x\n") ==
          0);
    textdiff_summary(&d, sum, sizeof(sum));
    CHECK(strcmp(sum, "line 2: 1 line removed, 2 added") == 0);
    free(o);

    /* NULL is the empty text; a last newline alone differs too */
    o = diff(NULL, "x\n", &d);
    CHECK(d.first == 1 && d.removed == 0 && d.added == 1);
    CHECK(strstr(o, "@@ -0,0 +1,1 @@\n+x\n") != NULL);
    free(o);
    o = diff("a\nb", "a\nb\n", &d);
    CHECK(d.first == 2 && d.removed == 1 && d.added == 1);
    free(o);

    /* a long difference is cut, and says so */
    {
        size_t n = TEXTDIFF_MAX / 2;
        char *big = malloc(n * 2 + 1);

        CHECK(big != NULL);
        if (big == NULL)
            return;
        for (size_t i = 0; i < n; i++)
            memcpy(big + 2 * i, "x\n", 2);
        big[2 * n] = '\0';
        o = diff("", big, &d);
        CHECK(d.added == n && strlen(o) <= TEXTDIFF_MAX);
        CHECK(strstr(o, "(cut: the difference is longer)") != NULL);
        free(o);
        free(big);
    }
    /* no output asked: only the counts */
    {
        struct err e;

        CHECK(textdiff("a\n", "b\n", "x", "y", &d, NULL, &e) == 0 &&
              d.removed == 1 && d.added == 1);
    }
}

int main(void)
{
    test_textdiff();
    return check_report();
}
