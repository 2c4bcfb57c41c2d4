/* farm_rng: the farm's deterministic random numbers (splitmix64 seeded from a string).
 *
 * Every random choice of the generator goes through here, seeded from the --seed text and
 * a salt naming the purpose, so the same arguments always give byte-identical output. */
#include "tests/farm/farm.h"

static uint64_t rng_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void farm_rng_seed(struct farm_rng *r, const char *seed, const char *salt)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a over seed, a separator, salt */
    for (const char *p = seed; p && *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    h = (h ^ 0xff) * 0x100000001b3ULL;
    for (const char *p = salt; p && *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    r->s = rng_mix(h);
}

uint64_t farm_rng_next(struct farm_rng *r)
{
    r->s += 0x9e3779b97f4a7c15ULL;
    return rng_mix(r->s);
}

int farm_rng_range(struct farm_rng *r, int lo, int hi)
{
    if (hi <= lo)
        return lo;
    uint64_t span = (uint64_t)((long long)hi - lo + 1);
    return lo + (int)(farm_rng_next(r) % span);
}

int farm_rng_chance(struct farm_rng *r, double p)
{
    return (double)(farm_rng_next(r) >> 11) / 9007199254740992.0 < p;
}
