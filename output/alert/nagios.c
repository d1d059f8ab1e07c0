/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The run tally and the Nagios status line. See output/alert/alert.h for the formats and their
 * rules.
 */
#include "output/alert/alert_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output/writers/writer.h"
#include "scanner/core/err.h"

/* --- tally ---------------------------------------------------------------- */

const char *const out_tally_kinds[TALLY_NKINDS] = {"", "ip4", "ip6", "domain"};

int out_tally_new(struct out_tally **out)
{
    if (!out)
        return -EINVAL;
    *out = calloc(1, sizeof(**out));
    return *out ? 0 : -ENOMEM;
}

void out_tally_free(struct out_tally *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].key);
        free(t->v[i].name);
    }
    for (size_t i = 0; i < t->nsubject; i++)
        free(t->subject[i]);
    free(t->expand_target);
    free(t->expand_reason);
    free(t->v);
    free(t);
}

static struct tally_list *tally_get(struct out_tally *t, const char *id, const char *zone)
{
    const char *key = id ? id : zone;
    struct tally_list *l;

    if (t->last < t->n && strcmp(t->v[t->last].key, key) == 0)
        return &t->v[t->last];
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->v[i].key, key) == 0) {
            t->last = i;
            return &t->v[i];
        }
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        struct tally_list *v = realloc(t->v, cap * sizeof(*v));
        if (!v)
            return NULL;
        t->v = v;
        t->cap = cap;
    }
    l = &t->v[t->n];
    memset(l, 0, sizeof(*l));
    l->key = strdup(key);
    l->name = strdup(zone ? zone : id);
    if (!l->key || !l->name) {
        free(l->key);
        free(l->name);
        return NULL;
    }
    t->last = t->n++;
    return l;
}

/* The out_tally_kinds[] index of a kind word; an unknown word counts as the whole list. */
static size_t kind_index(const char *kind)
{
    for (size_t i = 1; kind && i < TALLY_NKINDS; i++)
        if (strcmp(kind, out_tally_kinds[i]) == 0)
            return i;
    return 0;
}

int out_tally_health(struct out_tally *t, const struct scan_health *h)
{
    struct tally_list *l;
    size_t k;

    if (!t || !h || (!h->list && !h->list_id))
        return -EINVAL;
    l = tally_get(t, h->list_id, h->list);
    if (!l)
        return -ENOMEM;
    k = kind_index(h->kind);
    if (!h->healthy)
        l->health[k] = TH_UNHEALTHY;
    else if (l->health[k] == TH_NONE)
        l->health[k] = TH_HEALTHY;
    l->unhealthy |= !h->healthy;
    return 0;
}

/* The out_tally_kinds[] index of a target's kind, from its canonical text. */
static size_t target_kind(const char *target)
{
    unsigned char a[16];
    if (inet_pton(AF_INET, target, a) == 1)
        return 1;
    if (inet_pton(AF_INET6, target, a) == 1)
        return 2;
    return 3;
}

/* Remember a DNSBL target for the Nagios line: the first TALLY_SUBJECTS distinct ones. */
static int note_subject(struct out_tally *t, const char *target)
{
    for (size_t i = 0; i < t->nsubject; i++)
        if (strcmp(t->subject[i], target) == 0)
            return 0;
    if (t->nsubject == TALLY_SUBJECTS) {
        t->many = true;
        return 0;
    }
    if (!(t->subject[t->nsubject] = strdup(target)))
        return -ENOMEM;
    t->nsubject++;
    return 0;
}

/* An expand line (check_rbl's -H NAME): a name without an address, or a failed lookup. */
static int note_expand(struct out_tally *t, const struct scan_result *r)
{
    if (r->outcome == SCAN_OUT_OK || t->expand_target)
        return 0;
    t->expand_error = r->outcome == SCAN_OUT_ERROR;
    t->expand_target = strdup(r->target ? r->target : "?");
    t->expand_reason = strdup(r->reason ? r->reason : r->status ? r->status : "?");
    return t->expand_target && t->expand_reason ? 0 : -ENOMEM;
}

int out_tally_result(struct out_tally *t, const struct scan_result *r)
{
    struct tally_list *l;

    if (!t || !r)
        return -EINVAL;
    if (r->kind == SCAN_CHECK_EXPAND)
        return note_expand(t, r);
    if (r->kind != SCAN_CHECK_DNSBL)
        return 0;
    if (!r->list && !r->list_id)
        return -EINVAL;
    l = tally_get(t, r->list_id, r->list);
    if (!l)
        return -ENOMEM;
    l->results++;
    if (r->target) {
        l->applies[target_kind(r->target)] = true;
        if (note_subject(t, r->target) != 0)
            return -ENOMEM;
    }
    if (r->outcome == SCAN_OUT_ERROR) {
        l->errors++;
        l->failed += r->why != SCAN_R_UNHEALTHY && r->why != SCAN_R_BLOCKED;
        return 0;
    }
    t->answered++;
    if (r->outcome == SCAN_OUT_LISTED) {
        l->listed++;
        t->listed++;
    }
    return 0;
}

uint64_t out_tally_listed(const struct out_tally *t)
{
    return t ? t->listed : 0;
}

static int cmp_by_name(const void *a, const void *b)
{
    const struct tally_list *x = *(const struct tally_list *const *)a;
    const struct tally_list *y = *(const struct tally_list *const *)b;
    return strcmp(x->name, y->name);
}

const struct tally_list **out_sorted_lists(const struct out_tally *t)
{
    const struct tally_list **v = malloc((t->n ? t->n : 1) * sizeof(*v));

    if (!v)
        return NULL;
    for (size_t i = 0; i < t->n; i++)
        v[i] = &t->v[i];
    qsort(v, t->n, sizeof(*v), cmp_by_name);
    return v;
}

/* --- Nagios ------------------------------------------------------------------ */

static const char *const nagios_words[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

int out_nagios_check_opts(const struct out_nagios_opts *o)
{
    long w = o && o->warning >= 0 ? o->warning : 1;
    long c = o && o->critical >= 0 ? o->critical : 1;

    return c < w ? SCAN_ECONFIG : 0;
}

/* A name in the status text (zone, target, host, reason): the one Nagios name
 * filter of output/writers/sanitize.c. */
static int put_zone(FILE *f, const char *s)
{
    return out_nagios_name(f, s, strlen(s));
}

/* A list that applies to some target of the run (it gave a result) and is
 * unhealthy or blocked for a kind of target it was asked about. */
static bool unhealthy_applying(const struct tally_list *l)
{
    for (size_t k = 1; k < TALLY_NKINDS; k++)
        if (l->health[k] == TH_UNHEALTHY && l->applies[k])
            return true;
    return l->results > 0 && l->health[0] == TH_UNHEALTHY;
}

/* "/ip4+ip6" for the kinds of target a list is unhealthy for and was asked about;
 * nothing when only the whole list was reported on. */
static int put_unhealthy_kinds(FILE *f, const struct tally_list *l)
{
    bool first = true;

    for (size_t k = 1; k < TALLY_NKINDS; k++) {
        if (l->health[k] != TH_UNHEALTHY || !l->applies[k])
            continue;
        if (fprintf(f, "%s%s", first ? "/" : "+", out_tally_kinds[k]) < 0)
            return -EIO;
        first = false;
    }
    return 0;
}

/* ", a.example, b.example" for lists matching @p pick, at most 5 then "+N more";
 * unhealthy lists name their kinds ("a.example/ip6"). */
static int put_names(FILE *f, const struct tally_list **v, size_t n,
                     bool (*pick)(const struct tally_list *), bool kinds)
{
    size_t shown = 0, more = 0;

    for (size_t i = 0; i < n; i++) {
        if (!pick(v[i]))
            continue;
        if (shown == 5) {
            more++;
            continue;
        }
        if (fputs(shown ? ", " : " (", f) < 0 || put_zone(f, v[i]->name) != 0)
            return -EIO;
        if (kinds && put_unhealthy_kinds(f, v[i]) != 0)
            return -EIO;
        shown++;
    }
    if (more && fprintf(f, ", +%zu more", more) < 0)
        return -EIO;
    if (shown && fputc(')', f) == EOF)
        return -EIO;
    return 0;
}

static bool pick_listed(const struct tally_list *l)
{
    return l->listed > 0;
}

/*
 * "alert at N or more" in the guidelines' range syntax: "N-1" (alert above it),
 * and "@0:" (alert on anything) for N = 0, as a threshold of 0 means always.
 */
static void threshold_range(long n, char *buf, size_t len)
{
    if (n <= 0)
        snprintf(buf, len, "@0:");
    else
        snprintf(buf, len, "%ld", n - 1);
}

/* What the line is about: "192.0.2.10, 2001:db8::10 (mail.example): " for the
 * few targets of the DNSBL results (the host name check_rbl's -H gave in
 * parentheses); nothing for more targets, which "N targets" counts. */
static int put_subject(FILE *f, const struct out_tally *t, const char *name)
{
    if (t->many || (t->nsubject == 0 && !name))
        return 0;
    for (size_t i = 0; i < t->nsubject; i++)
        if ((i && fputs(", ", f) < 0) || put_zone(f, t->subject[i]) != 0)
            return -EIO;
    if (name) {
        if (t->nsubject && fputc(' ', f) == EOF)
            return -EIO;
        if (fputs(t->nsubject ? "(" : "", f) < 0 || put_zone(f, name) != 0 ||
            fputs(t->nsubject ? ")" : "", f) < 0)
            return -EIO;
    }
    return fputs(": ", f) < 0 ? -EIO : 0;
}

/* What the run's DNSBL results add up to, over the lists that apply. */
struct nagios_counts {
    uint64_t errors, failed;
    size_t applying, listing, unhealthy;
};

static struct nagios_counts count_lists(const struct out_tally *t)
{
    struct nagios_counts n = {0};
    for (size_t i = 0; i < t->n; i++) {
        const struct tally_list *l = &t->v[i];
        n.errors += l->errors;
        n.failed += l->failed;
        n.applying += l->results > 0;
        n.listing += l->listed > 0;
        n.unhealthy += unhealthy_applying(l);
    }
    return n;
}

/*
 * The status: listings reach -c or -w first (an incomplete run's listings are
 * facts), except past the deadline (-t), which is UNKNOWN whatever was found;
 * then UNKNOWN when any verdict is open: the run is incomplete, no list applies
 * or answered, a list that applies is unhealthy or blocked, a DNSBL query
 * failed, or a host name's lookup failed. Else OK.
 */
static enum out_nagios_status nagios_status(const struct out_alert_run *run,
                                            const struct nagios_counts *n, long w, long c)
{
    const struct out_tally *t = run->tally;
    if (run->timed_out)
        return OUT_NAGIOS_UNKNOWN;
    if (t->listed >= (uint64_t)c)
        return OUT_NAGIOS_CRITICAL;
    if (t->listed >= (uint64_t)w)
        return OUT_NAGIOS_WARNING;
    if (!run->complete || t->answered == 0 || n->errors > 0 || n->unhealthy > 0 || t->expand_error)
        return OUT_NAGIOS_UNKNOWN;
    return OUT_NAGIOS_OK;
}

/* Why an UNKNOWN or an odd run: the first words after the subject. */
static int put_why(FILE *f, const struct out_alert_run *run, const struct nagios_counts *n,
                   const char *name)
{
    const struct out_tally *t = run->tally;
    if (run->timed_out && fputs("timed out (-t), results so far: ", f) < 0)
        return -EIO;
    if (!run->timed_out && !run->complete && fputs("run incomplete, ", f) < 0)
        return -EIO;
    if (t->expand_target) {
        /* the subject already names the host when it is all there is */
        bool named = name && t->nsubject == 0 && strcmp(name, t->expand_target) == 0;
        if ((!named && (put_zone(f, t->expand_target) != 0 || fputc(' ', f) == EOF)) ||
            fprintf(f, "%s (", t->expand_error ? "could not be resolved" : "has no address") < 0 ||
            put_zone(f, t->expand_reason) != 0 || fputs("), ", f) < 0)
            return -EIO;
    }
    if (run->complete && !run->timed_out && n->applying == 0 && !t->expand_target &&
        fputs(t->n == 0 ? "no DNSBL lists checked, " : "no list applies to the target, ", f) < 0)
        return -EIO;
    if (run->complete && !run->timed_out && n->applying > 0 && t->answered == 0 &&
        fputs("no list answered, ", f) < 0)
        return -EIO;
    return 0;
}

int out_nagios_write(FILE *f, const struct out_alert_run *run, const struct out_nagios_opts *o,
                     enum out_nagios_status *status)
{
    const struct out_tally *t;
    const struct tally_list **v = NULL;
    char wr[24], cr[24];
    long w, c;
    enum out_nagios_status st;
    int ret = -EIO;

    if (status)
        *status = OUT_NAGIOS_UNKNOWN;
    if (!f || !run || !run->tally || !status)
        return -EINVAL;
    if (out_nagios_check_opts(o) != 0)
        return SCAN_ECONFIG;
    w = o && o->warning >= 0 ? o->warning : 1;
    c = o && o->critical >= 0 ? o->critical : 1;
    threshold_range(w, wr, sizeof(wr));
    threshold_range(c, cr, sizeof(cr));
    t = run->tally;
    v = out_sorted_lists(t);
    if (!v)
        return -ENOMEM;
    struct nagios_counts n = count_lists(t);
    st = nagios_status(run, &n, w, c);

    if (fprintf(f, "DNSBL %s - ", nagios_words[st]) < 0 ||
        put_subject(f, t, o ? o->name : NULL) != 0 || put_why(f, run, &n, o ? o->name : NULL) != 0)
        goto out;
    if (fprintf(f, "%" PRIu64 " listing%s on %zu of %zu list%s", t->listed,
                t->listed == 1 ? "" : "s", n.listing, n.applying, n.applying == 1 ? "" : "s") < 0)
        goto out;
    if (put_names(f, v, t->n, pick_listed, false) != 0)
        goto out;
    if (n.unhealthy) {
        if (fprintf(f, ", %zu list%s unhealthy or blocked", n.unhealthy,
                    n.unhealthy == 1 ? "" : "s") < 0 ||
            put_names(f, v, t->n, unhealthy_applying, true) != 0)
            goto out;
    }
    if (n.failed &&
        fprintf(f, ", %" PRIu64 " quer%s failed", n.failed, n.failed == 1 ? "y" : "ies") < 0)
        goto out;
    if (fprintf(f, ", %" PRIu64 " target%s", run->targets, run->targets == 1 ? "" : "s") < 0)
        goto out;
    if (run->delta &&
        fprintf(f, ", %" PRIu64 " new event%s since the last run", out_delta_total(run->delta),
                out_delta_total(run->delta) == 1 ? "" : "s") < 0)
        goto out;
    if (o && o->append &&
        (fputc(' ', f) == EOF || out_nagios_text(f, o->append, strlen(o->append)) != 0))
        goto out;
    /* Perfdata: 'label'=value[UOM];[warn];[crit];[min];[max]. Thresholds in range form;
     * check_rbl's servers=N;w;c first, so its graphs go on. */
    if (fprintf(f,
                " | servers=%" PRIu64 ";%s;%s listed=%" PRIu64 ";%s;%s;0 errors=%" PRIu64
                ";;;0 unhealthy_lists=%zu;;;0;%zu targets=%" PRIu64 ";;;0 time=%.3fs;;;0",
                t->listed, wr, cr, t->listed, wr, cr, n.errors, n.unhealthy, n.applying,
                run->targets, run->seconds > 0 ? run->seconds : 0.0) < 0)
        goto out;
    if (run->delta && fprintf(f, " events=%" PRIu64 ";;;0", out_delta_total(run->delta)) < 0)
        goto out;
    if (fputc('\n', f) == EOF || fflush(f) == EOF || ferror(f))
        goto out;
    *status = st;
    ret = 0;
out:
    free(v);
    return ret;
}

int out_nagios_unknown(FILE *f, const char *why)
{
    if (!f || !why)
        return -EINVAL;
    if (fprintf(f, "DNSBL %s - ", nagios_words[OUT_NAGIOS_UNKNOWN]) < 0 ||
        out_nagios_text(f, why, strlen(why)) != 0 || fputc('\n', f) == EOF)
        return -EIO;
    return 0;
}
