/* sha256: SHA-256 as lower-case hex (see sha256.h). */
#include "common/sha256.h"
#include "common/error.h"

#include <openssl/evp.h>

void sc_hex_encode(const unsigned char *bytes, size_t n, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        hex[2 * i] = digits[bytes[i] >> 4];
        hex[2 * i + 1] = digits[bytes[i] & 15];
    }
    hex[2 * n] = '\0';
}

int sc_sha256_hex(const void *data, size_t n, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    if (!EVP_Digest(data, n, md, &len, EVP_sha256(), NULL) || len != 32) {
        /* Hashing bytes in memory has one way to fail: libcrypto not getting the memory for
         * its context (it does not always say so in its error queue). */
        hex[0] = '\0';
        return SC_ENOMEM;
    }
    sc_hex_encode(md, len, hex);
    return SC_OK;
}

int sc_sha256_begin(struct sc_sha256 *s)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    s->ctx = NULL;
    if (!c)
        return SC_ENOMEM;
    if (!EVP_DigestInit_ex(c, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(c);
        return SC_ERUNTIME;
    }
    s->ctx = c;
    return SC_OK;
}

int sc_sha256_add(struct sc_sha256 *s, const void *data, size_t n)
{
    return s->ctx && EVP_DigestUpdate(s->ctx, data, n) ? SC_OK : SC_ERUNTIME;
}

int sc_sha256_end_hex(struct sc_sha256 *s, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    int ok = s->ctx && EVP_DigestFinal_ex(s->ctx, md, &len) && len == 32;
    sc_sha256_release(s);
    if (!ok) {
        hex[0] = '\0';
        return SC_ERUNTIME;
    }
    sc_hex_encode(md, len, hex);
    return SC_OK;
}

void sc_sha256_release(struct sc_sha256 *s)
{
    EVP_MD_CTX_free(s->ctx); /* NULL is fine */
    s->ctx = NULL;
}
