/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * libFuzzer target for Team Cymru's answers: scan_origin_check()
 * (scanner/checks/checks.h) for an IPv4 and an IPv6 address, every TXT question (the
 * origin and the AS name) answered with the input, one record per line, in the
 * "zone" pass of tests/fuzz/fuzz_view.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/checks/checks.h"
#include "tests/fuzz/fuzz_view.h"

static int run_origin(struct scan_view *v, const void *arg, struct scan_report **out)
{
    return scan_origin_check(v, arg, out);
}

static void check(const uint8_t *data, size_t size, const char *ip)
{
    struct scan_target t;
    struct scan_view *v = scan_view_new();
    struct scan_report *r = NULL;
    if (!v)
        return;
    memset(&t, 0, sizeof(t));
    t.type = strchr(ip, ':') ? SCAN_T_IP6 : SCAN_T_IP4;
    inet_pton(t.type == SCAN_T_IP4 ? AF_INET : AF_INET6, ip, t.addr);
    snprintf(t.text, sizeof(t.text), "%s", ip);
    int ret = fuzz_drive(v, run_origin, &t, &r, data, size);
    fuzz_finish(ret, r);
    scan_view_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check(data, size, "192.0.2.10");
    check(data, size, "2001:db8::10");
    return 0;
}
