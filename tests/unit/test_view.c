/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of the replay driver (scanner/dns/view.h): scan_view_run() holds a
 * check to the replay contract, scan_view_drive() plays the engine's part
 * synchronously. The checks here are scripted stand-ins: each asks its list of
 * questions, one round at a time, and misbehaves on request.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "scanner/core/err.h"
#include "scanner/dns/view.h"

/* What a scripted check does once its questions are all answered, or instead. */
enum script_end {
    END_RESULT,          /* 0 with a result */
    END_ERROR,           /* its own error, no result */
    END_EAGAIN_NO_QUEST, /* -EAGAIN without recording a question */
    END_EAGAIN_RESULT,   /* -EAGAIN with a result, each run */
};

/* A check asking rounds[0] (all of them at once), then rounds[1], ...: a round's
 * questions are asked only when the earlier rounds' are answered. */
struct script {
    const char *rounds[4][3]; /* NULL-terminated per round; unused rounds empty */
    enum script_end end;
    int error;       /* for END_ERROR */
    bool endless;    /* ask a new question every run, never finish */
    unsigned runs;   /* how often the check ran */
    int result;      /* its result: the address handed back */
    uint16_t status; /* the status of the last answer it read, for the result */
};

static int run_script(struct scan_view *v, void *arg, void **out)
{
    struct script *s = arg;
    char name[64];
    s->runs++;
    if (s->endless) {
        const struct scan_answer *a;
        snprintf(name, sizeof(name), "q%u.test", s->runs);
        return scan_view_get(v, name, SCAN_TYPE_A, &a);
    }
    for (size_t r = 0; r < 4 && s->rounds[r][0]; r++) {
        bool missing = false;
        for (size_t i = 0; i < 3 && s->rounds[r][i]; i++) {
            const struct scan_answer *a;
            int ret = scan_view_get(v, s->rounds[r][i], SCAN_TYPE_A, &a);
            if (ret == -EAGAIN)
                missing = true;
            else if (ret != 0)
                return ret;
            else
                s->status = a->status;
        }
        if (missing) {
            if (s->end == END_EAGAIN_RESULT)
                *out = &s->result; /* with a question missing: only the result is wrong */
            return -EAGAIN;
        }
    }
    switch (s->end) {
    case END_RESULT:
        *out = &s->result;
        return 0;
    case END_ERROR:
        return s->error;
    case END_EAGAIN_NO_QUEST:
        return -EAGAIN;
    case END_EAGAIN_RESULT:
        *out = &s->result;
        return -EAGAIN;
    }
    return -EINVAL;
}

/* Answers: NXDOMAIN for every question, counted; NULL (out of memory) when told. */
struct answers {
    unsigned asked;
    bool fail;
};

static struct scan_answer *answer(void *arg, const char *name, uint16_t type, unsigned flags)
{
    struct answers *an = arg;
    (void)name, (void)flags;
    an->asked++;
    return an->fail ? NULL : scan_answer_new_status(SCAN_DNS_NXDOMAIN, type);
}

static int drive(struct script *s, struct answers *an, unsigned max_rounds, void **out)
{
    struct scan_view *v = scan_view_new();
    cr_assert_not_null(v);
    struct scan_view_driver d = {run_script, s, answer, an, max_rounds};
    int ret = scan_view_drive(v, &d, out);
    scan_view_free(v);
    return ret;
}

Test(view_drive, finishes_after_answering_each_round)
{
    struct script s = {.rounds = {{"a.test", "b.test"}, {"c.test"}}, .end = END_RESULT};
    struct answers an = {0};
    void *out = NULL;
    cr_assert_eq(drive(&s, &an, 3, &out), 0);
    cr_assert_eq(out, &s.result);
    cr_assert_eq(s.runs, 3, "two rounds of questions, then the finishing run");
    cr_assert_eq(an.asked, 3, "each question answered once");
    cr_assert_eq(s.status, SCAN_DNS_NXDOMAIN, "the check read the driver's answers");
}

Test(view_drive, a_check_without_questions_runs_once)
{
    struct script s = {.end = END_RESULT};
    struct answers an = {0};
    void *out = NULL;
    cr_assert_eq(drive(&s, &an, 1, &out), 0);
    cr_assert_eq(out, &s.result);
    cr_assert_eq(s.runs, 1);
    cr_assert_eq(an.asked, 0);
}

Test(view_drive, the_checks_own_error_is_returned_as_is)
{
    const int errors[] = {-EINVAL, -ENOMEM, SCAN_EPARSE};
    for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
        struct script s = {.rounds = {{"a.test"}}, .end = END_ERROR, .error = errors[i]};
        struct answers an = {0};
        void *out = &s;
        cr_assert_eq(drive(&s, &an, 5, &out), errors[i]);
        cr_assert_null(out);
        cr_assert_eq(s.runs, 2);
    }
}

Test(view_drive, eagain_with_nothing_missing_is_a_breach)
{
    struct script s = {.rounds = {{"a.test"}}, .end = END_EAGAIN_NO_QUEST};
    struct answers an = {0};
    void *out = NULL;
    cr_assert_eq(drive(&s, &an, 50, &out), -EPROTO);
    cr_assert_null(out);
    cr_assert_eq(s.runs, 2, "detected on the first run that broke it, not after 50");
}

Test(view_drive, eagain_with_a_result_is_a_breach)
{
    struct script s = {.rounds = {{"a.test"}}, .end = END_EAGAIN_RESULT};
    struct answers an = {0};
    void *out = NULL;
    cr_assert_eq(drive(&s, &an, 50, &out), -EPROTO);
    cr_assert_eq(out, &s.result, "the result is handed back for the caller to release");
    cr_assert_eq(s.runs, 1);
}

Test(view_drive, more_rounds_than_allowed)
{
    struct script s = {.endless = true};
    struct answers an = {0};
    void *out = NULL;
    cr_assert_eq(drive(&s, &an, 7, &out), -ELOOP);
    cr_assert_null(out);
    cr_assert_eq(s.runs, 7);
    cr_assert_eq(an.asked, 7);
}

Test(view_drive, exactly_enough_rounds)
{
    struct script s = {.rounds = {{"a.test"}, {"b.test"}}, .end = END_RESULT};
    struct answers an = {0};
    void *out = NULL;
    cr_assert_eq(drive(&s, &an, 2, &out), -ELOOP, "three runs needed, two allowed");
    s.runs = 0;
    cr_assert_eq(drive(&s, &an, 3, &out), 0);
    cr_assert_eq(s.runs, 3);
}

Test(view_drive, zero_rounds_is_invalid)
{
    struct script s = {.end = END_RESULT};
    struct answers an = {0};
    void *out = &s;
    cr_assert_eq(drive(&s, &an, 0, &out), -EINVAL);
    cr_assert_null(out);
    cr_assert_eq(s.runs, 0);
}

Test(view_drive, an_answer_out_of_memory_stops_the_drive)
{
    struct script s = {.rounds = {{"a.test", "b.test"}}, .end = END_RESULT};
    struct answers an = {.fail = true};
    void *out = NULL;
    cr_assert_eq(drive(&s, &an, 5, &out), -ENOMEM);
    cr_assert_null(out);
    cr_assert_eq(s.runs, 1);
    cr_assert_eq(an.asked, 2, "the rest of the round is still answered");
}

/* A question left missing before the run does not hide a run that asked nothing. */
Test(view_run, stale_missing_questions_are_forgotten)
{
    struct scan_view *v = scan_view_new();
    const struct scan_answer *a;
    void *out = NULL;
    cr_assert_eq(scan_view_get(v, "old.test", SCAN_TYPE_TXT, &a), -EAGAIN);
    struct script s = {.end = END_EAGAIN_NO_QUEST};
    cr_assert_eq(scan_view_run(v, run_script, &s, &out), -EPROTO);
    cr_assert_eq(scan_view_missing_count(v), 0);

    cr_assert_eq(scan_view_get(v, "old.test", SCAN_TYPE_TXT, &a), -EAGAIN);
    struct script t = {.rounds = {{"new.test"}}, .end = END_RESULT};
    cr_assert_eq(scan_view_run(v, run_script, &t, &out), -EAGAIN);
    cr_assert_null(out);
    cr_assert_eq(scan_view_missing_count(v), 1, "this run's question only");
    const char *name;
    uint16_t type;
    scan_view_missing_get(v, 0, &name, &type);
    cr_assert_str_eq(name, "new.test");
    cr_assert_eq(type, SCAN_TYPE_A);
    scan_view_free(v);
}

Test(view_run, a_finished_run_passes_through)
{
    struct scan_view *v = scan_view_new();
    cr_assert_eq(scan_view_put(v, "a.test", SCAN_TYPE_A,
                               scan_answer_new_status(SCAN_DNS_SERVFAIL, SCAN_TYPE_A)),
                 0);
    struct script s = {.rounds = {{"a.test"}}, .end = END_RESULT};
    void *out = NULL;
    cr_assert_eq(scan_view_run(v, run_script, &s, &out), 0);
    cr_assert_eq(out, &s.result);
    cr_assert_eq(s.status, SCAN_DNS_SERVFAIL);
    cr_assert_eq(scan_view_missing_count(v), 0);
    scan_view_free(v);
}
