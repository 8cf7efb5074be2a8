/* micetro-emu: the REST API's credentials (see rest_auth.h). */
#include "rest_auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define DIGEST 32

struct pair {
    unsigned char digest[DIGEST]; /* HMAC(key, user NUL pass) */
    char sid[REST_AUTH_SID_BUF];  /* "" : a free slot */
    long long born;               /* CLOCK_MONOTONIC nanoseconds */
};

static struct {
    pthread_mutex_t mu;
    pthread_once_t once;
    int keyed; /* 0: no key could be drawn, nothing is remembered */
    unsigned char key[DIGEST];
    struct pair pairs[REST_AUTH_MAX];
} cache = {.mu = PTHREAD_MUTEX_INITIALIZER, .once = PTHREAD_ONCE_INIT};

static void draw_key(void)
{
    cache.keyed = RAND_bytes(cache.key, sizeof(cache.key)) == 1;
}

static long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The pair's digest: 0, or -1 (nothing can be remembered). */
static int digest_of(const char *user, const char *pass,
                     unsigned char out[DIGEST])
{
    unsigned char buf[REST_AUTH_USER_MAX + REST_AUTH_PASS_MAX + 2];
    size_t ul = strlen(user), pl = strlen(pass);
    unsigned int n = 0;

    pthread_once(&cache.once, draw_key);
    if (!cache.keyed || ul > REST_AUTH_USER_MAX || pl > REST_AUTH_PASS_MAX)
        return -1;
    memcpy(buf, user, ul + 1);
    memcpy(buf + ul + 1, pass, pl + 1);
    if (HMAC(EVP_sha256(), cache.key, sizeof(cache.key), buf, ul + 1 + pl, out,
             &n) == NULL ||
        n != DIGEST) {
        OPENSSL_cleanse(buf, sizeof(buf));
        return -1;
    }
    OPENSSL_cleanse(buf, sizeof(buf));
    return 0;
}

static int alive(const struct pair *p, long long now)
{
    return p->sid[0] != '\0' && now - p->born < REST_AUTH_TTL_S * 1000000000LL;
}

int rest_auth_lookup(const char *user, const char *pass, char *sid)
{
    unsigned char d[DIGEST];
    long long now = now_ns();
    int found = 0;

    if (digest_of(user, pass, d) != 0)
        return 0;
    pthread_mutex_lock(&cache.mu);
    for (size_t i = 0; i < REST_AUTH_MAX && !found; i++) {
        struct pair *p = &cache.pairs[i];
        if (alive(p, now) && CRYPTO_memcmp(p->digest, d, DIGEST) == 0) {
            memcpy(sid, p->sid, REST_AUTH_SID_BUF);
            found = 1;
        }
    }
    pthread_mutex_unlock(&cache.mu);
    return found;
}

void rest_auth_store(const char *user, const char *pass, const char *sid)
{
    unsigned char d[DIGEST];
    long long now = now_ns();
    struct pair *slot = NULL;

    if (digest_of(user, pass, d) != 0 || strlen(sid) >= REST_AUTH_SID_BUF)
        return;
    pthread_mutex_lock(&cache.mu);
    /* the same pair's older session, else a free or expired slot, else
     * the oldest */
    for (size_t i = 0; i < REST_AUTH_MAX; i++) {
        struct pair *p = &cache.pairs[i];
        if (p->sid[0] != '\0' && CRYPTO_memcmp(p->digest, d, DIGEST) == 0) {
            slot = p;
            break;
        }
        if (slot == NULL || (alive(slot, now) && !alive(p, now)) ||
            (alive(p, now) == alive(slot, now) && p->born < slot->born))
            slot = p;
    }
    memcpy(slot->digest, d, DIGEST);
    snprintf(slot->sid, sizeof(slot->sid), "%s", sid);
    slot->born = now;
    pthread_mutex_unlock(&cache.mu);
}

void rest_auth_drop(const char *sid)
{
    pthread_mutex_lock(&cache.mu);
    for (size_t i = 0; i < REST_AUTH_MAX; i++)
        if (strcmp(cache.pairs[i].sid, sid) == 0)
            memset(&cache.pairs[i], 0, sizeof(cache.pairs[i]));
    pthread_mutex_unlock(&cache.mu);
}

int rest_auth_parse(const char *authorization, char *user, char *pass,
                    struct err *e)
{
    /* base64 of the longest pair, with its ':' */
    unsigned char
        raw[(REST_AUTH_USER_MAX + REST_AUTH_PASS_MAX + 1) / 3 * 3 + 3 + 1];
    const char *b;
    size_t bl, pad = 0;
    int n;
    const char *colon;

    if (authorization == NULL)
        return err_set(e, ERR_AUTH,
                       "authentication required: send \"Authorization: "
                       "Basic\" with the user name and password");
    if (strncasecmp(authorization, "Basic ", 6) != 0)
        return err_set(e, ERR_AUTH,
                       "only \"Authorization: Basic\" is accepted here");
    b = authorization + 6;
    b += strspn(b, " ");
    bl = strcspn(b, " ");
    if (b[bl + strspn(b + bl, " ")] != '\0' || bl == 0 || bl % 4 != 0)
        return err_set(e, ERR_AUTH, "the Basic credentials are not base64");
    if (bl / 4 * 3 >= sizeof(raw))
        return err_set(e, ERR_AUTH,
                       "the Basic credentials are too long (a user name of "
                       "at most %d bytes, a password of at most %d)",
                       REST_AUTH_USER_MAX, REST_AUTH_PASS_MAX);
    for (size_t i = 0; i < bl; i++) /* strict: '=' only at the end */
        if (b[i] == '=')
            pad++;
        else if (pad > 0 ||
                 !(b[i] == '+' || b[i] == '/' || (b[i] >= '0' && b[i] <= '9') ||
                   (b[i] >= 'A' && b[i] <= 'Z') ||
                   (b[i] >= 'a' && b[i] <= 'z')))
            return err_set(e, ERR_AUTH, "the Basic credentials are not base64");
    n = pad > 2 ? -1 : EVP_DecodeBlock(raw, (const unsigned char *)b, (int)bl);
    if (n < 0)
        return err_set(e, ERR_AUTH, "the Basic credentials are not base64");
    n -= (int)pad;
    raw[n] = '\0';
    for (int i = 0; i < n; i++)
        if (raw[i] < 0x20 || raw[i] == 0x7f) {
            OPENSSL_cleanse(raw, sizeof(raw));
            return err_set(e, ERR_AUTH,
                           "the Basic credentials hold a control character");
        }
    colon = strchr((const char *)raw, ':');
    if (colon == NULL || colon == (const char *)raw) {
        OPENSSL_cleanse(raw, sizeof(raw));
        return err_set(e, ERR_AUTH,
                       "the Basic credentials are not \"user:password\"");
    }
    if ((size_t)(colon - (const char *)raw) > REST_AUTH_USER_MAX ||
        strlen(colon + 1) > REST_AUTH_PASS_MAX) {
        OPENSSL_cleanse(raw, sizeof(raw));
        return err_set(e, ERR_AUTH,
                       "the Basic credentials are too long (a user name of "
                       "at most %d bytes, a password of at most %d)",
                       REST_AUTH_USER_MAX, REST_AUTH_PASS_MAX);
    }
    snprintf(user, REST_AUTH_USER_MAX + 1, "%.*s",
             (int)(colon - (const char *)raw), (const char *)raw);
    snprintf(pass, REST_AUTH_PASS_MAX + 1, "%s", colon + 1);
    OPENSSL_cleanse(raw, sizeof(raw));
    return 0;
}
