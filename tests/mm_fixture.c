// SPDX-License-Identifier: GPL-2.0
/*
 * tests/mm_fixture.c - the fixture of the address-space suites (mm, mm_thp): a
 * 64 MiB machine with 8 zero-page colours and THP per case.
 */
#include <sys/mman.h>

#include "mm_helpers.h"
#include "mm_fixture.h"

const struct sim_config mm_test_cfg = {
	.mem_bytes = 64UL << 20,
	.nr_zero_pages = MM_NR_COLOURS,
	.thp = true,
};

int mm_test_init(struct kunit *test)
{
	return t_mm_boot(&mm_test_cfg);
}

void mm_test_exit(struct kunit *test)
{
	t_mm_shutdown(test);
}

long mm_live_folios(void)
{
	return atomic_long_read(&nr_live_folios);
}

int mm_map_count(void)
{
	return t_mm()->map_count;
}
