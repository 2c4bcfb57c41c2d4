/* frame: canonical frame form, frame hash and ranking keys with libcrypto's EVP SHA-256
 * (see frame.h). */
#include "sampler/frame.h"
#include "common/sha256.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

void sampler_sites_free(struct sampler_site *sites, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free((char *)sites[i].code);
        free((char *)sites[i].region);
        free((char *)sites[i].type);
        free((char *)sites[i].url);
    }
    free(sites);
}

int sampler_code_check(const char *code, struct sc_error *err)
{
    size_t n = code ? strlen(code) : 0;
    if (n == 0 || n > SAMPLER_CODE_MAX)
        return sc_fail(err, SC_EINPUT, "a frame site code must be 1 to %d characters",
                       SAMPLER_CODE_MAX);
    for (size_t i = 0; i < n; i++) {
        char c = code[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return sc_fail(err, SC_EINPUT, "site code '%.64s' has a character outside 0-9A-Za-z",
                           code);
    }
    return SC_OK;
}

static int cmp_code_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int sampler_frame_canonical(const struct sampler_site *sites, size_t n, struct strbuf *out,
                            struct sc_error *err)
{
    const char **codes = malloc((n ? n : 1) * sizeof *codes);
    if (!codes)
        return sc_fail(err, SC_ENOMEM, "out of memory sorting the frame");
    for (size_t i = 0; i < n; i++) {
        if (sampler_code_check(sites[i].code, err) < 0) {
            free(codes);
            return SC_EINPUT;
        }
        codes[i] = sites[i].code;
    }
    qsort(codes, n, sizeof *codes, cmp_code_ptr);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(codes[i - 1], codes[i]) == 0) {
            sc_fail(err, SC_EINPUT, "site code %s is twice in the frame", codes[i]);
            free(codes);
            return SC_EINPUT;
        }
        strbuf_adds(out, codes[i]);
        strbuf_addch(out, '\n');
    }
    free(codes);
    return out->failed ? sc_fail(err, SC_ENOMEM, "out of memory writing the frame") : SC_OK;
}

int sampler_sha256_hex(const void *data, size_t n, char *hex, struct sc_error *err)
{
    if (sc_sha256_hex(data, n, hex) < 0)
        return sc_fail(err, SC_ENOMEM, "SHA-256 failed in libcrypto: out of memory");
    return SC_OK;
}

int sampler_frame_hash(const struct sampler_site *sites, size_t n, char *hex, struct sc_error *err)
{
    struct strbuf sb = STRBUF_INIT;
    int rc = sampler_frame_canonical(sites, n, &sb, err);
    if (rc == SC_OK)
        rc = sampler_sha256_hex(sb.buf, sb.len, hex, err);
    strbuf_release(&sb);
    return rc;
}

int sampler_rank_keys(const char *seed, const struct sampler_site *sites, size_t n,
                      char (*keys)[65], struct sc_error *err)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        return sc_fail(err, SC_ENOMEM, "out of memory for a digest");
    const EVP_MD *md = EVP_sha256();
    size_t seedlen = strlen(seed);
    int rc = SC_OK;
    for (size_t i = 0; i < n; i++) {
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned len = 0;
        if (!EVP_DigestInit_ex(ctx, md, NULL) || !EVP_DigestUpdate(ctx, seed, seedlen) ||
            !EVP_DigestUpdate(ctx, sites[i].code, strlen(sites[i].code)) ||
            !EVP_DigestFinal_ex(ctx, out, &len) || len != 32) {
            rc = sc_fail(err, SC_ERUNTIME, "SHA-256 failed in libcrypto");
            break;
        }
        sc_hex_encode(out, len, keys[i]);
    }
    EVP_MD_CTX_free(ctx);
    return rc;
}

int sampler_rank_key(const char *seed, const char *code, char *hex, struct sc_error *err)
{
    struct sampler_site s = {code, "", "", ""};
    char keys[1][65];
    int rc = sampler_rank_keys(seed, &s, 1, keys, err);
    if (rc == SC_OK)
        memcpy(hex, keys[0], 65);
    return rc;
}
