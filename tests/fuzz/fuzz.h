/*
 * fuzz.h - what the libFuzzer targets (tests/fuzz/fuzz_<name>.c, one
 * binary each: build/fuzz/<name>) share. Each target is built by `make
 * fuzz` with clang -fsanitize=fuzzer,address,undefined over the same
 * objects as the server, seeded from tests/fuzz/seeds/<name>/, and run
 * for a few seconds by `make test`. A target aborts when our code breaks
 * a promise its header makes, so a wrong answer counts as a crash too.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with a message when cond is false: a broken promise. */
#define FUZZ_ASSERT(cond)                                                   \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__,        \
                    __LINE__, #cond);                                       \
            abort();                                                        \
        }                                                                   \
    } while (0)
