/* sha256: SHA-256 as lower-case hex, the one place libcrypto's digest is called for it; the
 * registry hashes export files with it, the sampler frames and ranking keys, the
 * availability probe each homepage body as it arrives (the incremental form). */
#ifndef SPOTCHECK_SHA256_H
#define SPOTCHECK_SHA256_H

#include <stddef.h>

/* Writes n bytes as 2n lower-case hex digits and a NUL into hex. */
void sc_hex_encode(const unsigned char *bytes, size_t n, char *hex);
/* SHA-256 of n bytes of data as 64 hex digits and a NUL into hex. 0, or SC_ENOMEM when
 * libcrypto fails (hex is then ""): hashing memory fails only when libcrypto cannot
 * allocate its digest context. */
int sc_sha256_hex(const void *data, size_t n, char hex[65]);

/* Incremental SHA-256 for data that arrives in pieces. A zeroed struct is "not begun";
 * sc_sha256_release is safe on it and after sc_sha256_end_hex. */
struct sc_sha256 {
    void *ctx; /* libcrypto's EVP_MD_CTX */
};
/* 0, SC_ENOMEM or SC_ERUNTIME (s is then not begun). */
int sc_sha256_begin(struct sc_sha256 *s);
/* 0, or SC_ERUNTIME when libcrypto fails. */
int sc_sha256_add(struct sc_sha256 *s, const void *data, size_t n);
/* The digest of everything added, as 64 hex digits and a NUL; releases s. 0, or
 * SC_ERUNTIME (hex is then ""). */
int sc_sha256_end_hex(struct sc_sha256 *s, char hex[65]);
void sc_sha256_release(struct sc_sha256 *s);

#endif
