/* draw_round: preparing a round's draw from the configuration (see draw_round.h). */
#include "daemon/draw_round.h"
#include "daemon/config.h"

#include <string.h>

int draw_round_calendar(const struct config *c, struct sampler_quarter q,
                        struct sampler_round_plan *plan, struct sc_error *err)
{
    int rounds = (int)config_int(c, CFG_SAMPLING_ROUNDS);
    int rc = sampler_calendar(q, rounds, plan, err);
    return rc < 0 ? rc : rounds;
}

int draw_round_prepare(const struct config *c, struct sampler_quarter q, int round,
                       const char *redraw_reason, struct draw_round_prep *out, struct sc_error *err)
{
    memset(out, 0, sizeof *out);
    const char *seed_arg = config_get(c, CFG_SAMPLING_SEED);
    int rate_bp = SAMPLER_RATE_MIN_BP;
    struct sc_error why = {{0}};
    if (sampler_rate_parse(config_get(c, CFG_SAMPLING_RATE), &rate_bp, &why) < 0)
        return sc_fail(err, SC_EINPUT, "rate: %s", why.msg);
    int rounds = draw_round_calendar(c, q, out->plan, err);
    if (rounds < 0)
        return rounds;
    /* The seed comes first: chosen by the office, or from the secure random source. */
    if (*seed_arg) {
        if (sampler_seed_parse(seed_arg, out->seed, &why) < 0)
            return sc_fail(err, SC_EINPUT, "seed: %s", why.msg);
    } else if (sampler_seed_generate(out->seed, err) < 0) {
        return SC_ERUNTIME;
    }
    sampler_quarter_format(q, out->quarter);
    out->req = (struct draw_request){out->quarter, round,
                                     out->plan,    rounds,
                                     out->seed,    *seed_arg ? "office" : "random",
                                     rate_bp,      config_bool(c, CFG_SAMPLING_STRATIFY),
                                     redraw_reason};
    return SC_OK;
}
