/* sitereport_csvcell: CSV cells for the reports (sitereport_csvcell.h). */
#include "reports/sitereport_csvcell.h"

#include <string.h>

static void end_cell(struct strbuf *out, int last)
{
    strbuf_adds(out, last ? "\r\n" : ",");
}

void csvcell_text(struct strbuf *out, const char *s, int last)
{
    if (!s || !*s) {
        end_cell(out, last);
        return;
    }
    size_t n = strlen(s);
    int formula = strchr("=+-@\t\r", s[0]) != NULL;
    int quote = strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ' || s[n - 1] == ' ';
    if (quote)
        strbuf_addch(out, '"');
    if (formula)
        strbuf_addch(out, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            strbuf_addch(out, '"');
        strbuf_addch(out, *p);
    }
    if (quote)
        strbuf_addch(out, '"');
    end_cell(out, last);
}

void csvcell_num(struct strbuf *out, double v, int last)
{
    strbuf_addf(out, "%.10g", v);
    end_cell(out, last);
}

void csvcell_int(struct strbuf *out, long v, int last)
{
    strbuf_addf(out, "%ld", v);
    end_cell(out, last);
}

void csvcell_header(struct strbuf *out, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        csvcell_text(out, names[i], names[i + 1] == NULL);
}
