/* test_sampler_stats: the draw is fair: over many seeds every site of a stratum is drawn equally
 * often (chi-square), and so is every site of the frame, whatever its stratum's size. The seed
 * sequence is fixed, so the test is deterministic; the thresholds are the chi-square critical
 * values at p = 0.001. */
#include "testutil.h"
#include "sampler/draw.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define NSITES 20
#define DRAWS 20000

/* Critical values of chi-square at p = 0.001 by degrees of freedom (tables). */
static double chi2_critical(int df)
{
    switch (df) {
    case 2:
        return 13.816;
    case 6:
        return 22.458;
    case 9:
        return 27.877;
    case 19:
        return 43.820;
    default:
        fail_msg("no critical value for %d degrees of freedom", df);
        return 0;
    }
}

struct fixture {
    char codes[NSITES][16];
    struct sampler_site frame[NSITES];
};

/* Stratum A (甲/portal) sites 0-9, B (乙/department) 10-16, C (丙/portal) 17-19. */
static void make_frame(struct fixture *fx)
{
    for (int i = 0; i < NSITES; i++) {
        snprintf(fx->codes[i], sizeof fx->codes[i], "43010%05d", i * 37 + 11);
        fx->frame[i].code = fx->codes[i];
        fx->frame[i].region = i < 10 ? "甲" : i < 17 ? "乙" : "丙";
        fx->frame[i].type = i < 10 || i >= 17 ? "portal" : "department";
        fx->frame[i].url = "";
    }
}

static int site_index(const struct fixture *fx, const char *code)
{
    for (int i = 0; i < NSITES; i++)
        if (strcmp(fx->codes[i], code) == 0)
            return i;
    fail_msg("drawn site %s is not in the frame", code);
    return -1;
}

/* Chi-square of counts[from..to) against equal expectation. */
static double chi2_equal(const long *counts, int from, int to)
{
    double total = 0, x = 0;
    for (int i = from; i < to; i++)
        total += counts[i];
    double e = total / (to - from);
    for (int i = from; i < to; i++)
        x += (counts[i] - e) * (counts[i] - e) / e;
    return x;
}

static void run(const struct fixture *fx, int stratify, const char *const *earlier, size_t nearlier,
                long *counts, long *a_gets_two)
{
    struct sc_error err;
    memset(counts, 0, NSITES * sizeof *counts);
    *a_gets_two = 0;
    for (long d = 0; d < DRAWS; d++) {
        char seed[32];
        snprintf(seed, sizeof seed, "%016llx", (unsigned long long)(d + 1) * 0x9e3779b97f4a7c15ULL);
        struct sampler_params p = {seed, 1500, stratify};
        struct sampler_result r;
        assert_int_equal(sampler_draw(fx->frame, NSITES, earlier, nearlier, &p, &r, &err), SC_OK);
        assert_int_equal(r.npicks, 3);
        long in_a = 0;
        for (size_t i = 0; i < r.npicks; i++) {
            int k = site_index(fx, r.picks[i].code);
            counts[k]++;
            in_a += k < 10;
        }
        *a_gets_two += stratify && in_a == 2;
        sampler_result_free(&r);
    }
}

static void every_site_in_a_stratum_is_equally_likely(void **state)
{
    struct fixture fx;
    make_frame(&fx);
    long counts[NSITES], a_two;
    run(&fx, 1, NULL, 0, counts, &a_two);
    double xa = chi2_equal(counts, 0, 10), xb = chi2_equal(counts, 10, 17),
           xc = chi2_equal(counts, 17, 20), xall = chi2_equal(counts, 0, NSITES);
    print_message("chi-square A %.2f (df 9), B %.2f (df 6), C %.2f (df 2), all %.2f (df 19)\n", xa,
                  xb, xc, xall);
    assert_true(xa < chi2_critical(9));
    assert_true(xb < chi2_critical(6));
    assert_true(xc < chi2_critical(2));
    /* systematic rounding: every site, whatever its stratum, is drawn with probability n/N */
    assert_true(xall < chi2_critical(19));
    /* stratum A's quota is 1.5: it gets its second place half the time (within 4.5 sd) */
    assert_true(labs(a_two - DRAWS / 2) < 4.5 * sqrt(DRAWS * 0.25));
    /* stratum C's quota is 0.45 */
    long c_total = counts[17] + counts[18] + counts[19];
    assert_true(fabs(c_total - DRAWS * 0.45) < 4.5 * sqrt(DRAWS * 0.45 * 0.55));
}

static void unstratified_draw_is_uniform(void **state)
{
    struct fixture fx;
    make_frame(&fx);
    long counts[NSITES], unused;
    run(&fx, 0, NULL, 0, counts, &unused);
    double x = chi2_equal(counts, 0, NSITES);
    print_message("chi-square unstratified %.2f (df 19)\n", x);
    assert_true(x < chi2_critical(19));
}

/* In a later round, the sites not drawn earlier are equally likely among themselves, and the
 * earlier ones are skipped (the limit is 0 for a sample of 3). */
static void later_round_is_uniform_over_fresh_sites(void **state)
{
    struct fixture fx;
    make_frame(&fx);
    const char *earlier[] = {fx.codes[0], fx.codes[1], fx.codes[2]};
    long counts[NSITES], unused;
    run(&fx, 1, earlier, 3, counts, &unused);
    assert_int_equal(counts[0] + counts[1] + counts[2], 0);
    double x = chi2_equal(counts, 3, 10);
    print_message("chi-square A's fresh sites %.2f (df 6)\n", x);
    assert_true(x < chi2_critical(6));
}

/* The test must be able to fail: a biased count table is rejected. */
static void the_threshold_rejects_bias(void **state)
{
    long counts[10];
    for (int i = 0; i < 10; i++)
        counts[i] = 3000;
    counts[0] = 3300; /* one site drawn 10% more often */
    counts[9] = 2700;
    assert_true(chi2_equal(counts, 0, 10) > chi2_critical(9));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_site_in_a_stratum_is_equally_likely),
        cmocka_unit_test(unstratified_draw_is_uniform),
        cmocka_unit_test(later_round_is_uniform_over_fresh_sites),
        cmocka_unit_test(the_threshold_rejects_bias),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
