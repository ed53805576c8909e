/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/bug.h - WARN_ON()/BUG_ON() and the VM debug checks.
 *
 * Models include/asm-generic/bug.h and include/linux/mmdebug.h. A WARN
 * prints file:line once per site but is *counted* every time it fires, so
 * the test runner can fail a case that raised a warning it did not expect.
 * BUG_ON() and VM_BUG_ON_*() abort: they mark states that would corrupt
 * data. VM_BUG_ON*() compile to nothing unless DEBUG_VM is defined.
 */
#ifndef PINIO_BUG_H
#define PINIO_BUG_H

#include <pinio/compiler.h>

/* Number of WARNs fired since boot of the process (all sites, every time). */
unsigned long pinio_warnings(void);
void __pinio_warn(const char *file, int line, const char *cond, bool *once);
void __pinio_bug(const char *file, int line, const char *cond) __attribute__((noreturn));
/* Quiet mode: WARNs are still counted but not printed (set by expecting tests). */
void pinio_warn_quiet(bool quiet);

#define __WARN_COND(cond, onceptr) ({					\
	bool __ret = !!(cond);						\
	if (unlikely(__ret))						\
		__pinio_warn(__FILE__, __LINE__, #cond, onceptr);	\
	__ret;								\
})

#define WARN_ON(cond)		__WARN_COND(cond, NULL)
#define WARN_ON_ONCE(cond)	({ static bool __once; __WARN_COND(cond, &__once); })
#define WARN(cond, ...)		WARN_ON(cond)
#define WARN_ONCE(cond, ...)	WARN_ON_ONCE(cond)

#define BUG()		__pinio_bug(__FILE__, __LINE__, "BUG()")
#define BUG_ON(cond)	do { if (unlikely(cond)) __pinio_bug(__FILE__, __LINE__, #cond); } while (0)

#ifdef DEBUG_VM
#define VM_BUG_ON(cond)			BUG_ON(cond)
#define VM_BUG_ON_PAGE(cond, page)	do { if (unlikely(cond)) { dump_page(page, #cond); BUG(); } } while (0)
#define VM_BUG_ON_FOLIO(cond, folio)	VM_BUG_ON_PAGE(cond, &(folio)->page)
#define VM_WARN_ON(cond)		(void)WARN_ON(cond)
#define VM_WARN_ON_ONCE(cond)		(void)WARN_ON_ONCE(cond)
#define VM_WARN_ON_ONCE_FOLIO(cond, f)	(void)WARN_ON_ONCE(cond)
#else
#define VM_BUG_ON(cond)			do { (void)sizeof(!!(cond)); } while (0)
#define VM_BUG_ON_PAGE(cond, page)	do { (void)sizeof(!!(cond)); (void)(page); } while (0)
#define VM_BUG_ON_FOLIO(cond, folio)	do { (void)sizeof(!!(cond)); (void)(folio); } while (0)
#define VM_WARN_ON(cond)		do { (void)sizeof(!!(cond)); } while (0)
#define VM_WARN_ON_ONCE(cond)		do { (void)sizeof(!!(cond)); } while (0)
#define VM_WARN_ON_ONCE_FOLIO(cond, f)	do { (void)sizeof(!!(cond)); } while (0)
#endif

/*
 * The simulation's own page checks, switched like a kernel debug option
 * behind a static key (CONFIG_DEBUG_VM, page_owner, the page_ref
 * tracepoints): GUP's shadow pin count of small folios, which refuses an
 * unpin of a page that holds no pin (R22), and the per-frame page-event
 * rings that an invariant failure prints (lib/trace.c). On by default, so
 * in every test, fuzz and tool run; a machine booted with
 * sim_config.no_page_checks (the benchmarks' checks=off runs) leaves them
 * out. Read-mostly: written only by sim_boot() and sim_shutdown(), while
 * no other thread of the machine runs (mm/debug.c).
 */
extern bool pinio_page_checks;

static __always_inline bool page_checks_enabled(void)
{
	return likely(__atomic_load_n(&pinio_page_checks, __ATOMIC_RELAXED));
}

struct page;
/* Print @page's state and event history to stderr (mm/debug.c). */
void dump_page(struct page *page, const char *reason);

#endif /* PINIO_BUG_H */
