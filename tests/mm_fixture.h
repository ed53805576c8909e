/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/mm_fixture.h - the fixture of the address-space suites (mm, mm_thp): a
 * 64 MiB machine with 8 zero-page colours and THP per case.
 */
#ifndef PINIO_TESTS_MM_FIXTURE_H
#define PINIO_TESTS_MM_FIXTURE_H

#include "mm_helpers.h"

#define MM_NR_COLOURS	8

extern const struct sim_config mm_test_cfg;

/* Suite init/exit: boot the machine above; shut down expecting no leaks. */
int mm_test_init(struct kunit *test);
void mm_test_exit(struct kunit *test);
/* Folios alive now (the ledger's count). */
long mm_live_folios(void);
/* VMAs of the current task. */
int mm_map_count(void);

#endif /* PINIO_TESTS_MM_FIXTURE_H */
