/* sha256: SHA-256 as lower-case hex, the one place libcrypto's digest is called for it; the
 * registry hashes export files with it, the sampler frames and ranking keys. */
#ifndef SPOTCHECK_SHA256_H
#define SPOTCHECK_SHA256_H

#include <stddef.h>

/* Writes n bytes as 2n lower-case hex digits and a NUL into hex. */
void sc_hex_encode(const unsigned char *bytes, size_t n, char *hex);
/* SHA-256 of n bytes of data as 64 hex digits and a NUL into hex. 0, or SC_ENOMEM when
 * libcrypto fails (hex is then ""): hashing memory fails only when libcrypto cannot
 * allocate its digest context. */
int sc_sha256_hex(const void *data, size_t n, char hex[65]);

#endif
