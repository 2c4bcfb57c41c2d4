/* verdict_final: the crawl's findings judged again, plus the availability veto (see
 * verdict_final.h). */
#include "probes/verdict/verdict_final.h"
#include "common/strbuf.h"

#include <stdlib.h>
#include <string.h>

static void defects_clear(struct site_report *rep)
{
    for (size_t i = 0; i < rep->ndefects; i++) {
        free(rep->defects[i].kind);
        free(rep->defects[i].url);
        free(rep->defects[i].detail);
    }
    rep->ndefects = 0;
    rep->judged = 0;
    rep->score = 0;
    rep->verdict_pass = 0;
}

int verdict_final(const struct rules *rules, struct site_report *rep,
                  const struct availability_finding *av)
{
    defects_clear(rep);
    int rc = rules_judge(rules, rep);
    if (rc < 0 || !av || !av->monitored ||
        !rules_availability_veto(rules, (int)av->conclusive, (int)av->failures))
        return rc;
    rep->verdict_pass = 0;
    for (size_t i = 0; i < rep->ndefects; i++)
        if (strcmp(rep->defects[i].kind, "unreachable") == 0 &&
            rep->defects[i].severity == SEVERITY_VETO)
            return 0; /* the crawl found it down too: one veto, the probes are in the report */
    struct strbuf detail = STRBUF_INIT;
    strbuf_addf(&detail,
                "%ld of %ld conclusive homepage probes failed (%.1f%%) over %d days of monitoring"
                " (at least %ld a day)",
                av->failures, av->conclusive,
                av->conclusive ? 100.0 * (double)av->failures / (double)av->conclusive : 0.0,
                av->days, av->min_per_day);
    struct defect_record *d = detail.failed ? NULL : site_report_add_defect(rep);
    if (d) {
        d->kind = strdup("unreachable");
        d->severity = SEVERITY_VETO;
        d->url = rep->url ? strdup(rep->url) : NULL;
        d->detail = strbuf_detach(&detail);
    }
    strbuf_release(&detail);
    if (!d || !d->kind || !d->detail || (rep->url && !d->url))
        return SC_ENOMEM;
    rep->verdict_pass = 0;
    return 0;
}
