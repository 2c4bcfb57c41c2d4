/* url: joining and normalising URLs with curl_url() (see url.h). */
#include "probes/net/url.h"
#include "probes/net/url_cache.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

/* Copies ref without leading/trailing ASCII whitespace and without the tabs and newlines a
 * browser removes from inside a URL. Returns NULL when out of memory. */
static char *ref_clean(const char *ref)
{
    while (*ref == ' ' || *ref == '\t' || *ref == '\n' || *ref == '\r' || *ref == '\f')
        ref++;
    size_t n = strlen(ref);
    while (n > 0 && (ref[n - 1] == ' ' || ref[n - 1] == '\t' || ref[n - 1] == '\n' ||
                     ref[n - 1] == '\r' || ref[n - 1] == '\f'))
        n--;
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n; i++)
        if (ref[i] != '\t' && ref[i] != '\n' && ref[i] != '\r')
            out[j++] = ref[i];
    out[j] = '\0';
    return out;
}

/* Length of the scheme at the start of s ("http" in "http://"), or 0 when s has none. */
static size_t scheme_length(const char *s)
{
    if (!isalpha((unsigned char)s[0]))
        return 0;
    size_t i = 1;
    while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')
        i++;
    return s[i] == ':' ? i : 0;
}

/* Lower-cases the hex digits of every percent escape in s, in place: curl writes its own
 * escapes in lower case, so a page's "%E6" and curl's "%e6" become one spelling. */
static int escapes_lower(char *s)
{
    int changed = 0;
    for (; *s; s++) {
        if (s[0] == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
            changed |= isupper((unsigned char)s[1]) || isupper((unsigned char)s[2]);
            s[1] = (char)tolower((unsigned char)s[1]);
            s[2] = (char)tolower((unsigned char)s[2]);
            s += 2;
        }
    }
    return changed;
}

/* Rewrites one part of u through fix() when fix() changed it; returns 0 or a CURLUcode.
 * *value (if not NULL) receives the part's final value (curl_free it). */
static int part_fix(CURLU *u, CURLUPart part, int (*fix)(char *))
{
    char *v = NULL;
    CURLUcode rc = curl_url_get(u, part, &v, 0);
    if (rc == CURLUE_NO_QUERY || rc == CURLUE_NO_HOST)
        return 0;
    if (rc)
        return rc;
    if (fix(v))
        rc = curl_url_set(u, part, v, 0);
    curl_free(v);
    return rc;
}

static int lower(char *s)
{
    int changed = 0;
    for (; *s; s++) {
        changed |= isupper((unsigned char)*s);
        *s = (char)tolower((unsigned char)*s);
    }
    return changed;
}

/* A parsed base URL, reused for every reference of a page (curl_url_dup is cheaper than a
 * parse per link). */
struct url_base {
    CURLU *u;
    char *origin; /* scheme://host[:port], the key of the per-thread cache */
};

int url_base_new(const char *base, struct url_base **out)
{
    *out = NULL;
    struct url_base *b = malloc(sizeof *b);
    if (!b)
        return SC_ENOMEM;
    b->u = curl_url();
    if (!b->u) {
        free(b);
        return SC_ENOMEM;
    }
    b->origin = NULL;
    CURLUcode rc = curl_url_set(b->u, CURLUPART_URL, base, CURLU_URLENCODE);
    if (rc) {
        url_base_free(b);
        return rc == CURLUE_OUT_OF_MEMORY ? SC_ENOMEM : URL_BAD;
    }
    b->origin = url_origin(base); /* NULL (no cache) is fine */
    *out = b;
    return URL_OK;
}

void url_base_free(struct url_base *b)
{
    if (b) {
        curl_url_cleanup(b->u);
        free(b->origin);
        free(b);
    }
}

static int resolve(const struct url_base *b, const char *base, const char *ref, char **out);

/* Sets a reference on u (holding the base). libcurl 7.88 resolves a relative reference by
 * first getting the base URL as text; when that allocation fails it parses the reference as
 * if it were absolute and calls a good relative link malformed (urlapi.c, curl_url_set). So
 * a refused reference is tried once more when curl shows it can give the base (and is out of
 * memory when it cannot); u is unchanged by a failed set. */
static CURLUcode set_reference(CURLU *u, const char *ref)
{
    CURLUcode rc = curl_url_set(u, CURLUPART_URL, ref, CURLU_URLENCODE);
    if (rc == CURLUE_OK || rc == CURLUE_OUT_OF_MEMORY)
        return rc;
    char *base = NULL;
    CURLUcode g = curl_url_get(u, CURLUPART_URL, &base, 0);
    curl_free(base);
    if (g == CURLUE_OUT_OF_MEMORY)
        return g;
    if (g != CURLUE_OK) /* no base: the reference itself was refused */
        return rc;
    return curl_url_set(u, CURLUPART_URL, ref, CURLU_URLENCODE);
}

int url_resolve(const char *base, const char *ref, char **out)
{
    return resolve(NULL, base, ref, out);
}

int url_resolve_base(const struct url_base *b, const char *ref, char **out)
{
    if (!b->origin || !url_cache_eligible(ref))
        return resolve(b, NULL, ref, out);
    const char *hit = url_cache_get(b->origin, ref);
    if (hit) {
        *out = strdup(hit);
        return *out ? URL_OK : SC_ENOMEM;
    }
    int st = resolve(b, NULL, ref, out);
    if (st == URL_OK)
        url_cache_put(b->origin, ref, *out);
    return st;
}

static int resolve(const struct url_base *b, const char *base, const char *ref, char **out)
{
    *out = NULL;
    char *clean = ref_clean(ref ? ref : "");
    if (!clean)
        return SC_ENOMEM;
    int status = URL_OK;
    if (clean[0] == '\0' || clean[0] == '#') {
        free(clean);
        return URL_SAME_PAGE;
    }
    size_t sl = scheme_length(clean);
    if (sl && !((sl == 4 && strncasecmp(clean, "http", 4) == 0) ||
                (sl == 5 && strncasecmp(clean, "https", 5) == 0))) {
        free(clean);
        return URL_SKIP;
    }
    if (!sl && !base && !b) {
        free(clean);
        return URL_BAD;
    }
    CURLU *u = b && !sl ? curl_url_dup(b->u) : curl_url();
    if (!u) {
        free(clean);
        return SC_ENOMEM;
    }
    CURLUcode rc = CURLUE_OK;
    if (base && !b && !sl)
        rc = curl_url_set(u, CURLUPART_URL, base, CURLU_URLENCODE);
    if (!rc)
        rc = sl ? curl_url_set(u, CURLUPART_URL, clean, CURLU_URLENCODE) : set_reference(u, clean);
    if (!rc)
        rc = curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
    if (!rc)
        rc = part_fix(u, CURLUPART_HOST, lower);
    if (!rc)
        rc = part_fix(u, CURLUPART_PATH, escapes_lower);
    if (!rc)
        rc = part_fix(u, CURLUPART_QUERY, escapes_lower);
    char *s = NULL;
    if (!rc)
        rc = curl_url_get(u, CURLUPART_URL, &s, CURLU_NO_DEFAULT_PORT);
    if (rc == CURLUE_OUT_OF_MEMORY) {
        status = SC_ENOMEM;
    } else if (rc) {
        status = URL_BAD;
    } else {
        /* curl_url accepts "http:///x" as host "x"; a host is what we require. */
        char *host = NULL;
        rc = curl_url_get(u, CURLUPART_HOST, &host, 0);
        if (rc == CURLUE_OUT_OF_MEMORY)
            status = SC_ENOMEM;
        else if (rc || !host || !host[0] || strlen(s) > URL_MAX_LENGTH)
            status = URL_BAD;
        curl_free(host);
        if (status == URL_OK) {
            *out = strdup(s);
            if (!*out)
                status = SC_ENOMEM;
        }
    }
    curl_free(s);
    curl_url_cleanup(u);
    free(clean);
    return status;
}

int url_normalise(const char *url, char **out)
{
    return url_resolve(NULL, url, out);
}

int url_host_port(const char *url, char **host, int *port)
{
    *host = NULL;
    *port = 0;
    CURLU *u = curl_url();
    if (!u)
        return SC_ENOMEM;
    char *h = NULL, *p = NULL;
    int ret = SC_EINPUT;
    CURLUcode rc = curl_url_set(u, CURLUPART_URL, url, 0);
    if (!rc)
        rc = curl_url_get(u, CURLUPART_HOST, &h, 0);
    if (!rc)
        rc = curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT);
    if (rc == CURLUE_OUT_OF_MEMORY) {
        ret = SC_ENOMEM;
    } else if (!rc) {
        *host = strdup(h);
        if (*host) {
            lower(*host);
            *port = atoi(p);
            ret = 0;
        } else {
            ret = SC_ENOMEM;
        }
    }
    curl_free(h);
    curl_free(p);
    curl_url_cleanup(u);
    return ret;
}

char *url_origin(const char *url)
{
    CURLU *u = curl_url();
    if (!u)
        return NULL;
    char *res = NULL;
    if (!curl_url_set(u, CURLUPART_URL, url, 0) && !curl_url_set(u, CURLUPART_PATH, "/", 0) &&
        !curl_url_set(u, CURLUPART_QUERY, NULL, 0) &&
        !curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0)) {
        char *s = NULL;
        if (!curl_url_get(u, CURLUPART_URL, &s, CURLU_NO_DEFAULT_PORT)) {
            size_t n = strlen(s);
            if (n && s[n - 1] == '/')
                s[n - 1] = '\0';
            res = strdup(s);
        }
        curl_free(s);
    }
    curl_url_cleanup(u);
    return res;
}

int url_host_is_ip(const char *host)
{
    unsigned char buf[16];
    char tmp[64];
    size_t n = strlen(host);
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
        if (n - 2 >= sizeof tmp)
            return 0;
        memcpy(tmp, host + 1, n - 2);
        tmp[n - 2] = '\0';
        host = tmp;
    }
    return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}
