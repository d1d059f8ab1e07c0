/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * SPF (RFC 7208) internals shared by the record lint (scan_spf_check), the
 * authorization check (scan_spf_auth_check), the unit tests and the
 * conformance driver.
 *
 * Three layers, each in its own file:
 * - spf_parse.c: a record's text to terms, with every syntax error found
 *   (not only the first), so the lint can list them all;
 * - spf_macro.c: macro syntax (section 7) and expansion;
 * - spf_eval.c: check_host() (section 4), a pure function over a DNS view in
 *   the replay style of scanner/dns/view.h.
 *
 * Usage (one evaluation, driven synchronously as in the conformance driver):
 * @code
 *   struct spf_query q = { .domain = "example.test", .sender = "a@example.test" };
 *   spf_ip_parse("192.0.2.1", &q.ip);
 *   struct spf_outcome o;
 *   struct spf_host_call call = {&q, &o};
 *   struct scan_view_driver d = {spf_check_host_run, &call, answer_fn, zone, 100};
 *   void *done;
 *   if (scan_view_drive(view, &d, &done) == 0) { use(o.result, o.explanation);
 * spf_outcome_deinit(&o); }
 * @endcode
 */
#ifndef SCANNER_SPF_H
#define SCANNER_SPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/dns/view.h"

/** RFC 7208 section 2.6 results. */
enum spf_result {
    SPF_NONE = 0,
    SPF_NEUTRAL,
    SPF_PASS,
    SPF_FAIL,
    SPF_SOFTFAIL,
    SPF_TEMPERROR,
    SPF_PERMERROR,
};

/** @return "none", "neutral", "pass", "fail", "softfail", "temperror" or "permerror". */
const char *spf_result_word(enum spf_result r);

/** The connecting client. An IPv4-mapped IPv6 address is IPv4 (section 5). */
struct spf_ip {
    bool v6;          /**< false: addr[0..3] is IPv4 */
    uint8_t addr[16]; /**< network order */
};

/**
 * Parse an IPv4 or IPv6 address; "::ffff:a.b.c.d" becomes IPv4.
 * @return 0, or SCAN_EPARSE.
 */
int spf_ip_parse(const char *text, struct spf_ip *out);

/* ------------------------------------------------------------------ */
/* Records                                                             */

/** Mechanisms (section 5). */
enum spf_mech {
    SPF_MECH_ALL,
    SPF_MECH_INCLUDE,
    SPF_MECH_A,
    SPF_MECH_MX,
    SPF_MECH_PTR,
    SPF_MECH_IP4,
    SPF_MECH_IP6,
    SPF_MECH_EXISTS,
};

enum spf_term_kind {
    SPF_TERM_MECH,     /**< a mechanism */
    SPF_TERM_REDIRECT, /**< redirect= */
    SPF_TERM_EXP,      /**< exp= */
    SPF_TERM_UNKNOWN,  /**< an unknown modifier (ignored, section 6) */
    SPF_TERM_BAD,      /**< a term with a syntax error (see the record's problems) */
};

/** One term of a record. Strings are owned by the record. */
struct spf_term {
    enum spf_term_kind kind;
    enum spf_mech mech; /**< SPF_TERM_MECH only */
    char qual;          /**< '+', '-', '~' or '?' (mechanisms; '+' when not written) */
    char *text;         /**< the term as written */
    char *arg;          /**< domain-spec of a mechanism or the value of a modifier; NULL
                             when absent (the mechanism then uses the current domain) */
    int cidr4;          /**< a, mx, ip4: prefix length, -1 when not written */
    int cidr6;          /**< a, mx, ip6: prefix length, -1 when not written */
    uint8_t addr[16];   /**< ip4 (first 4 bytes) or ip6 network */
    bool dns;           /**< the term queries DNS and counts toward the limit of 10 */
};

/** A problem found in a record. */
struct spf_problem {
    int term;       /**< index of the term in spf_record.terms, -1 for the whole record */
    bool error;     /**< true: makes check_host() give permerror; false: a warning */
    const char *kw; /**< static keyword, e.g. "syntax" */
    char *msg;      /**< a sentence a person can act on (owned by the record) */
};

/** A parsed record. Free with spf_record_free(). */
struct spf_record {
    size_t nterms;
    struct spf_term *terms;
    int redirect; /**< index of the redirect= term, -1 when none */
    int exp;      /**< index of the exp= term, -1 when none */
    int all;      /**< index of the first "all" mechanism, -1 when none */
    size_t nerrors;
    size_t nproblems;
    struct spf_problem *problems;
};

/**
 * @return true when @p txt is an SPF version 1 record: "v=spf1" in any case,
 *         followed by a space or the end (section 4.5).
 */
bool spf_is_record(const uint8_t *txt, size_t len);

/**
 * The SPF record among the TXT records of an answer (section 4.5).
 * @param[out] count  how many TXT records are SPF records (more than one is an error)
 * @return the first one (borrowed from @p a), or NULL when there is none.
 */
const struct scan_rr *spf_select_record(const struct scan_answer *a, size_t *count);

/**
 * Parse a record, noting every syntax error (section 4.6, 5, 6, 7).
 * @param[in] txt  the record (borrowed during the call); must pass spf_is_record()
 * @param[out] out the record (caller frees with spf_record_free()), also when it has
 *                 errors (check nerrors); NULL on failure
 * @return 0 or -ENOMEM.
 */
int spf_record_parse(const uint8_t *txt, size_t len, struct spf_record **out);

/** Free; NULL is a no-op. */
void spf_record_free(struct spf_record *r);

/**
 * Check a domain-spec (section 7.1: macro-string domain-end).
 * @param[out] why  on error: a static phrase, e.g. "the top label is all digits"
 * @return 0 or SCAN_EPARSE.
 */
int spf_domain_spec_check(const char *s, size_t len, const char **why);

/* ------------------------------------------------------------------ */
/* Macros                                                              */

/** Bit for macro letter @p c ('a'..'z', any case) in the masks below. */
#define SPF_MACRO_BIT(c) (1u << (((c) | 0x20) - 'a'))

/**
 * Check macro-string syntax.
 * @param[in] exp_text  true for explanation text (letters c, r, t allowed)
 * @param[out] letters  optional: the macro letters used (SPF_MACRO_BIT)
 * @param[out] why      on error: a static phrase
 * @return 0 or SCAN_EPARSE.
 */
int spf_macro_check(const char *s, size_t len, bool exp_text, unsigned *letters, const char **why);

/** The values macros expand to (section 7.2). All borrowed. */
struct spf_macro_env {
    const char *s; /**< sender */
    const char *l; /**< local-part of the sender */
    const char *o; /**< domain of the sender */
    const char *d; /**< current domain */
    const char *i; /**< "192.0.2.1" or 32 dot-separated nibbles */
    const char *c; /**< "192.0.2.1" or "2001:db8::1" */
    const char *v; /**< "in-addr" or "ip6" */
    const char *h; /**< HELO name */
    const char *r; /**< receiving host */
    const char *t; /**< seconds since the epoch, as text */
    /** %{p}: called on first use; sets *p (borrowed) or returns -EAGAIN / -ENOMEM.
     *  NULL: %{p} expands to "unknown". */
    int (*get_p)(void *arg, const char **p);
    void *get_p_arg;
};

/**
 * Expand a macro-string that passed spf_macro_check().
 * @param[in] as_domain true: the result is a domain name (trailing dot removed, left
 *                      labels dropped until it fits 253 characters, section 7.3)
 * @param[out] out      the expansion (caller frees with free()); NULL on error
 * @return 0; -EAGAIN (from get_p); SCAN_EPARSE (bad syntax); -ENOMEM.
 */
int spf_macro_expand(const struct spf_macro_env *env, const char *s, size_t len, bool exp_text,
                     bool as_domain, char **out);

/* ------------------------------------------------------------------ */
/* Names                                                               */

/**
 * @return true when @p name can be asked in DNS: labels 1..63 bytes, at most 253
 *         characters (a trailing dot is allowed).
 */
bool spf_name_askable(const char *name);

/** @return true when s[0..n) is an RFC 7208 toplabel (letters, digits and inner '-',
 *  not all digits). */
bool spf_toplabel_ok(const char *s, size_t n);

/**
 * @return true when @p name is a usable <domain> for check_host() (section 4.3):
 *         askable, at least two labels, and a top label that is a valid toplabel.
 */
bool spf_domain_valid(const char *name);

/* ------------------------------------------------------------------ */
/* Evaluation                                                          */

/** Inputs of check_host(). More than five, so an options struct (STYLE rule 4). */
struct spf_query {
    struct spf_ip ip;        /**< <ip> */
    const char *domain;      /**< <domain>; NULL: the sender's domain */
    const char *sender;      /**< <sender>; NULL: postmaster@domain */
    const char *helo;        /**< %{h}; NULL: the domain */
    const char *receiver;    /**< %{r}; NULL: "unknown" */
    const char *default_exp; /**< explanation (macro-string) for fail without a usable
                                  exp=; NULL: a built-in text */
    int64_t now;             /**< %{t}; 0: time(NULL) */
};

/** What check_host() concluded. Release with spf_outcome_deinit(). */
struct spf_outcome {
    enum spf_result result;
    char *mechanism;         /**< the term that matched at the top level (or inside a redirect
                                  target), NULL when none did */
    char *explanation;       /**< fail only: the expanded explanation; else NULL */
    char *problem;           /**< permerror/temperror: a sentence saying why; else NULL */
    enum scan_reason reason; /**< permerror: SCAN_R_SYNTAX, SCAN_R_TOO_MANY_LOOKUPS...;
                                  temperror: scan_reason_of_dns() of the failed lookup;
                                  else SCAN_R_NONE */
    unsigned lookups;        /**< DNS-querying terms evaluated (section 4.6.4) */
    unsigned voids;          /**< void lookups seen */
};

/**
 * RFC 7208 check_host(). Reads DNS only through @p v.
 * @param[in,out] v  the job's view (borrowed)
 * @param[out] out   on 0: the outcome (release with spf_outcome_deinit()); else zeroed
 * @return 0; -EAGAIN (questions recorded in @p v: answer them and call again);
 *         -EINVAL (no domain and no sender); -ENOMEM.
 */
int spf_check_host(struct scan_view *v, const struct spf_query *q, struct spf_outcome *out);

/** Free what @p o holds; zeroes it. */
void spf_outcome_deinit(struct spf_outcome *o);

/** A check_host() call, for spf_check_host_run(). */
struct spf_host_call {
    const struct spf_query *q; /**< borrowed */
    struct spf_outcome *out;   /**< filled as spf_check_host() fills it */
};

/**
 * spf_check_host() as a scan_view_run_fn (scanner/dns/view.h), for the
 * synchronous drivers (unit tests, the conformance suite) to run it with
 * scan_view_drive() and have the replay contract checked.
 * @param[in] call  a struct spf_host_call (borrowed)
 * @param[out] out  call->out when the run finished, or when it holds memory
 *                  after -EAGAIN (a contract breach); else NULL
 * @return as spf_check_host().
 */
int spf_check_host_run(struct scan_view *v, void *call, void **out);

/* ------------------------------------------------------------------ */
/* The record lint                                                     */

/** One finding of the lint. */
struct spf_lint_problem {
    bool error; /**< true: "error" (the record is broken or unverifiable); false: "warning" */
    bool dns;   /**< a DNS failure: makes the status "error", not "invalid" */
    enum scan_reason why; /**< errors: the reason they give the status; warnings: SCAN_R_NONE */
    const char *kw;       /**< static keyword: the reason word of an error, else e.g. "ptr" */
    char *term;           /**< the term of the checked record it concerns, NULL for the record */
    char *msg;            /**< a sentence a person can act on */
};

/** What the lint concluded. Release with spf_lint_deinit(). */
struct spf_lint {
    enum scan_status status; /**< SCAN_ST_VALID, _INVALID, _NONE or _ERROR */
    enum scan_reason reason; /**< the first error's reason (a DNS failure's for error),
                                  SCAN_R_NXDOMAIN for a missing domain, else SCAN_R_NONE */
    char *record;     /**< the record, \xNN-escaped (scan_text_escape_dup()); NULL when none */
    unsigned lookups; /**< DNS-querying terms, counted through include and redirect */
    unsigned voids;   /**< void lookups (names with no records) */
    size_t nproblems;
    struct spf_lint_problem *problems;
};

/**
 * Lint the SPF record of @p domain without an IP: syntax, the limits of section
 * 4.6.4 counted statically through include and redirect, loops, includes of
 * domains without SPF, and warnings on risky but legal terms.
 * @param[in,out] v  the job's view (borrowed)
 * @param[out] out   on 0: the findings (release with spf_lint_deinit()); else zeroed
 * @return 0; -EAGAIN (questions recorded in @p v); -EINVAL (not a domain name); -ENOMEM.
 */
int spf_lint(struct scan_view *v, const char *domain, struct spf_lint *out);

/** Free what @p l holds; zeroes it. */
void spf_lint_deinit(struct spf_lint *l);

/* ------------------------------------------------------------------ */
/* Small helpers shared by the SPF files                               */

/** printf into a new string. @return it (caller frees with free()), NULL on ENOMEM. */
char *spf_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
