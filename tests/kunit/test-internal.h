/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/kunit/test-internal.h - what the runner (test.c) shares with the
 * assertion reports (assert.c); not for test cases.
 */
#ifndef PINIO_TESTS_KUNIT_TEST_INTERNAL_H
#define PINIO_TESTS_KUNIT_TEST_INTERNAL_H

#include <stdarg.h>

#include "test.h"

/* One output line of @test: its indent, @prefix, then @fmt (captured or printed). */
void __printf(3, 0) kunit_vout(struct kunit *test, const char *prefix, const char *fmt,
			       va_list ap);

#endif /* PINIO_TESTS_KUNIT_TEST_INTERNAL_H */
