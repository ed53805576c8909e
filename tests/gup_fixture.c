// SPDX-License-Identifier: GPL-2.0
/*
 * tests/gup_fixture.c - the fixture of the gup suites (gup,
 * gup_bad_input, gup_follow): a 32 MiB machine without THP per case,
 * written mappings, VMA flags.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <pinio/sim.h>

#include "kunit/test.h"
#include "mm_helpers.h"
#include "gup_fixture.h"
struct task_struct *gup_test_child;	/* forked by a case or a hook */

int gup_test_init(struct kunit *test)
{
	struct sim_config cfg = { .mem_bytes = T_MM_MEM_BYTES };

	gup_test_child = NULL;
	return sim_boot(&cfg);
}

void gup_test_exit(struct kunit *test)
{
	gup_fast_test_hook = NULL;
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	KUNIT_EXPECT_EQ(test, sim_shutdown(), 0);
	gup_test_child = NULL;
}

/* Map @nr small pages read-write and write-fault them with @c. */
unsigned long gup_map_written(struct kunit *test, unsigned long nr, int c)
{
	unsigned long addr = t_mm_mmap(test, nr * PAGE_SIZE, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE);

	t_mm_fill(test, addr, c, nr * PAGE_SIZE);
	return addr;
}

/* Add @flags to the VMA at @addr, as a driver's mmap would (VM_IO, VM_PFNMAP). */
void gup_set_vm_flags(struct kunit *test, unsigned long addr, unsigned long flags)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;

	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma)
		vma->vm_flags |= flags;
	mmap_write_unlock(mm);
	KUNIT_ASSERT_NOT_NULL(test, vma);
}
