// SPDX-License-Identifier: GPL-2.0
/*
 * mm/pgtable-generic.c - the four-level page table of a simulated mm.
 *
 * x86-64 layout: PGD -> PUD -> PMD -> PTE, 512 entries each, 47-bit user
 * addresses, PMD leaves (_PAGE_PSE) for 2 MiB folios. Tables live in host
 * memory (they are not simulated frames) and are only freed when the mm is
 * torn down, which is what lets GUP-fast and the CPU walk them without a
 * lock, as the kernel's IRQ-disabled walk relies on deferred table freeing.
 * New tables are installed with compare-and-swap, so concurrent faults
 * never lose one.
 */
#include <stdlib.h>
#include <string.h>
#include <pinio/fault-inject.h>
#include "mm/internal.h"

/**
 * vm_pgprot() - the PTE bits a new mapping of a VMA with @vm_flags gets.
 * @vm_flags: the VMA's VM_READ, VM_WRITE, VM_EXEC and VM_SHARED bits.
 *
 * Private writable mappings start read-only: the write fault decides
 * between reuse and copy (COW). PROT_NONE mappings get _PAGE_PROTNONE.
 */
unsigned long vm_pgprot(unsigned long vm_flags)
{
	unsigned long prot = _PAGE_USER;

	if (!(vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return prot | _PAGE_PROTNONE;
	prot |= _PAGE_PRESENT;
	if ((vm_flags & (VM_SHARED | VM_WRITE)) == (VM_SHARED | VM_WRITE))
		prot |= _PAGE_RW;
	return prot;
}

/**
 * pgtable_alloc() - a zeroed page-table page for @mm.
 * @mm: the address space it is charged to (pgtables_bytes, NR_PAGETABLE).
 *
 * Fails when FAULT_PGTABLE_ALLOC is injected.
 * Return: the table (free with pgtable_free()), or NULL.
 */
pte_t *pgtable_alloc(struct mm_struct *mm)
{
	pte_t *table;

	if (should_fail_alloc(FAULT_PGTABLE_ALLOC))
		return NULL;
	table = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	if (!table)
		return NULL;
	memset(table, 0, PAGE_SIZE);
	atomic_long_add(PAGE_SIZE, &mm->pgtables_bytes);
	mod_node_page_state(NR_PAGETABLE, 1);
	return table;
}

/**
 * pgtable_free() - free a page-table page pgtable_alloc() gave @mm.
 * @mm: the address space it was charged to.
 * @table: the table, no longer linked into @mm's tables.
 */
void pgtable_free(struct mm_struct *mm, void *table)
{
	free(table);
	atomic_long_sub(PAGE_SIZE, &mm->pgtables_bytes);
	mod_node_page_state(NR_PAGETABLE, -1);
}

/* Next-level table of @slot, installing a fresh one if @alloc. */
static unsigned long *table_of(struct mm_struct *mm, unsigned long *slot, bool alloc)
{
	unsigned long e = ptep_get(slot), expected = 0;
	unsigned long *table;

	if (e)
		return (unsigned long *)(e & ~0xfffUL);
	if (!alloc)
		return NULL;
	table = pgtable_alloc(mm);
	if (!table)
		return NULL;
	if (!__atomic_compare_exchange_n(slot, &expected, (unsigned long)table | _PAGE_TABLE,
					 false, __ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE)) {
		pgtable_free(mm, table);
		return (unsigned long *)(expected & ~0xfffUL);
	}
	return table;
}

/**
 * pmd_offset_mm() - the PMD slot of @mm for @addr.
 * @mm: the address space.
 * @addr: a user address.
 * @alloc: install missing upper tables (racing installers agree by cmpxchg).
 *
 * Return: the slot, or NULL if a level is missing (and !@alloc) or its
 * allocation failed.
 */
pmd_t *pmd_offset_mm(struct mm_struct *mm, unsigned long addr, bool alloc)
{
	unsigned long *pud, *pmd;

	pud = table_of(mm, &mm->pgd[pgd_index(addr)], alloc);
	if (!pud)
		return NULL;
	pmd = table_of(mm, &pud[pud_index(addr)], alloc);
	if (!pmd)
		return NULL;
	return &pmd[pmd_index(addr)];
}

/**
 * pmd_lookup_lockless() - the PMD entry of @addr in @mm, for GUP-fast.
 * @mm: the address space.
 * @addr: user address.
 *
 * pmd_offset_mm(@mm, @addr, false) without the allocation paths: two
 * loads, no lock.
 * Return: the entry, or NULL if no PMD table covers @addr.
 */
pmd_t *pmd_lookup_lockless(struct mm_struct *mm, unsigned long addr)
{
	unsigned long e = ptep_get(&mm->pgd[pgd_index(addr)]);
	unsigned long *pud, *pmd;

	if (!e)
		return NULL;
	pud = (unsigned long *)(e & ~0xfffUL);
	e = ptep_get(&pud[pud_index(addr)]);
	if (!e)
		return NULL;
	pmd = (unsigned long *)(e & ~0xfffUL);
	return &pmd[pmd_index(addr)];
}

/*
 * pmd_install() - a fresh PTE table into the empty PMD slot @pmdp.
 *
 * As the kernel's pmd_install(): the slot is checked and set under the
 * page table lock, which is also where a huge-page fault sets a PMD leaf
 * (do_huge_pmd_anonymous_page()), so a table and a leaf can never both
 * win the same slot. A racer that filled it first keeps it, and our table
 * is freed. Not the lock-free cmpxchg of the upper levels: those hold
 * only tables, a PMD slot may hold a leaf.
 *
 * Return: 0 (the slot is no longer empty), -ENOMEM.
 */
static int pmd_install(struct mm_struct *mm, pmd_t *pmdp)
{
	pte_t *table = pgtable_alloc(mm);

	if (!table)
		return -ENOMEM;
	pthread_mutex_lock(&mm->page_table_lock);
	if (pmd_none(pmdp_get(pmdp))) {
		set_pmd(pmdp, (unsigned long)table | _PAGE_TABLE);
		table = NULL;
	}
	pthread_mutex_unlock(&mm->page_table_lock);
	if (table)
		pgtable_free(mm, table);
	return 0;
}

/**
 * pte_offset_mm() - the PTE slot of @mm for @addr.
 * @mm: the address space.
 * @addr: a user address.
 * @alloc: install missing tables at every level (upper levels by cmpxchg,
 *	the PTE table under the page table lock, see pmd_install(); a racer
 *	that got there first wins and our table is freed).
 *
 * Walks (and with @alloc fills in) the upper levels through
 * pmd_offset_mm(), then the PTE table, reading the PMD slot once per look. A PMD that maps a huge page has no
 * PTE table: the answer is NULL, and the caller looks at the PMD itself.
 * Takes no lock: the slot stays valid while the mmap_lock keeps the
 * tables from being freed; reading or changing the PTE needs the page
 * table lock.
 *
 * Context: mmap_lock held (or the mm not yet shared, as in fork's copy);
 * may allocate.
 * Return: the slot, or NULL if a level is missing (and !@alloc), an
 * allocation failed, or the PMD is a leaf.
 */
pte_t *pte_offset_mm(struct mm_struct *mm, unsigned long addr, bool alloc)
{
	pmd_t *pmdp = pmd_offset_mm(mm, addr, alloc);

	if (!pmdp)
		return NULL;
	for (;;) {
		/* One read: the slot may change under us (no ptl held). */
		pmd_t pmd = pmdp_get(pmdp);

		if (pmd_leaf(pmd))
			return NULL;
		if (pmd_table(pmd))
			return &pmd_pgtable(pmd)[pte_index(addr)];
		if (!alloc || pmd_install(mm, pmdp))
			return NULL;
		/* Installed, by us or by a racer (a table or a huge page): look again. */
	}
}

/**
 * free_pgd_range() - free every page table of @mm below the PGD.
 * @mm: an address space being torn down, its VMAs already zapped.
 *
 * Context: tear-down only: no walker may be running on @mm any more.
 */
void free_pgd_range(struct mm_struct *mm)
{
	int i, j, k;

	for (i = 0; i < PTRS_PER_TABLE; i++) {
		unsigned long *pud = mm->pgd[i] ? (unsigned long *)(mm->pgd[i] & ~0xfffUL) : NULL;

		if (!pud)
			continue;
		for (j = 0; j < PTRS_PER_TABLE; j++) {
			unsigned long *pmd = pud[j] ? (unsigned long *)(pud[j] & ~0xfffUL) : NULL;

			if (!pmd)
				continue;
			for (k = 0; k < PTRS_PER_TABLE; k++)
				if (pmd_table(pmd[k]))
					pgtable_free(mm, pmd_pgtable(pmd[k]));
			pgtable_free(mm, pmd);
		}
		pgtable_free(mm, pud);
	}
	memset(mm->pgd, 0, PAGE_SIZE);
}
