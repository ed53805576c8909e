// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for address spaces and faults (mm/mmap.c, mm/mprotect.c,
 * mm/madvise.c, mm/memory.c, mm/maccess.c): the mmap family's errnos, what
 * a read or write of untouched anonymous memory maps (R-GUP-6, R-ZERO-8),
 * shared anonymous memory across fork, and task exit releasing every page.
 * THP faults and PMD splits (R-REF-12) are the mm_thp suite.
 *
 * The machine has 8 zero-page colours and THP on (tests/mm_fixture.c).
 * Mappings smaller than 2 MiB never cover an aligned PMD range, so they
 * are always PTE-mapped. Every case ends with sim_check() == 0 and unmaps
 * what it mapped.
 */
#include <sys/mman.h>
#include <pinio/fault-inject.h>

#include "mm_helpers.h"
#include "suites.h"
#include "mm_fixture.h"

/* ---- mmap, faults, mprotect, madvise --------------------------------------- */

/*
 * mmap(2) argument checks, none of which may leave a mapping behind:
 *   len 0, no MAP_PRIVATE/MAP_SHARED, misaligned offset, MAP_FIXED below
 *   the minimum or misaligned: -EINVAL; longer than the address space, or
 *   MAP_FIXED running past its end: -ENOMEM; a file mapping of fd -1: -EBADF.
 * Expect each errno and an unchanged VMA count.
 */
static void mm_mmap_bad_args_return_errno(struct kunit *test)
{
	static const struct {
		unsigned long addr;
		size_t len;
		int flags;
		off_t off;
		long err;
	} cases[] = {
		{ 0, 0, MAP_PRIVATE | MAP_ANONYMOUS, 0, -EINVAL },
		{ 0, PAGE_SIZE, MAP_ANONYMOUS, 0, -EINVAL },
		{ 0, PAGE_SIZE, MAP_PRIVATE | MAP_ANONYMOUS, 100, -EINVAL },
		{ 0x20000100UL, PAGE_SIZE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0, -EINVAL },
		{ PAGE_SIZE, PAGE_SIZE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0, -EINVAL },
		{ 0, TASK_SIZE_MAX + PAGE_SIZE, MAP_PRIVATE | MAP_ANONYMOUS, 0, -ENOMEM },
		{ TASK_SIZE_MAX - PAGE_SIZE, 2 * PAGE_SIZE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0, -ENOMEM },
		{ 0, PAGE_SIZE, MAP_PRIVATE, 0, -EBADF },
	};
	int before = mm_map_count();
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned long r = sim_mmap(cases[i].addr, cases[i].len, PROT_READ | PROT_WRITE,
					   cases[i].flags, -1, cases[i].off);

		KUNIT_EXPECT_EQ_MSG(test, (long)r, cases[i].err, "case %zu", i);
	}
	KUNIT_EXPECT_EQ(test, mm_map_count(), before);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * MAP_FIXED_NOREPLACE over a mapping fails; MAP_FIXED replaces part of it:
 *   [ A | A | A | A ]  -MAP_FIXED page 1->  [ A | 0 | A | A ]  (3 VMAs)
 * Expect -EEXIST, then the replaced page freed and reading zeros there.
 */
static void mm_mmap_fixed_replaces_noreplace_refuses(struct kunit *test)
{
	long folios = mm_live_folios();
	unsigned long addr = t_mm_mmap(test, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	unsigned long r;

	t_mm_fill(test, addr, 'A', 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios + 4);
	r = sim_mmap(addr, PAGE_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	KUNIT_EXPECT_EQ(test, (long)r, -EEXIST);

	r = sim_mmap(addr + PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	KUNIT_EXPECT_EQ(test, r, addr + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios + 3);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 'A', PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr + PAGE_SIZE, 0, PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr + 2 * PAGE_SIZE, 'A', 2 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, mm_map_count(), 3);

	t_mm_munmap(test, addr, 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios);
	KUNIT_EXPECT_EQ(test, mm_map_count(), 0);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * munmap, mprotect and madvise argument checks on a 4-page mapping with a
 * hole after it:
 *   [ RW | RW | RW | RW ][ hole ]
 * Expect -EINVAL for misaligned or unknown arguments, -ENOMEM for a range
 * running into the hole (mprotect changing nothing; madvise advising the
 * mapped part), 0 for munmap of a hole and for zero-length calls.
 */
static void mm_munmap_mprotect_madvise_errno(struct kunit *test)
{
	unsigned long addr = t_mm_mmap(test, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	unsigned long hole = addr + 4 * PAGE_SIZE;
	char c = 'w';

	t_mm_fill(test, addr, 'M', 4 * PAGE_SIZE);

	KUNIT_EXPECT_EQ(test, sim_munmap(addr + 1, PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_munmap(addr, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_munmap(TASK_SIZE_MAX, 2 * PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_munmap(hole, 8 * PAGE_SIZE), 0);

	KUNIT_EXPECT_EQ(test, sim_mprotect(addr + 1, PAGE_SIZE, PROT_READ), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_mprotect(addr, PAGE_SIZE, PROT_READ | 0x01000000), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_mprotect(addr, 0, PROT_READ), 0);
	KUNIT_EXPECT_EQ(test, sim_mprotect(addr, 5 * PAGE_SIZE, PROT_READ), -ENOMEM);
	/* Nothing changed: still writable, still one VMA. */
	KUNIT_EXPECT_EQ(test, sim_user_write(addr, &c, 1), 1);
	KUNIT_EXPECT_EQ(test, mm_map_count(), 1);

	KUNIT_EXPECT_EQ(test, sim_madvise(addr + 1, PAGE_SIZE, MADV_DONTNEED), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_madvise(addr, PAGE_SIZE, 12345), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_madvise(addr, 0, MADV_DONTNEED), 0);
	KUNIT_EXPECT_EQ(test, sim_madvise(hole, PAGE_SIZE, MADV_DONTNEED), -ENOMEM);
	/* The mapped part of a range with a hole is still advised. */
	KUNIT_EXPECT_EQ(test, sim_madvise(addr + 3 * PAGE_SIZE, 2 * PAGE_SIZE, MADV_DONTNEED),
			-ENOMEM);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr + 3 * PAGE_SIZE, 0, PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr + PAGE_SIZE, 'M', 2 * PAGE_SIZE));

	t_mm_munmap(test, addr, 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * Lengths that wrap the address space, as the kernel checks them (EDGE:
 * overflow of start + len). madvise: a length that PAGE_ALIGN() rounds to
 * 0, or an end below the start, is -EINVAL; a range merely running past
 * the mapped space is a hole (-ENOMEM). mprotect: len 0 is 0 before prot
 * is even looked at; an end at or below the start is -ENOMEM.
 *   [ RW | RW ][ hole ........................ TASK_SIZE_MAX ... 2^64 ]
 *   len = SIZE_MAX        -> PAGE_ALIGN() == 0, end == start: wrap
 *   len = 2^64 - addr + 4 KiB -> end == 4 KiB < start:   wrap
 * Expect each errno and nothing changed: still one writable VMA, data kept.
 */
static void mm_madvise_mprotect_wrapping_len_errno(struct kunit *test)
{
	unsigned long addr = t_mm_mmap(test, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	size_t wrap = (size_t)(0UL - addr) + PAGE_SIZE;
	const struct {
		bool madv;		/* sim_madvise(), else sim_mprotect() */
		unsigned long addr;
		size_t len;
		int arg;		/* advice or prot */
		int err;
	} cases[] = {
		{ true, addr, SIZE_MAX, MADV_DONTNEED, -EINVAL },
		{ true, addr, SIZE_MAX - PAGE_SIZE + 2, MADV_DONTNEED, -EINVAL },
		{ true, addr, wrap, MADV_DONTNEED, -EINVAL },
		{ true, addr, wrap, MADV_DONTFORK, -EINVAL },
		{ true, addr + 2 * PAGE_SIZE, TASK_SIZE_MAX, MADV_DONTNEED, -ENOMEM },
		{ false, addr, SIZE_MAX, PROT_READ, -ENOMEM },
		{ false, addr, wrap, PROT_READ, -ENOMEM },
		{ false, addr, SIZE_MAX, PROT_READ | 0x01000000, -ENOMEM },
		{ false, addr, 0, PROT_READ | 0x01000000, 0 },
	};
	char c = 'w';
	size_t i;

	t_mm_fill(test, addr, 'W', 2 * PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int r = cases[i].madv ? sim_madvise(cases[i].addr, cases[i].len, cases[i].arg)
				      : sim_mprotect(cases[i].addr, cases[i].len, cases[i].arg);

		KUNIT_EXPECT_EQ_MSG(test, r, cases[i].err, "case %zu", i);
	}
	KUNIT_EXPECT_EQ(test, mm_map_count(), 1);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 'W', 2 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, sim_user_write(addr + PAGE_SIZE, &c, 1), 1);

	t_mm_munmap(test, addr, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * munmap (and MAP_FIXED, which unmaps first) is all or nothing: a split it
 * cannot allocate fails the call before anything is unmapped, as the
 * kernel's do_vmi_align_munmap() splits both ends before detaching a VMA
 * (scenarios.md bad input: -ENOMEM changes nothing).
 *   [ A  A | B  B ]   munmap [A0, B0] (3 pages): A wholly, B split at B1
 *   the VMA copy for the split at B1 fails (FAULT_META_ALLOC)
 * Expect -ENOMEM for munmap and for a MAP_FIXED mapping of the same range,
 * both VMAs still there, all 4 pages mapped with their data and no folio
 * freed.
 */
static void mm_munmap_split_enomem_unmaps_nothing(struct kunit *test)
{
	unsigned long addr = t_mm_mmap(test, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	long folios;
	int i;

	t_mm_fill(test, addr, 'A', 2 * PAGE_SIZE);
	t_mm_fill(test, addr + 2 * PAGE_SIZE, 'B', 2 * PAGE_SIZE);
	/* Two VMAs: [A A] RW, [B B] R (no VMA merging here). */
	KUNIT_ASSERT_EQ(test, sim_mprotect(addr + 2 * PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ), 0);
	KUNIT_ASSERT_EQ(test, mm_map_count(), 2);
	folios = mm_live_folios();

	for (i = 0; i < 2; i++) {
		long r;

		sim_fail_site_after(FAULT_META_ALLOC, 1);
		if (i == 0)
			r = sim_munmap(addr, 3 * PAGE_SIZE);
		else
			r = (long)sim_mmap(addr, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		sim_fail_site_after(FAULT_META_ALLOC, 0);
		KUNIT_EXPECT_EQ_MSG(test, r, -ENOMEM, "%s", i ? "MAP_FIXED" : "munmap");
		KUNIT_EXPECT_EQ(test, mm_map_count(), 2);
		KUNIT_EXPECT_EQ(test, mm_live_folios(), folios);
		KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 'A', 2 * PAGE_SIZE));
		KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr + 2 * PAGE_SIZE, 'B', 2 * PAGE_SIZE));
		KUNIT_EXPECT_EQ(test, sim_check(), 0);
	}

	t_mm_munmap(test, addr, 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, mm_map_count(), 0);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * Read 16 untouched private anonymous pages (R-GUP-6, R-ZERO-8):
 *   va:   p0  p1  ...  p7  p8 ...  p15
 *   PTE:  Z0  Z1  ...  Z7  Z0 ...  Z7     special, read-only, by colour
 * Expect zeros, no folio allocated, and a R/O pin (fast API; the fast walk
 * refuses special PTEs, the slow path returns them) handing back exactly
 * ZERO_PAGE(addr) for each page with no refcount or vmstat change.
 */
static void mm_read_untouched_anon_maps_coloured_zero_page(struct kunit *test)
{
	const int n = 16;
	unsigned long addr = t_mm_mmap(test, n * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	struct sim_ledger before, after;
	long acquired = node_page_state(NR_FOLL_PIN_ACQUIRED);
	long folios = mm_live_folios();
	struct page *pages[16];
	int i;

	sim_ledger_read(&before);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 0, n * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios);
	for (i = 0; i < n; i++) {
		unsigned long a = addr + i * PAGE_SIZE;
		struct t_mm_walk w;

		t_mm_walk(t_mm(), a, &w);
		KUNIT_EXPECT_TRUE(test, w.pmd_table);
		KUNIT_EXPECT_TRUE(test, pte_present(w.entry) && pte_special(w.entry));
		KUNIT_EXPECT_FALSE(test, pte_write(w.entry));
		KUNIT_EXPECT_EQ(test, pte_pfn(w.entry), my_zero_pfn(a));
		KUNIT_EXPECT_EQ(test, pte_pfn(w.entry) - zero_pfn, (a >> PAGE_SHIFT) % MM_NR_COLOURS);
	}
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t_mm()->rss_anon), 0);

	t_mm_poison(pages, n);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr, n, 0, pages), n);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_PTR_EQ(test, pages[i], ZERO_PAGE(addr + i * PAGE_SIZE));
		KUNIT_EXPECT_TRUE(test, is_zero_page(pages[i]));
	}
	KUNIT_EXPECT_EQ(test, node_page_state(NR_FOLL_PIN_ACQUIRED), acquired);
	unpin_user_pages(pages, n);
	sim_ledger_read(&after);
	KUNIT_EXPECT_EQ(test, after.zero_refs, before.zero_refs);
	KUNIT_EXPECT_EQ(test, after.pins, before.pins);

	t_mm_munmap(test, addr, n * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * Write faults (R-GUP-6): page 0 untouched, page 1 zero-page-mapped by a
 * read first:
 *   p0: none --write--> fresh zeroed anon page
 *   p1: Z1   --write--> fresh anon page (COW from the zero page)
 * Expect exclusive anon pages, refcount 1, mapcount 1, writable dirty
 * PTEs, one COW fault (p1), and zero pages untouched.
 */
static void mm_write_fault_allocates_exclusive_page(struct kunit *test)
{
	unsigned long addr = t_mm_mmap(test, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	long cow = node_page_state(COW_FAULT), folios = mm_live_folios();
	struct sim_ledger before, after;
	char c;
	int i;

	sim_ledger_read(&before);
	KUNIT_ASSERT_EQ(test, sim_user_read(addr + PAGE_SIZE, &c, 1), 1);
	KUNIT_EXPECT_TRUE(test, is_zero_page(t_mm_page(t_mm(), addr + PAGE_SIZE)));
	t_mm_fill(test, addr, 'W', 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios + 2);
	KUNIT_EXPECT_EQ(test, node_page_state(COW_FAULT), cow + 1);
	for (i = 0; i < 2; i++) {
		struct t_mm_walk w;
		struct folio *folio;

		t_mm_walk(t_mm(), addr + i * PAGE_SIZE, &w);
		KUNIT_ASSERT_NOT_NULL(test, w.page);
		folio = page_folio(w.page);
		KUNIT_EXPECT_FALSE(test, pte_special(w.entry));
		KUNIT_EXPECT_TRUE(test, pte_write(w.entry) && pte_dirty(w.entry));
		KUNIT_EXPECT_FALSE(test, is_zero_page(w.page));
		KUNIT_EXPECT_TRUE(test, folio_test_anon(folio));
		KUNIT_EXPECT_FALSE(test, folio_test_large(folio));
		KUNIT_EXPECT_TRUE(test, PageAnonExclusive(w.page));
		KUNIT_EXPECT_EQ(test, folio_ref_count(folio), 1);
		KUNIT_EXPECT_EQ(test, folio_mapcount(folio), 1);
	}
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t_mm()->rss_anon), 2);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 'W', 2 * PAGE_SIZE));
	sim_ledger_read(&after);
	KUNIT_EXPECT_EQ(test, after.zero_refs, before.zero_refs);

	t_mm_munmap(test, addr, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * Accesses the mapping does not allow:
 *   [ PROT_NONE ][ PROT_READ ][ RW ][ unmapped ]
 * Expect -EFAULT for any access to PROT_NONE or unmapped memory, for a
 * write (and a FOLL_WRITE pin, R-GUP-4) to PROT_READ memory, a zero-page
 * read of PROT_READ memory, and a short count for a read that runs from
 * mapped into unmapped memory.
 */
static void mm_fault_prot_none_unmapped_readonly_efault(struct kunit *test)
{
	unsigned long none = t_mm_mmap(test, PAGE_SIZE, PROT_NONE, MAP_PRIVATE);
	unsigned long ro = t_mm_mmap(test, PAGE_SIZE, PROT_READ, MAP_PRIVATE);
	unsigned long rw = t_mm_mmap(test, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	char buf[2 * PAGE_SIZE] = { 0 };
	struct page *page = T_MM_POISON_PTR;
	struct t_mm_walk w;

	KUNIT_EXPECT_EQ(test, sim_user_read(none, buf, 1), -EFAULT);
	KUNIT_EXPECT_EQ(test, sim_user_write(none, buf, 1), -EFAULT);
	KUNIT_EXPECT_EQ(test, pin_user_pages_fast(none, 1, 0, &page), -EFAULT);
	KUNIT_EXPECT_PTR_EQ(test, page, T_MM_POISON_PTR);

	KUNIT_EXPECT_EQ(test, sim_user_write(ro, buf, 1), -EFAULT);
	KUNIT_EXPECT_EQ(test, sim_user_read(ro, buf, PAGE_SIZE), (ssize_t)PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, t_mem_is(buf, 0, PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, is_zero_page(t_mm_page(t_mm(), ro)));
	KUNIT_EXPECT_EQ(test, pin_user_pages_fast(ro, 1, FOLL_WRITE, &page), -EFAULT);
	KUNIT_EXPECT_PTR_EQ(test, page, T_MM_POISON_PTR);

	/* A touched page made PROT_NONE: protnone PTE, no access; data kept. */
	t_mm_fill(test, rw, 'R', 2 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, sim_mprotect(rw, PAGE_SIZE, PROT_NONE), 0);
	t_mm_walk(t_mm(), rw, &w);
	KUNIT_EXPECT_TRUE(test, pte_protnone(w.entry));
	KUNIT_EXPECT_EQ(test, sim_user_read(rw, buf, 1), -EFAULT);
	KUNIT_EXPECT_EQ(test, sim_user_write(rw, buf, 1), -EFAULT);
	KUNIT_ASSERT_EQ(test, sim_mprotect(rw, PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(rw, 'R', 2 * PAGE_SIZE));

	/* Unmapped: the second page goes, a read across the boundary is short. */
	t_mm_munmap(test, rw + PAGE_SIZE, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_user_read(rw + PAGE_SIZE, buf, 1), -EFAULT);
	KUNIT_EXPECT_EQ(test, sim_user_write(rw + PAGE_SIZE, buf, 1), -EFAULT);
	KUNIT_EXPECT_EQ(test, sim_user_read(rw + PAGE_SIZE - 8, buf, 16), 8);

	t_mm_munmap(test, none, PAGE_SIZE);
	t_mm_munmap(test, ro, PAGE_SIZE);
	t_mm_munmap(test, rw, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * mprotect RO -> RW of an exclusive page (the "mprotect optimisation"):
 *   write 'A' -> PROT_READ (PTE R/O) -> PROT_RW (PTE still R/O) -> write 'B'
 * Expect the write under PROT_READ to fail, and the last write to reuse
 * the same exclusive page: same pfn, no COW fault.
 */
static void mm_mprotect_ro_rw_reuses_exclusive_page(struct kunit *test)
{
	unsigned long addr = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	struct page *page;
	struct t_mm_walk w;
	long cow;

	t_mm_fill(test, addr, 'A', PAGE_SIZE);
	page = t_mm_page(t_mm(), addr);
	KUNIT_ASSERT_EQ(test, sim_mprotect(addr, PAGE_SIZE, PROT_READ), 0);
	t_mm_walk(t_mm(), addr, &w);
	KUNIT_EXPECT_FALSE(test, pte_write(w.entry));
	KUNIT_EXPECT_EQ(test, sim_user_memset(addr, 'X', 1), -EFAULT);
	KUNIT_ASSERT_EQ(test, sim_mprotect(addr, PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	KUNIT_EXPECT_TRUE_MSG(test, t_mm_vm_flags(t_mm(), addr) & VM_WRITE, "VMA not writable");

	cow = node_page_state(COW_FAULT);
	t_mm_fill(test, addr, 'B', PAGE_SIZE);
	KUNIT_EXPECT_PTR_EQ(test, t_mm_page(t_mm(), addr), page);
	KUNIT_EXPECT_EQ(test, node_page_state(COW_FAULT), cow);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 'B', PAGE_SIZE));

	t_mm_munmap(test, addr, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * MADV_DONTNEED zaps; the next touch refaults (the zero page for a read).
 * A pinned page outlives the zap (pins belong to the pinner):
 *   [ X | X | X | X ]  DONTNEED p1..p2  ->  [ X | - | - | X ]
 *   pin p0 R/W, DONTNEED p0  ->  p0 unmapped, still allocated, still 'X'
 * Expect two folios freed at once, zeros read back, and the pinned folio
 * freed only by its unpin.
 */
static void mm_madvise_dontneed_zaps_and_refaults(struct kunit *test)
{
	unsigned long addr = t_mm_mmap(test, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	long folios = mm_live_folios();
	struct page *page = T_MM_POISON_PTR;
	struct t_mm_walk w;

	t_mm_fill(test, addr, 'X', 4 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, sim_madvise(addr + PAGE_SIZE, 2 * PAGE_SIZE, MADV_DONTNEED), 0);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios + 2);
	t_mm_walk(t_mm(), addr + PAGE_SIZE, &w);
	KUNIT_EXPECT_TRUE(test, pte_none(w.entry));
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr + PAGE_SIZE, 0, 2 * PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, is_zero_page(t_mm_page(t_mm(), addr + PAGE_SIZE)));
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 'X', PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr + 3 * PAGE_SIZE, 'X', PAGE_SIZE));

	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(addr, 1, FOLL_WRITE, &page), 1);
	KUNIT_ASSERT_EQ(test, sim_madvise(addr, PAGE_SIZE, MADV_DONTNEED), 0);
	KUNIT_EXPECT_NULL(test, t_mm_page(t_mm(), addr));
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios + 2);
	KUNIT_EXPECT_EQ(test, folio_mapcount(page_folio(page)), 0);
	KUNIT_EXPECT_TRUE(test, t_pages_are(&page, 1, 'X'));
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 0, PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	unpin_user_page(page);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios + 1);

	t_mm_munmap(test, addr, 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * MADV_DONTFORK splits the VMA and keeps the middle page out of the child;
 * MADV_DOFORK undoes it:
 *   parent: [ D | D(DONTFORK) | D ]    child: [ D |  -  | D ]
 * Expect VM_DONTCOPY on exactly the middle VMA, -EFAULT there in the
 * child, and after MADV_DOFORK a second child that sees all three pages.
 */
static void mm_madvise_dontfork_hides_range_from_child(struct kunit *test)
{
	unsigned long addr = t_mm_mmap(test, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	struct task_struct *parent = sim_current(), *child;
	char c;

	t_mm_fill(test, addr, 'D', 3 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, sim_madvise(addr + PAGE_SIZE, PAGE_SIZE, MADV_DONTFORK), 0);
	KUNIT_EXPECT_EQ(test, mm_map_count(), 3);
	KUNIT_EXPECT_FALSE(test, t_mm_vm_flags(t_mm(), addr) & VM_DONTCOPY);
	KUNIT_EXPECT_TRUE(test, t_mm_vm_flags(t_mm(), addr + PAGE_SIZE) & VM_DONTCOPY);
	KUNIT_EXPECT_FALSE(test, t_mm_vm_flags(t_mm(), addr + 2 * PAGE_SIZE) & VM_DONTCOPY);

	child = t_mm_fork(test);
	sim_task_switch(child);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 'D', PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, sim_user_read(addr + PAGE_SIZE, &c, 1), -EFAULT);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr + 2 * PAGE_SIZE, 'D', PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, mm_map_count(), 2);
	sim_task_switch(parent);
	sim_task_exit(child);

	KUNIT_ASSERT_EQ(test, sim_madvise(addr + PAGE_SIZE, PAGE_SIZE, MADV_DOFORK), 0);
	KUNIT_EXPECT_FALSE(test, t_mm_vm_flags(t_mm(), addr + PAGE_SIZE) & VM_DONTCOPY);
	child = t_mm_fork(test);
	sim_task_switch(child);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 'D', 3 * PAGE_SIZE));
	sim_task_switch(parent);
	sim_task_exit(child);

	t_mm_munmap(test, addr, 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * MADV_NOHUGEPAGE / MADV_HUGEPAGE on a 4 MiB (two PMD) mapping:
 *   [ 2 MiB NOHUGEPAGE ][ 2 MiB default ]     then a fresh 2 MiB mapping:
 *   [ 2 MiB NOHUGEPAGE -> HUGEPAGE ]
 * Expect the write fault in the NOHUGEPAGE half to map a small page and
 * the one in the default half a PMD-mapped order-9 folio; MADV_HUGEPAGE
 * clears VM_NOHUGEPAGE, so the fresh mapping faults a THP again.
 */
static void mm_madvise_hugepage_nohugepage(struct kunit *test)
{
	unsigned long addr = t_mm_mmap(test, 2 * PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	long thp = node_page_state(THP_FAULT_ALLOC);
	struct t_mm_walk w;
	unsigned long fresh;

	KUNIT_ASSERT_TRUE(test, IS_ALIGNED(addr, PMD_SIZE));
	KUNIT_ASSERT_EQ(test, sim_madvise(addr, PMD_SIZE, MADV_NOHUGEPAGE), 0);
	KUNIT_EXPECT_TRUE(test, t_mm_vm_flags(t_mm(), addr) & VM_NOHUGEPAGE);
	KUNIT_EXPECT_FALSE(test, t_mm_vm_flags(t_mm(), addr + PMD_SIZE) & VM_NOHUGEPAGE);

	t_mm_fill(test, addr, 'n', 1);
	t_mm_fill(test, addr + PMD_SIZE, 'h', 1);
	t_mm_walk(t_mm(), addr, &w);
	KUNIT_EXPECT_TRUE(test, w.pmd_table);
	KUNIT_ASSERT_NOT_NULL(test, w.page);
	KUNIT_EXPECT_FALSE(test, folio_test_large(page_folio(w.page)));
	t_mm_walk(t_mm(), addr + PMD_SIZE, &w);
	KUNIT_EXPECT_TRUE(test, w.pmd_leaf);
	KUNIT_ASSERT_NOT_NULL(test, w.page);
	KUNIT_EXPECT_EQ(test, folio_order(page_folio(w.page)), HPAGE_PMD_ORDER);
	KUNIT_EXPECT_EQ(test, node_page_state(THP_FAULT_ALLOC), thp + 1);

	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 'n', 1));
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr + PMD_SIZE, 'h', 1));

	fresh = t_mm_mmap(test, PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	KUNIT_ASSERT_EQ(test, sim_madvise(fresh, PMD_SIZE, MADV_NOHUGEPAGE), 0);
	KUNIT_ASSERT_EQ(test, sim_madvise(fresh, PMD_SIZE, MADV_HUGEPAGE), 0);
	KUNIT_EXPECT_TRUE(test, t_mm_vm_flags(t_mm(), fresh) & VM_HUGEPAGE);
	KUNIT_EXPECT_FALSE(test, t_mm_vm_flags(t_mm(), fresh) & VM_NOHUGEPAGE);
	t_mm_fill(test, fresh, 'H', 1);
	t_mm_walk(t_mm(), fresh, &w);
	KUNIT_EXPECT_TRUE(test, w.pmd_leaf);
	KUNIT_EXPECT_EQ(test, node_page_state(THP_FAULT_ALLOC), thp + 2);

	t_mm_munmap(test, addr, 2 * PMD_SIZE);
	t_mm_munmap(test, fresh, PMD_SIZE);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/* ---- shared memory, fork and exit ----------------------------------------- */

/*
 * MAP_SHARED|MAP_ANONYMOUS is one object shared across fork (shmem):
 *   parent p1 <- 'P'  | fork |  child reads 'P', writes 'C' to p2
 *   parent reads 'C' at p2; both map the same frames
 * Expect read faults to allocate (never the zero page, R-GUP-6), non-anon
 * pages, writes visible both ways, and everything freed when the last
 * mapping goes.
 */
static void mm_shared_anonymous_shared_across_fork(struct kunit *test)
{
	unsigned long addr = t_mm_mmap(test, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
	struct task_struct *parent = sim_current(), *child;
	long folios = mm_live_folios();
	struct t_mm_walk w;
	int i;

	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr, 0, PAGE_SIZE));
	t_mm_walk(t_mm(), addr, &w);
	KUNIT_ASSERT_NOT_NULL(test, w.page);
	KUNIT_EXPECT_FALSE(test, pte_special(w.entry));
	KUNIT_EXPECT_FALSE(test, is_zero_page(w.page));
	KUNIT_EXPECT_FALSE(test, folio_test_anon(page_folio(w.page)));
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios + 1);

	t_mm_fill(test, addr + PAGE_SIZE, 'P', PAGE_SIZE);
	child = t_mm_fork(test);
	sim_task_switch(child);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr + PAGE_SIZE, 'P', PAGE_SIZE));
	t_mm_fill(test, addr + 2 * PAGE_SIZE, 'C', PAGE_SIZE);
	sim_task_switch(parent);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr + 2 * PAGE_SIZE, 'C', PAGE_SIZE));
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_PTR_EQ(test, t_mm_page(child->mm, addr + i * PAGE_SIZE),
				    t_mm_page(parent->mm, addr + i * PAGE_SIZE));
	t_mm_fill(test, addr + PAGE_SIZE, 'p', PAGE_SIZE);
	sim_task_switch(child);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr + PAGE_SIZE, 'p', PAGE_SIZE));
	sim_task_switch(parent);
	sim_task_exit(child);
	KUNIT_EXPECT_TRUE(test, t_mm_bytes_are(addr + 2 * PAGE_SIZE, 'C', PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	t_mm_munmap(test, addr, 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * fork shares unpinned anon pages COW; the child's exit gives them back:
 *   parent p0..p3 (ref 1) --fork--> ref 2, mapcount 2, R/O in both, not
 *   exclusive --child exits--> ref 1 --parent writes--> reused in place
 * Expect the counts at each step and no COW copy on the final write (the
 * page is singly referenced again); the same for a PMD-mapped THP.
 */
static void mm_fork_child_exit_restores_counts(struct kunit *test)
{
	unsigned long small = t_mm_mmap(test, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	unsigned long thp = t_mm_mmap(test, PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	struct page *p = NULL, *h = NULL;
	struct task_struct *child;
	struct t_mm_walk w;
	long cow;

	t_mm_fill(test, small, 'F', 4 * PAGE_SIZE);
	t_mm_fill(test, thp, 'H', PMD_SIZE);
	p = t_mm_page(t_mm(), small + PAGE_SIZE);
	h = t_mm_page(t_mm(), thp);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, h);

	child = t_mm_fork(test);
	KUNIT_EXPECT_EQ(test, folio_ref_count(page_folio(p)), 2);
	KUNIT_EXPECT_EQ(test, folio_mapcount(page_folio(p)), 2);
	KUNIT_EXPECT_FALSE(test, PageAnonExclusive(p));
	KUNIT_EXPECT_PTR_EQ(test, t_mm_page(child->mm, small + PAGE_SIZE), p);
	t_mm_walk(t_mm(), small + PAGE_SIZE, &w);
	KUNIT_EXPECT_FALSE(test, pte_write(w.entry));
	t_mm_walk(child->mm, small + PAGE_SIZE, &w);
	KUNIT_EXPECT_FALSE(test, pte_write(w.entry));
	KUNIT_EXPECT_EQ(test, folio_ref_count(page_folio(h)), 2);
	t_mm_walk(child->mm, thp, &w);
	KUNIT_EXPECT_TRUE(test, w.pmd_leaf && !pte_write(w.entry));
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	sim_task_exit(child);
	KUNIT_EXPECT_EQ(test, folio_ref_count(page_folio(p)), 1);
	KUNIT_EXPECT_EQ(test, folio_ref_count(page_folio(h)), 1);
	cow = node_page_state(COW_FAULT);
	t_mm_fill(test, small + PAGE_SIZE, 'f', PAGE_SIZE);
	t_mm_fill(test, thp, 'h', PAGE_SIZE);
	KUNIT_EXPECT_PTR_EQ(test, t_mm_page(t_mm(), small + PAGE_SIZE), p);
	KUNIT_EXPECT_PTR_EQ(test, t_mm_page(t_mm(), thp), h);
	KUNIT_EXPECT_EQ(test, node_page_state(COW_FAULT), cow);
	KUNIT_EXPECT_TRUE(test, PageAnonExclusive(p));

	t_mm_munmap(test, small, 4 * PAGE_SIZE);
	t_mm_munmap(test, thp, PMD_SIZE);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * MAP_POPULATE faults the whole range in at mmap time: write faults for a
 * private writable mapping, read faults (zero pages) for a read-only one.
 * Expect present PTEs everywhere: 4 new exclusive pages, 4 zero pages.
 */
static void mm_mmap_populate_prefaults(struct kunit *test)
{
	long folios = mm_live_folios();
	unsigned long rw = t_mm_mmap(test, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_POPULATE);
	unsigned long ro = t_mm_mmap(test, 4 * PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_POPULATE);
	int i;

	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios + 4);
	for (i = 0; i < 4; i++) {
		struct page *p = t_mm_page(t_mm(), rw + i * PAGE_SIZE);

		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_TRUE(test, PageAnon(p) && PageAnonExclusive(p));
		KUNIT_EXPECT_PTR_EQ(test, t_mm_page(t_mm(), ro + i * PAGE_SIZE),
				    ZERO_PAGE(ro + i * PAGE_SIZE));
	}
	t_mm_munmap(test, rw, 4 * PAGE_SIZE);
	t_mm_munmap(test, ro, 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

/*
 * Task exit drops every mapping's reference (exit_mmap); pins outlive it
 * (R-GUP-9: pins belong to the pinner):
 *   new task: 8 small pages, a PMD THP, 2 shared pages; pin p0 and THP p1
 *   exit -> only the two pinned folios stay -> unpin -> nothing stays
 * Expect the mm gone at exit, exactly 2 live folios until the unpins, and
 * none after.
 */
static void mm_task_exit_releases_every_page(struct kunit *test)
{
	struct task_struct *init = sim_current(), *t;
	long folios = mm_live_folios(), mms = nr_live_mms();
	unsigned long small, thp, shared;
	struct page *pages[2];

	t = sim_task_create();
	KUNIT_ASSERT_NOT_NULL(test, t);
	sim_task_switch(t);
	small = t_mm_mmap(test, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	thp = t_mm_mmap(test, PMD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	shared = t_mm_mmap(test, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
	t_mm_fill(test, small, 's', 8 * PAGE_SIZE);
	t_mm_fill(test, thp, 't', PMD_SIZE);
	t_mm_fill(test, shared, 'm', 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios + 8 + 1 + 2);
	t_mm_poison(pages, 2);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(small, 1, FOLL_WRITE, &pages[0]), 1);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(thp + PAGE_SIZE, 1, FOLL_WRITE, &pages[1]), 1);
	KUNIT_EXPECT_EQ(test, nr_live_mms(), mms + 1);
	sim_task_switch(init);

	sim_task_exit(t);
	KUNIT_EXPECT_EQ(test, nr_live_mms(), mms);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios + 2);
	KUNIT_EXPECT_TRUE(test, t_pages_are(&pages[0], 1, 's'));
	KUNIT_EXPECT_TRUE(test, t_pages_are(&pages[1], 1, 't'));
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
	unpin_user_pages(pages, 2);
	KUNIT_EXPECT_EQ(test, mm_live_folios(), folios);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);
}

static struct kunit_case mm_cases[] = {
	KUNIT_CASE(mm_mmap_bad_args_return_errno),
	KUNIT_CASE(mm_mmap_fixed_replaces_noreplace_refuses),
	KUNIT_CASE(mm_munmap_mprotect_madvise_errno),
	KUNIT_CASE(mm_madvise_mprotect_wrapping_len_errno),
	KUNIT_CASE(mm_munmap_split_enomem_unmaps_nothing),
	KUNIT_CASE(mm_read_untouched_anon_maps_coloured_zero_page),
	KUNIT_CASE(mm_write_fault_allocates_exclusive_page),
	KUNIT_CASE(mm_fault_prot_none_unmapped_readonly_efault),
	KUNIT_CASE(mm_mprotect_ro_rw_reuses_exclusive_page),
	KUNIT_CASE(mm_madvise_dontneed_zaps_and_refaults),
	KUNIT_CASE(mm_madvise_dontfork_hides_range_from_child),
	KUNIT_CASE(mm_madvise_hugepage_nohugepage),
	KUNIT_CASE(mm_shared_anonymous_shared_across_fork),
	KUNIT_CASE(mm_fork_child_exit_restores_counts),
	KUNIT_CASE(mm_mmap_populate_prefaults),
	KUNIT_CASE(mm_task_exit_releases_every_page),
	{}
};

struct kunit_suite mm_suite = {
	.name = "mm",
	.init = mm_test_init,
	.exit = mm_test_exit,
	.test_cases = mm_cases,
};
