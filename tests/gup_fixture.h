/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/gup_fixture.h - the fixture of the gup suites (gup,
 * gup_bad_input, gup_follow): a 32 MiB machine without THP per case, written mappings, VMA flags.
 */
#ifndef PINIO_TESTS_GUP_FIXTURE_H
#define PINIO_TESTS_GUP_FIXTURE_H

#include <pinio/sim.h>

#include "kunit/test.h"
#include "mm_helpers.h"

/* How a table row touches its memory before GUP. */
enum gup_touch { TOUCH_NONE, TOUCH_READ, TOUCH_WRITE };

/* A child forked by a case or a hook (a fork racing GUP-fast). */
extern struct task_struct *gup_test_child;

int gup_test_init(struct kunit *test);

void gup_test_exit(struct kunit *test);

/* Map @nr small pages read-write and write-fault them with @c. */
unsigned long gup_map_written(struct kunit *test, unsigned long nr, int c);

/* Add @flags to the VMA at @addr, as a driver's mmap would (VM_IO, VM_PFNMAP). */
void gup_set_vm_flags(struct kunit *test, unsigned long addr, unsigned long flags);

#endif /* PINIO_TESTS_GUP_FIXTURE_H */
