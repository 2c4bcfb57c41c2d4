/* frame: the sampling frame (the sites a draw chooses from), its canonical form and hash, and
 * the per-site ranking key.
 *
 * Canonical form: the frame's site codes sorted bytewise (as `LC_ALL=C sort`), one per line,
 * each line ending in "\n", nothing else. frame_hash = SHA-256 of those bytes, lower-case hex,
 * i.e. what `LC_ALL=C sort codes.txt | sha256sum` prints.
 * Ranking key of a site: SHA-256 of the seed's canonical text (lower-case hex digits, as
 * ASCII, NOT decoded to bytes) immediately followed by the site code's ASCII bytes, no
 * separator and no newline: `printf '%s%s' "$seed" "$code" | sha256sum`. Sites rank by key,
 * smallest first (ties, which SHA-256 makes practically impossible, by code).
 * Site codes must be 1..64 characters of [0-9A-Za-z] (registry codes always are). */
#ifndef SPOTCHECK_SAMPLER_FRAME_H
#define SPOTCHECK_SAMPLER_FRAME_H

#include <stddef.h>

#include "common/error.h"
#include "common/strbuf.h"

#define SAMPLER_CODE_MAX 64

/* One site of a frame. The strings are borrowed; region and type form the stratum; url is
 * carried along for output only and takes no part in the draw. */
struct sampler_site {
    const char *code;
    const char *region;
    const char *type;
    const char *url;
};

/* Frees the strings of n sites that own them (cast from const), then the array. */
void sampler_sites_free(struct sampler_site *sites, size_t n);

/* 0 if code is a usable site code, else SC_EINPUT with err set. */
int sampler_code_check(const char *code, struct sc_error *err);
/* Appends the canonical form of the frame to out. SC_EINPUT for a bad or duplicate code,
 * SC_ENOMEM. */
int sampler_frame_canonical(const struct sampler_site *sites, size_t n, struct strbuf *out,
                            struct sc_error *err);
/* The frame hash (64 hex digits + NUL into hex). Errors as sampler_frame_canonical. */
int sampler_frame_hash(const struct sampler_site *sites, size_t n, char *hex, struct sc_error *err);
/* SHA-256 of n bytes as lower-case hex into hex (65 bytes). 0 or SC_ERUNTIME. */
int sampler_sha256_hex(const void *data, size_t n, char *hex, struct sc_error *err);
/* The ranking key of one site for a seed (canonical seed text). 0 or SC_ERUNTIME. */
int sampler_rank_key(const char *seed, const char *code, char *hex, struct sc_error *err);
/* Ranking keys of n sites at once: keys[i] gets sites[i]'s key (65 bytes each). */
int sampler_rank_keys(const char *seed, const struct sampler_site *sites, size_t n,
                      char (*keys)[65], struct sc_error *err);

#endif
