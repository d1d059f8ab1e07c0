/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * DNSSEC of a domain, validated by the program itself with ldns, so the verdict
 * does not depend on whether the resolver validates. The check is a replay
 * function (scanner/dns/view.h): every question is asked with SCAN_Q_DNSSEC (EDNS0
 * DO and CD), and the replies' bytes are decoded with ldns_wire2pkt() here and
 * nowhere else (the DNSBL path never sees ldns).
 *
 * What is asked and judged:
 * 1. SOA of the domain and of each of its ancestors: a name whose SOA is in the
 *    answer under its own name is a zone apex. The zone cuts from the root down
 *    to the domain's zone (the deepest apex) are the chain.
 * 2. The chain, top-down, from the deepest zone that has a trust anchor: its
 *    DNSKEY set must hold a key matching the anchor (a DS digest or the same
 *    DNSKEY) and be signed by it. Then per cut: a DS set at the parent, signed
 *    by the parent's keys, must match a DNSKEY of the child that signs the
 *    child's DNSKEY set; or the parent proves there is no DS (an NSEC or NSEC3
 *    record at the cut, signed by the parent, whose type bitmap has NS but not
 *    DS or SOA; or an opt-out NSEC3 covering the cut's hash): the chain ends
 *    there, insecure. DS or DNSKEY sets with only algorithms or digests the
 *    program cannot check are insecure too (RFC 4035 section 5.2).
 * 3. In a secure zone, the zone's SOA set and the domain's MX answer (its MX set,
 *    or the NSEC/NSEC3 and SOA records of a NODATA or NXDOMAIN) must verify
 *    with the zone's keys. Records signed by another zone (a CNAME's target)
 *    are left to that zone.
 *
 * Verdicts: secure; insecure (reason no-ds, no-anchor or unsupported-algorithm);
 * bogus (reason anchor-mismatch, bad-signature, expired-signature, no-signature,
 * ds-mismatch, no-dnskey, bad-denial) with the failing record; error (a DNS
 * failure: the same reason words as every check; invalid-answer when the
 * anchor zone's keys come without any RRSIG: the resolver drops DNSSEC records,
 * and every zone would otherwise look bogus).
 *
 * The run shares one struct scan_dnssec: its trust anchors, and what it already
 * concluded about each zone of a chain (a memo), so ten thousand domains under
 * one zone validate that zone's chain once. The memo holds only conclusions
 * drawn from the run's cached answers, so a check that uses it concludes what
 * it would have concluded without it.
 *
 * Usage:
 * @code
 *   struct scan_dnssec *d = NULL;
 *   struct scan_diag diag = {0};
 *   if (scan_dnssec_new("/usr/share/dns/root.key", &d, &diag) != 0) die(diag.msg);
 *   ret = scan_dnssec_check(view, d, "example.test", &rep);   // in the engine, or:
 *   struct scan_dnssec_args a = {d, "example.test"};
 *   struct scan_check_call call = {scan_dnssec_check_args, &a};
 *   struct scan_view_driver drv = {scan_check_call_run, &call, answer_fn, world, 20};
 *   ret = scan_view_drive(view, &drv, &out);   // answer_fn sees SCAN_Q_DNSSEC in its flags
 *   scan_dnssec_free(d);
 * @endcode
 */
#ifndef SCANNER_DNSSEC_H
#define SCANNER_DNSSEC_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/checks/report.h"
#include "scanner/core/err.h"
#include "scanner/dns/view.h"

/** Debian's root trust anchor (package dns-root-data): the default of --trust-anchor. */
#define SCAN_DNSSEC_DEFAULT_ANCHOR "/usr/share/dns/root.key"

struct scan_dnssec;

/**
 * Load trust anchors from a file of DS and DNSKEY records in presentation format
 * (one per line, ';' comments, owner names absolute), such as Debian's
 * /usr/share/dns/root.key or root.ds, or Unbound's anchor files.
 * @param[out] out   caller frees with scan_dnssec_free(); NULL on error
 * @param[out] diag  may be NULL; on error other than -ENOMEM, a sentence:
 *                   "FILE:LINE: why", "FILE: why" (scanner/core/err.h)
 * @return 0; a negative errno when the file cannot be read (-ENOENT, -EACCES...);
 *         SCAN_ECONFIG for a line that is not a DS or DNSKEY record, or a file
 *         without any; -ENOMEM.
 */
int scan_dnssec_new(const char *path, struct scan_dnssec **out, struct scan_diag *diag);

/**
 * As scan_dnssec_new(), from text (tests).
 * @param[in] name  used in messages ("FILE" above)
 * @param[in] text  the records, NUL-terminated (borrowed for the call)
 */
int scan_dnssec_new_from_text(const char *name, const char *text, struct scan_dnssec **out,
                              struct scan_diag *diag);

/** Free; NULL is a no-op. */
void scan_dnssec_free(struct scan_dnssec *d);

/** Validate signatures at @p now (seconds since the epoch) instead of the clock
 *  (tests); 0 goes back to the clock. Forgets what the memo concluded. */
void scan_dnssec_set_time(struct scan_dnssec *d, int64_t now);

/**
 * The DNSSEC check of one domain: check "dnssec", status secure | insecure | bogus |
 * error; fields "zone" (the domain's zone: the deepest zone apex above or at it),
 * "signed" (the zone has DNSKEY records and signs its SOA), "ds" (the parent has a
 * DS set for it), "chain" (the zones validated from the trust anchor down, in order),
 * "insecure_at" (the cut where the chain ends without DS, or null), "algorithms"
 * (the zone's DNSKEY algorithms, e.g. "ECDSAP256SHA256"), "record" (bogus: the
 * failing record in presentation format, else null) and "problem" (a sentence, or
 * null for secure).
 * @param[in,out] v  the job's view (borrowed)
 * @param[in,out] d  the run's anchors and memo (borrowed)
 * @param[out] out   on 0: the report (caller frees with scan_report_free()); else NULL
 * @return 0; -EAGAIN (questions recorded in @p v); -EINVAL (not a domain name);
 *         -ENOMEM.
 */
int scan_dnssec_check(struct scan_view *v, struct scan_dnssec *d, const char *domain,
                      struct scan_report **out);

/** scan_dnssec_check()'s arguments, for scan_dnssec_check_args(). */
struct scan_dnssec_args {
    struct scan_dnssec *d; /**< borrowed */
    const char *domain;
};

/**
 * scan_dnssec_check() as a scan_check_fn (report.h), for the synchronous drivers
 * (unit tests, the fuzz target) to call through scan_check_call_run().
 * @param[in] args  a struct scan_dnssec_args (borrowed)
 * @return as scan_dnssec_check().
 */
int scan_dnssec_check_args(struct scan_view *v, const void *args, struct scan_report **out);

#endif
