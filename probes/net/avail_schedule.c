/* avail_schedule: a site's probe times for a monitoring week, derived from the round's seed
 * and the site code (see avail_schedule.h for the derivation). */
#include "probes/net/avail_schedule.h"
#include "common/sha256.h"
#include "common/strbuf.h"

#include <stdint.h>
#include <string.h>

long avail_slot_start(int per_day, int k)
{
    return (long)((long long)k * AVAIL_DAY_SECONDS / per_day);
}

int avail_schedule_default_gap(int per_day)
{
    if (per_day < 1)
        per_day = 1;
    return (int)(AVAIL_DAY_SECONDS / per_day / 4);
}

/* The first 15 hex digits of a SHA-256 hex string as an integer (60 bits: fits a shell's
 * arithmetic, so the recipe in docs/availability.md works with printf and sha256sum). */
static uint64_t hex15(const char *hex)
{
    uint64_t v = 0;
    for (int i = 0; i < 15; i++) {
        char c = hex[i];
        v = v << 4 | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    return v;
}

int avail_schedule(const struct avail_schedule_params *p, struct avail_time *out,
                   struct sc_error *err)
{
    if (!p->seed || !*p->seed)
        return sc_fail(err, SC_EINPUT, "availability schedule: no seed");
    if (!p->code || !*p->code || strchr(p->code, '/'))
        return sc_fail(err, SC_EINPUT, "availability schedule: bad site code '%s'",
                       p->code ? p->code : "");
    if (p->days < 1 || p->days > AVAIL_MAX_DAYS)
        return sc_fail(err, SC_EINPUT, "availability schedule: days %d not in 1..%d", p->days,
                       AVAIL_MAX_DAYS);
    if (p->per_day < 1 || p->per_day > AVAIL_MAX_PER_DAY)
        return sc_fail(err, SC_EINPUT, "availability schedule: %d probes a day not in 1..%d",
                       p->per_day, AVAIL_MAX_PER_DAY);
    long shortest = AVAIL_DAY_SECONDS / p->per_day; /* floor: no slot is shorter */
    long gap = p->min_gap_s < 0 ? avail_schedule_default_gap(p->per_day) : p->min_gap_s;
    if (gap >= shortest)
        return sc_fail(err, SC_EINPUT,
                       "availability schedule: a gap of %ld s leaves no room in a %ld s slot", gap,
                       shortest);
    struct strbuf msg = STRBUF_INIT;
    int rc = 0;
    size_t i = 0;
    for (int d = 0; d < p->days && rc == 0; d++) {
        for (int k = 0; k < p->per_day; k++) {
            char hex[65];
            strbuf_reset(&msg);
            strbuf_addf(&msg, "%s%s/avail/%d/%d", p->seed, p->code, d, k);
            if (msg.failed) {
                rc = sc_fail(err, SC_ENOMEM, "out of memory");
                break;
            }
            if (sc_sha256_hex(msg.buf, msg.len, hex) != 0) {
                rc = sc_fail(err, SC_ERUNTIME, "availability schedule: SHA-256 failed");
                break;
            }
            long lo = avail_slot_start(p->per_day, k);
            long len = avail_slot_start(p->per_day, k + 1) - lo;
            uint64_t width = (uint64_t)(len - gap + 1);
            out[i].at =
                p->start + (time_t)d * AVAIL_DAY_SECONDS + lo + (time_t)(hex15(hex) % width);
            out[i].day = d;
            out[i].slot = k;
            i++;
        }
    }
    strbuf_release(&msg);
    return rc;
}

int avail_makeup_at(const struct avail_schedule_params *p, int day, int slot, int attempt,
                    time_t *at, struct sc_error *err)
{
    if (!p->seed || !*p->seed || !p->code || !*p->code || strchr(p->code, '/'))
        return sc_fail(err, SC_EINPUT, "availability make-up: bad seed or site code");
    if (p->per_day < 1 || p->per_day > AVAIL_MAX_PER_DAY || attempt < 1 || slot < 0 ||
        slot + attempt >= p->per_day)
        return SC_ENOTFOUND; /* no slot left in the day */
    struct strbuf msg = STRBUF_INIT;
    char hex[65];
    strbuf_addf(&msg, "%s%s/makeup/%d/%d/%d", p->seed, p->code, day, slot, attempt);
    int rc = 0;
    if (msg.failed)
        rc = sc_fail(err, SC_ENOMEM, "out of memory");
    else if (sc_sha256_hex(msg.buf, msg.len, hex) != 0)
        rc = sc_fail(err, SC_ERUNTIME, "availability make-up: SHA-256 failed");
    strbuf_release(&msg);
    if (rc < 0)
        return rc;
    int k = slot + attempt;
    long lo = avail_slot_start(p->per_day, k);
    long len = avail_slot_start(p->per_day, k + 1) - lo;
    /* anywhere in the slot but its last tenth, so the group can be judged in the slot */
    uint64_t width = (uint64_t)(len - len / 10);
    *at = p->start + (time_t)day * AVAIL_DAY_SECONDS + lo + (time_t)(hex15(hex) % width);
    return 0;
}
