/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * A main() for the libFuzzer targets when there is no libFuzzer (gcc, or a
 * build without -Dfuzz): each file named, or each file in each folder named,
 * is fed once to LLVMFuzzerTestOneInput(), in name order. No mutation, no
 * fuzzing: it replays the committed corpus, seeds and past crashes, so a bug
 * once found stays fixed (the `fuzz-replay` test suite; README.md here).
 *
 * Like libFuzzer, it hands the target a heap copy of exactly the file's size,
 * so AddressSanitizer sees a read one byte past the input, and it calls
 * LLVMFuzzerInitialize() first when the target defines one.
 *
 * Usage: fuzz_<target> PATH...   (exit 0 when every input ran; 1 when a path
 *        cannot be read or a folder holds no input; a crash is the target's)
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional in a target: weak, NULL when the target has none. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* Feed one file to the target. @return 0, or -1 (message printed) when it cannot be read. */
static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct stat sb;
    if (!f || fstat(fileno(f), &sb) != 0) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        if (f)
            fclose(f);
        return -1;
    }
    size_t size = (size_t)sb.st_size;
    uint8_t *data = malloc(size ? size : 1);
    if (!data || fread(data, 1, size, f) != size) {
        fprintf(stderr, "replay: %s: %s\n", path, data ? "short read" : "out of memory");
        free(data);
        fclose(f);
        return -1;
    }
    fclose(f);
    /* Named before the run, so a sanitizer report that follows says which input. */
    printf("%s: %zu bytes\n", path, size);
    fflush(stdout);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return 0;
}

/* Replay every regular file in @p dir (hidden ones left out), in name order.
 * @return inputs replayed, or -1 (message printed). */
static long replay_dir(const char *dir)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    if (n < 0) {
        fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    long done = 0;
    for (int i = 0; i < n; i++) {
        char path[4096];
        struct stat sb;
        if (names[i]->d_name[0] != '.' &&
            snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name) < (int)sizeof(path) &&
            stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
            if (done >= 0 && replay_file(path) == 0)
                done++;
            else
                done = -1;
        }
        free(names[i]);
    }
    free(names);
    return done;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS-FOLDER-OR-FILE...\n", argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    long total = 0;
    for (int i = 1; i < argc; i++) {
        struct stat sb;
        long n;
        if (stat(argv[i], &sb) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            return 1;
        }
        n = S_ISDIR(sb.st_mode) ? replay_dir(argv[i]) : replay_file(argv[i]) == 0 ? 1 : -1;
        if (n < 0)
            return 1;
        if (n == 0) {
            /* An empty corpus replays nothing: a test that cannot fail. */
            fprintf(stderr, "replay: %s: no input\n", argv[i]);
            return 1;
        }
        total += n;
    }
    printf("replayed %ld inputs\n", total);
    return 0;
}
