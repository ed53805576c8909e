// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the edges of GUP's slow path (mm/gup_slow.c) that the
 * gup suite does not reach: fault-handler errors turned into errnos
 * (R-GUP-3: -ENOMEM, -EFAULT, with partial success per R-GUP-9),
 * FOLL_FORCE writes that must fault although the VMA is writable
 * (R-GUP-5's "cannot be written: fault needed"), a forced read of a VMA
 * without VM_MAYREAD (R-GUP-4), faults taken for another mm (remote GUP)
 * and calls made with no task, or a task with no mm, as current.
 *
 * Every case boots a 32 MiB machine without THP (small pages only) and
 * shuts it down expecting no leaks; the runner checks the leak ledger
 * after each case and resets fault injection.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>

#include <pinio/fault-inject.h>
#include <pinio/sim.h>

#include "kunit/test.h"
#include "mm_helpers.h"

#define GE_DISK		"gedge"

static int gup_edge_init(struct kunit *test)
{
	struct sim_config cfg = { .mem_bytes = T_MM_MEM_BYTES };

	return t_mm_boot(&cfg);
}

static void gup_edge_exit(struct kunit *test)
{
	if (!sim_booted())
		return;
	sim_umount("/mnt");
	sim_disk_destroy(GE_DISK);
	t_mm_shutdown(test);
}

/*
 * A simfs file of @file_pages pages on a fresh ram disk, mapped @map_pages
 * pages long (MAP_SHARED or MAP_PRIVATE, read-write); *fd gets the file.
 */
static unsigned long ge_map_file(struct kunit *test, unsigned long file_pages,
				 unsigned long map_pages, int map, int *fd)
{
	unsigned long addr;

	KUNIT_ASSERT_EQ(test, sim_ramdisk_create(GE_DISK, 8 << 20, 512), 0);
	KUNIT_ASSERT_EQ(test, sim_mkfs("/dev/" GE_DISK, "simfs", "bs=4096"), 0);
	KUNIT_ASSERT_EQ(test, sim_mount("/dev/" GE_DISK, "/mnt", NULL), 0);
	*fd = sim_open("/mnt/f", O_CREAT | O_RDWR, 0644);
	KUNIT_ASSERT_GE(test, *fd, 0);
	KUNIT_ASSERT_EQ(test, sim_ftruncate(*fd, (long long)(file_pages * PAGE_SIZE)), 0);
	addr = sim_mmap(0, map_pages * PAGE_SIZE, PROT_READ | PROT_WRITE, map, *fd, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	return addr;
}

static void ge_unmap_file(struct kunit *test, unsigned long addr, unsigned long map_pages, int fd)
{
	KUNIT_EXPECT_EQ(test, sim_munmap(addr, map_pages * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
	KUNIT_EXPECT_EQ(test, sim_umount("/mnt"), 0);
	KUNIT_EXPECT_EQ(test, sim_disk_destroy(GE_DISK), 0);
}

/* ---- R-GUP-3, R-GUP-9: fault errors ------------------------------------------- */

enum ge_mem {
	GE_ANON,	/* private anonymous memory, page 0 written, the rest untouched */
	GE_FILE,	/* a 1-page simfs file mapped MAP_SHARED 4 pages long */
};

struct ge_fault_case {
	const char *desc;
	enum ge_mem mem;
	enum t_gup_api api;
	unsigned int flags;
	unsigned long first;	/* first page of the call */
	long nr;		/* pages asked for */
	bool fail_alloc;	/* the next folio allocation fails */
	long ret;
};

static const struct ge_fault_case ge_fault_cases[] = {
	{ "write pin of an untouched page, no memory: -ENOMEM", GE_ANON, T_API_PUP_UNLOCKED,
	  FOLL_WRITE, 1, 1, true, -ENOMEM },
	{ "write GUP of an untouched page, no memory: -ENOMEM", GE_ANON, T_API_GUP,
	  FOLL_WRITE, 1, 1, true, -ENOMEM },
	{ "pages 0-1, page 1 cannot be faulted: 1 (partial)", GE_ANON, T_API_PUP_UNLOCKED,
	  FOLL_WRITE, 0, 2, true, 1 },
	{ "GUP-fast got page 0, the slow path fails on page 1: 1", GE_ANON, T_API_PUP_FAST,
	  FOLL_WRITE, 0, 2, true, 1 },
	{ "read pin past EOF of a file mapping (SIGBUS): -EFAULT", GE_FILE, T_API_PUP_UNLOCKED,
	  0, 1, 1, false, -EFAULT },
	{ "write GUP past EOF (SIGBUS): -EFAULT", GE_FILE, T_API_GUP_UNLOCKED, FOLL_WRITE, 2, 1,
	  false, -EFAULT },
	{ "pages 0-3 of a 1-page file: 1 (partial)", GE_FILE, T_API_PUP, 0, 0, 4, false, 1 },
};

static void ge_fault_desc(const struct ge_fault_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(ge_fault, ge_fault_cases, ge_fault_desc);

/*
 * R-GUP-3: a fault the handler cannot satisfy ends the walk with the
 * errno of its VM_FAULT_* code: VM_FAULT_OOM (no folio for an anonymous
 * write fault) is -ENOMEM, VM_FAULT_SIGBUS (a file page past EOF) is
 * -EFAULT. R-GUP-9: pages grabbed before the failing one are returned
 * as a count, and GUP-fast's pages survive the slow path's failure.
 *
 *   anon:  [0: written][1: untouched][2][3]     page 1's folio allocation fails
 *   file:  [0: in file][1: past EOF ][2][3]     i_size = 1 page, mapped 4
 *          pin(first, nr) -> ret
 *
 * Expect the row's result; exactly ret entries written; on an error no
 * pin, reference or folio gained and nothing mapped at the failing page;
 * on partial success the returned page is the one mapped at page 0.
 */
static void gup_edge_fault_errors(struct kunit *test)
{
	const struct ge_fault_case *c = test->param_value;
	unsigned long addr, fail_addr, injected;
	struct sim_ledger before, after;
	struct page *pages[6];
	long ret;
	int fd = -1;

	if (c->mem == GE_ANON) {
		addr = t_mm_mmap(test, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		t_mm_fill(test, addr, 0x5a, PAGE_SIZE);
		fail_addr = addr + PAGE_SIZE;
	} else {
		addr = ge_map_file(test, 1, 4, MAP_SHARED, &fd);
		t_mm_touch_read(test, addr, PAGE_SIZE);
		fail_addr = addr + (c->first ? c->first : 1) * PAGE_SIZE;
	}

	sim_ledger_read(&before);
	if (c->fail_alloc)
		sim_fail_site_after(FAULT_PAGE_ALLOC, 1);
	ret = t_gup_checked(test, c->api, addr + c->first * PAGE_SIZE, c->nr, c->flags, pages,
			    ARRAY_SIZE(pages));
	injected = sim_fault_injected();
	sim_fault_reset();
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	KUNIT_EXPECT_EQ(test, injected, c->fail_alloc ? 1UL : 0UL);
	KUNIT_EXPECT_EQ(test, t_mm_pte(current->mm, fail_addr), (pte_t)0);
	if (ret > 0) {
		KUNIT_EXPECT_EQ(test, ret, 1L);
		KUNIT_EXPECT_PTR_EQ(test, pages[0], t_mm_page(current->mm, addr));
		t_gup_release(c->api, pages, ret);
	}
	sim_ledger_read(&after);
	KUNIT_EXPECT_EQ(test, after.pins, before.pins);
	KUNIT_EXPECT_EQ(test, after.live_folios, before.live_folios);
	KUNIT_EXPECT_EQ(test, sim_check(), 0);

	if (c->mem == GE_ANON)
		t_mm_munmap(test, addr, 4 * PAGE_SIZE);
	else
		ge_unmap_file(test, addr, 4, fd);
}

/* ---- R-GUP-5: FOLL_FORCE writes that still fault --------------------------------- */

/*
 * FOLL_WRITE|FOLL_FORCE on a read-faulted page of a *writable* VMA. A
 * forced write may only follow a R/O PTE of an exclusive anon page in a
 * R/O private mapping; here the VMA is writable, so the R/O PTE means
 * "not writable yet" and GUP write-faults first, as a plain FOLL_WRITE
 * would (R-GUP-5):
 *
 *   private anon, read-faulted:  PTE -> zero page (R/O)  -- pin --> new anon page, PTE R/W
 *   MAP_SHARED simfs file:       PTE -> cache page (R/O, dirty tracking)
 *                                                        -- pin --> same page, PTE R/W, dirty
 *
 * Expect one page pinned: for anon a fresh exclusive page (never the zero
 * page) holding zeros; for the file the cache page that was mapped,
 * now dirty; in both cases mapped writable, and the pin dropped cleanly.
 */
static void gup_edge_force_write_faults(struct kunit *test)
{
	struct page *pages[2], *before;
	unsigned long addr;
	long pins = mm_pins_outstanding();
	int fd;

	/* Private anonymous, read-faulted: the zero page behind a R/O PTE. */
	addr = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	t_mm_touch_read(test, addr, PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, is_zero_page(t_mm_page(current->mm, addr)));
	KUNIT_EXPECT_FALSE(test, pte_write(t_mm_pte(current->mm, addr)));
	KUNIT_EXPECT_EQ(test, t_gup_checked(test, T_API_PUP_UNLOCKED, addr, 1,
					    FOLL_WRITE | FOLL_FORCE, pages, ARRAY_SIZE(pages)), 1L);
	KUNIT_EXPECT_FALSE(test, is_zero_page(pages[0]));
	KUNIT_EXPECT_TRUE(test, PageAnon(pages[0]) && PageAnonExclusive(pages[0]));
	KUNIT_EXPECT_PTR_EQ(test, pages[0], t_mm_page(current->mm, addr));
	KUNIT_EXPECT_TRUE(test, pte_write(t_mm_pte(current->mm, addr)));
	KUNIT_EXPECT_TRUE(test, t_pages_are(pages, 1, 0));
	KUNIT_EXPECT_EQ(test, mm_pins_outstanding(), pins + 1);
	unpin_user_pages(pages, 1);
	t_mm_munmap(test, addr, PAGE_SIZE);

	/* A shared file mapping, read-faulted: R/O for dirty tracking. */
	addr = ge_map_file(test, 1, 1, MAP_SHARED, &fd);
	t_mm_touch_read(test, addr, PAGE_SIZE);
	before = t_mm_page(current->mm, addr);
	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_EXPECT_FALSE(test, pte_write(t_mm_pte(current->mm, addr)));
	KUNIT_EXPECT_FALSE(test, folio_test_dirty(page_folio(before)));
	KUNIT_EXPECT_EQ(test, t_gup_checked(test, T_API_PUP_UNLOCKED, addr, 1,
					    FOLL_WRITE | FOLL_FORCE, pages, ARRAY_SIZE(pages)), 1L);
	KUNIT_EXPECT_PTR_EQ(test, pages[0], before);
	KUNIT_EXPECT_FALSE(test, PageAnon(pages[0]));
	KUNIT_EXPECT_TRUE(test, pte_write(t_mm_pte(current->mm, addr)));
	KUNIT_EXPECT_TRUE(test, folio_test_dirty(page_folio(pages[0])));
	KUNIT_EXPECT_EQ(test, mm_pins_outstanding(), pins + 1);
	unpin_user_pages(pages, 1);
	KUNIT_EXPECT_EQ(test, mm_pins_outstanding(), pins);
	ge_unmap_file(test, addr, 1, fd);
}

/* ---- R-GUP-4: a forced read needs VM_MAYREAD ------------------------------------ */

/*
 * R-GUP-4: a read of a VMA without VM_READ is allowed with FOLL_FORCE only
 * if the VMA has VM_MAYREAD (ptrace reading a PROT_WRITE-only mapping).
 *
 *   mmap(PROT_WRITE) -> VM_WRITE|VM_MAYREAD|...   pin(FOLL_FORCE) -> 1 (the zero page)
 *   clear VM_MAYREAD (a driver's mmap may)         pin(FOLL_FORCE) -> -EFAULT
 *
 * Expect the zero page with VM_MAYREAD, -EFAULT without it, with the page
 * array untouched, no pin taken and nothing newly mapped.
 */
static void gup_edge_force_read_needs_mayread(struct kunit *test)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct page *pages[2];
	unsigned long addr;
	long pins = mm_pins_outstanding();

	addr = t_mm_mmap(test, 2 * PAGE_SIZE, PROT_WRITE, MAP_PRIVATE);
	KUNIT_EXPECT_EQ(test, t_gup_checked(test, T_API_PUP_UNLOCKED, addr, 1, FOLL_FORCE, pages,
					    ARRAY_SIZE(pages)), 1L);
	KUNIT_EXPECT_TRUE(test, is_zero_page(pages[0]));
	unpin_user_pages(pages, 1);

	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma)
		vma->vm_flags &= ~VM_MAYREAD;
	mmap_write_unlock(mm);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	KUNIT_EXPECT_EQ(test, t_gup_checked(test, T_API_PUP_UNLOCKED, addr + PAGE_SIZE, 1,
					    FOLL_FORCE, pages, ARRAY_SIZE(pages)), -EFAULT);
	KUNIT_EXPECT_EQ(test, t_gup_checked(test, T_API_GUP, addr + PAGE_SIZE, 1, FOLL_FORCE,
					    pages, ARRAY_SIZE(pages)), -EFAULT);
	KUNIT_EXPECT_EQ(test, t_mm_pte(mm, addr + PAGE_SIZE), (pte_t)0);
	KUNIT_EXPECT_EQ(test, mm_pins_outstanding(), pins);
	t_mm_munmap(test, addr, 2 * PAGE_SIZE);
}

/* ---- remote GUP faults in another mm ------------------------------------------- */

/*
 * Remote GUP (FOLL_REMOTE) on memory task B has never touched: the faults
 * happen in B's mm, not in current's (A's). R-GUP-6 holds there too: the
 * read fault maps the zero page, the write fault a fresh zeroed page.
 *
 *   A: pin_user_pages_remote(B->mm, b, 1, FOLL_WRITE)   -> B's PTE: new anon page
 *   A: get_user_pages_remote(B->mm, b + 4K, 1, 0)       -> B's PTE: zero page
 *
 * Expect both calls to return 1 with the page now mapped in B at that
 * address, A's mm to have gained no pages, and B's rss to count the one
 * written page.
 */
static void gup_edge_remote_faults_in_other_mm(struct kunit *test)
{
	struct task_struct *a = current, *b;
	struct page *pin[2], *ref[2];
	long a_rss = atomic_long_read(&a->mm->rss_anon);
	unsigned long baddr;
	int locked = 1;
	long ret, ret2;

	b = sim_task_create();
	KUNIT_ASSERT_NOT_NULL(test, b);
	sim_task_switch(b);
	baddr = t_mm_mmap(test, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	sim_task_switch(a);
	KUNIT_EXPECT_EQ(test, t_mm_pte(b->mm, baddr), (pte_t)0);

	t_mm_poison(pin, ARRAY_SIZE(pin));
	t_mm_poison(ref, ARRAY_SIZE(ref));
	mmap_read_lock(b->mm);
	ret = pin_user_pages_remote(b->mm, baddr, 1, FOLL_WRITE, pin, &locked);
	ret2 = get_user_pages_remote(b->mm, baddr + PAGE_SIZE, 1, 0, ref, &locked);
	mmap_read_unlock(b->mm);
	KUNIT_EXPECT_EQ(test, locked, 1);
	KUNIT_ASSERT_EQ(test, ret, 1L);
	KUNIT_ASSERT_EQ(test, ret2, 1L);
	t_mm_expect_written(test, pin, ARRAY_SIZE(pin), ret);
	t_mm_expect_written(test, ref, ARRAY_SIZE(ref), ret2);
	KUNIT_EXPECT_PTR_EQ(test, pin[0], t_mm_page(b->mm, baddr));
	KUNIT_EXPECT_TRUE(test, PageAnon(pin[0]) && PageAnonExclusive(pin[0]));
	KUNIT_EXPECT_TRUE(test, t_pages_are(pin, 1, 0));
	KUNIT_EXPECT_PTR_EQ(test, ref[0], t_mm_page(b->mm, baddr + PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, is_zero_page(ref[0]));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&b->mm->rss_anon), 1L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&a->mm->rss_anon), a_rss);
	unpin_user_pages(pin, 1);
	put_page(ref[0]);
	sim_task_exit(b);
}

/* ---- no task, or a task without an mm ------------------------------------------ */

static const enum t_gup_api ge_current_apis[] = {
	T_API_GUP_FAST, T_API_PUP_FAST, T_API_GUP, T_API_PUP, T_API_GUP_UNLOCKED,
	T_API_PUP_UNLOCKED,
};

static void ge_api_desc(const enum t_gup_api *api, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", t_gup_api_name(*api));
}

KUNIT_ARRAY_PARAM(ge_api, ge_current_apis, ge_api_desc);

/* The entry point @api on current's mm, called without taking any lock. */
static long ge_call(enum t_gup_api api, unsigned long start, unsigned int flags,
		    struct page **pages)
{
	switch (api) {
	case T_API_GUP_FAST:
		return get_user_pages_fast(start, 1, flags, pages);
	case T_API_PUP_FAST:
		return pin_user_pages_fast(start, 1, flags, pages);
	case T_API_GUP:
		return get_user_pages(start, 1, flags, pages);
	case T_API_PUP:
		return pin_user_pages(start, 1, flags, pages);
	case T_API_GUP_UNLOCKED:
		return get_user_pages_unlocked(start, 1, pages, flags);
	case T_API_PUP_UNLOCKED:
		return pin_user_pages_unlocked(start, 1, pages, flags);
	default:
		return -EINVAL;
	}
}

/*
 * The entry points that work on current's mm, called where there is no
 * user address space: on a host thread running no task (a kernel thread
 * before kthread_use_mm()), and from a task whose mm is gone. There is
 * nothing to walk:
 *
 *   current = NULL          get/pin_user_pages*(addr) -> -EFAULT
 *   current->mm = NULL      get/pin_user_pages*(addr) -> -EFAULT
 *
 * Expect -EFAULT from each API both ways, the page array untouched, and
 * the page that is mapped at addr in the real task unchanged (refcount,
 * no pin).
 */
static void gup_edge_no_mm(struct kunit *test)
{
	const enum t_gup_api api = *(const enum t_gup_api *)test->param_value;
	struct task_struct *me = current;
	struct mm_struct *mm = me->mm;
	struct page *pages[2], *page;
	unsigned long addr;
	long r_none, r_nomm;
	int ref;

	addr = t_mm_mmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	t_mm_fill(test, addr, 0x21, PAGE_SIZE);
	page = t_mm_page(mm, addr);
	ref = page_ref_count(page);

	t_mm_poison(pages, ARRAY_SIZE(pages));
	sim_task_switch(NULL);
	r_none = ge_call(api, addr, FOLL_WRITE, pages);
	sim_task_switch(me);
	me->mm = NULL;
	r_nomm = ge_call(api, addr, FOLL_WRITE, pages);
	me->mm = mm;

	KUNIT_EXPECT_EQ(test, r_none, -EFAULT);
	KUNIT_EXPECT_EQ(test, r_nomm, -EFAULT);
	t_mm_expect_written(test, pages, ARRAY_SIZE(pages), 0);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), ref);
	KUNIT_EXPECT_FALSE(test, page_maybe_dma_pinned(page));
	t_mm_munmap(test, addr, PAGE_SIZE);
}

static struct kunit_case gup_edge_test_cases[] = {
	KUNIT_CASE_PARAM(gup_edge_fault_errors, ge_fault_gen_params),
	KUNIT_CASE(gup_edge_force_write_faults),
	KUNIT_CASE(gup_edge_force_read_needs_mayread),
	KUNIT_CASE(gup_edge_remote_faults_in_other_mm),
	KUNIT_CASE_PARAM(gup_edge_no_mm, ge_api_gen_params),
	{}
};

struct kunit_suite gup_edge_suite = {
	.name = "gup_edge",
	.init = gup_edge_init,
	.exit = gup_edge_exit,
	.test_cases = gup_edge_test_cases,
};
