// SPDX-License-Identifier: GPL-2.0
/*
 * sim/scenarios/scen_util.c - helpers the scenarios share: user buffers,
 * page lookups by walking the page tables as the CPU would, exact pin
 * counts, the vmstat pin counters, and `ram` disks filled and checked
 * through O_DIRECT.
 *
 * No kernel twin (the kernel's selftests have their own, in vm_util.c).
 * Every helper that can fail records a FAIL in the scenario's context.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/scenarios/scen.h"

unsigned long scen_mmap(struct sim_scenario_ctx *ctx, size_t len)
{
	unsigned long addr = sim_mmap(0, len, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (IS_ERR_VALUE(addr)) {
		scen_expect(ctx, false, "sim_mmap(%zu) = %ld", len, (long)addr);
		return 0;
	}
	return addr;
}

unsigned long scen_mmap_small(struct sim_scenario_ctx *ctx, size_t len)
{
	unsigned long addr = scen_mmap(ctx, len);

	if (addr && sim_madvise(addr, len, MADV_NOHUGEPAGE)) {
		scen_expect(ctx, false, "sim_madvise(MADV_NOHUGEPAGE)");
		sim_munmap(addr, len);
		return 0;
	}
	return addr;
}

unsigned long scen_mmap_thp(struct sim_scenario_ctx *ctx, int c, unsigned long *map,
			    size_t *map_len)
{
	unsigned long addr;
	struct page *page;

	/*
	 * Skip the first PMD of the mapping: a page table left there by an
	 * earlier, unmapped buffer would make the fault use small pages.
	 */
	*map_len = 3 * PMD_SIZE;
	*map = scen_mmap(ctx, *map_len);
	if (!*map)
		return 0;
	addr = ALIGN(*map + 1, PMD_SIZE);
	if (!scen_fill(ctx, addr, c, PMD_SIZE))
		goto out_unmap;
	page = scen_page(addr);
	if (!scen_expect(ctx, page && folio_order(page_folio(page)) == HPAGE_PMD_ORDER,
			 "the buffer is one 2 MiB THP (order %u)",
			 page ? folio_order(page_folio(page)) : 0))
		goto out_unmap;
	return addr;

out_unmap:
	sim_munmap(*map, *map_len);
	*map = 0;
	return 0;
}

void scen_munmap(struct sim_scenario_ctx *ctx, unsigned long addr, size_t len)
{
	int err;

	if (!addr)
		return;
	err = sim_munmap(addr, len);
	if (err)
		scen_expect(ctx, false, "sim_munmap(%#lx, %zu) = %d", addr, len, err);
}

bool scen_fill(struct sim_scenario_ctx *ctx, unsigned long addr, int c, size_t len)
{
	ssize_t ret = sim_user_memset(addr, c, len);

	if (ret != (ssize_t)len)
		return scen_expect(ctx, false, "fill %#lx+%zu with %#x: %zd", addr, len, c, ret);
	return true;
}

bool scen_mem_is(const void *p, int c, size_t len)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != (unsigned char)c)
			return false;
	return true;
}

bool scen_user_is(unsigned long addr, int c, size_t len)
{
	unsigned char buf[PAGE_SIZE];
	size_t done;

	for (done = 0; done < len; done += PAGE_SIZE) {
		size_t n = min(len - done, PAGE_SIZE);

		if (sim_user_read(addr + done, buf, n) != (ssize_t)n || !scen_mem_is(buf, c, n))
			return false;
	}
	return true;
}

struct page *scen_page_at(struct mm_struct *mm, unsigned long addr)
{
	pmd_t *pmdp = pmd_lookup_lockless(mm, addr);
	pmd_t pmd;
	pte_t pte;

	if (!pmdp)
		return NULL;
	pmd = pmdp_get(pmdp);
	if (pmd_leaf(pmd))
		return pte_page(pmd) + pte_index(addr);
	if (!pmd_table(pmd))
		return NULL;
	pte = ptep_get(&pmd_pgtable(pmd)[pte_index(addr)]);
	return pte_present(pte) ? pte_page(pte) : NULL;
}

long scen_pins(const struct page *page)
{
	const struct folio *folio = page_folio(page);

	if (folio_test_large(folio))
		return atomic_read(&folio->_pincount);
	return sim_small_folio_pins(folio);
}

void scen_pin_counters(struct sim_scenario_ctx *ctx)
{
	scen_counter(ctx, "nr_foll_pin_acquired", (long)sim_vmstat("nr_foll_pin_acquired"));
	scen_counter(ctx, "nr_foll_pin_released", (long)sim_vmstat("nr_foll_pin_released"));
}

long scen_pins_in_flight(void)
{
	return (long)(sim_vmstat("nr_foll_pin_acquired") - sim_vmstat("nr_foll_pin_released"));
}

int scen_ramdisk(struct sim_scenario_ctx *ctx, const char *name, uint64_t bytes,
		 unsigned int lbs)
{
	int err = sim_ramdisk_create(name, bytes, lbs);

	if (err)
		scen_expect(ctx, false, "sim_ramdisk_create(%s) = %d", name, err);
	return err;
}

int scen_open(struct sim_scenario_ctx *ctx, const char *path, int flags)
{
	int fd = sim_open(path, flags, 0);

	if (fd < 0)
		scen_expect(ctx, false, "sim_open(%s) = %d", path, fd);
	return fd;
}

bool scen_disk_fill(struct sim_scenario_ctx *ctx, int fd, off_t off, int c, size_t len)
{
	unsigned long buf = scen_mmap(ctx, len);
	ssize_t ret = -ENOMEM;

	if (buf && scen_fill(ctx, buf, c, len))
		ret = sim_pwrite(fd, buf, len, off);
	scen_munmap(ctx, buf, len);
	if (ret != (ssize_t)len)
		return scen_expect(ctx, false, "write %#x to the disk at %lld: %zd", c,
				   (long long)off, ret);
	return true;
}

bool scen_disk_is(struct sim_scenario_ctx *ctx, int fd, off_t off, int c, size_t len)
{
	unsigned long buf = scen_mmap(ctx, len);
	bool ok = false;

	if (buf && sim_pread(fd, buf, len, off) == (ssize_t)len)
		ok = scen_user_is(buf, c, len);
	scen_munmap(ctx, buf, len);
	return ok;
}
