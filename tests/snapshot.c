// SPDX-License-Identifier: GPL-2.0
/*
 * tests/snapshot.c - the machine snapshot of "bad input changes nothing";
 * see snapshot.h.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include <pinio/fs.h>
#include <pinio/mm.h>

#include "mm_helpers.h"
#include "snapshot.h"

static uint32_t t_snap_sum(const struct page *page)
{
	const unsigned char *p = page_address(page);
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < PAGE_SIZE; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static void t_snap_counters(struct t_snap *s)
{
	unsigned long i, nr = min(s->spec.len / PAGE_SIZE, (unsigned long)T_SNAP_PAGES);

	sim_ledger_read(&s->ledger);
	s->pin_acq = sim_vmstat("nr_foll_pin_acquired");
	s->pin_rel = sim_vmstat("nr_foll_pin_released");
	s->get_acq = sim_vmstat("pinio_foll_get_acquired");
	s->dma = sim_dma_stat("dma_requests");
	s->files = nr_live_files();
	s->locked = sim_user_locked_pages();
	s->zero_ref = page_ref_count(ZERO_PAGE(0));
	for (i = 0; i < T_SNAP_PAGES; i++) {
		struct t_mm_walk w = { 0 };

		if (i < nr && s->spec.addr)
			t_mm_walk(sim_current()->mm, s->spec.addr + i * PAGE_SIZE, &w);
		s->entry[i] = w.entry & ~_PAGE_ACCESSED;
		s->ref[i] = w.page ? folio_ref_count(page_folio(w.page)) : -1;
		s->sum[i] = w.page ? t_snap_sum(w.page) : 0;
	}
}

static void t_snap_data(struct kunit *test, struct t_snap *s)
{
	int fd;

	s->size = -1;
	s->data_len = -ENOENT;
	if (!s->spec.path)
		return;
	if (!s->data)
		s->data = calloc(1, T_SNAP_DATA);
	KUNIT_ASSERT_NOT_NULL(test, s->data);
	fd = sim_open(s->spec.path, O_RDONLY | O_DIRECT, 0);
	KUNIT_ASSERT_GE_MSG(test, fd, 0, "snapshot: open %s: %d", s->spec.path, fd);
	s->size = sim_lseek(fd, 0, SEEK_END);
	s->data_len = sim_pread(fd, s->spec.scratch, T_SNAP_DATA, 0);
	KUNIT_EXPECT_GE_MSG(test, s->data_len, 0L, "snapshot: read %s", s->spec.path);
	if (s->data_len > 0)
		KUNIT_EXPECT_EQ(test, sim_user_read(s->spec.scratch, s->data, (size_t)s->data_len),
				s->data_len);
	KUNIT_EXPECT_EQ(test, sim_close(fd), 0);
}

/**
 * t_snap_take() - record the machine as @spec says (data first, counters last).
 * @test: the case.
 * @s: filled in; t_snap_free() releases it.
 * @spec: the user range and path to record.
 */
void t_snap_take(struct kunit *test, struct t_snap *s, const struct t_snap_spec *spec)
{
	memset(s, 0, sizeof(*s));
	s->spec = *spec;
	KUNIT_ASSERT_LE(test, spec->len, T_SNAP_PAGES * PAGE_SIZE);
	t_snap_data(test, s);
	t_snap_counters(s);
}

/**
 * t_snap_expect() - expect the machine to equal @before but for what @allow
 * permits (counters first, data last).
 * @test: the case.
 * @before: from t_snap_take().
 * @allow: the row's permitted changes.
 * @what: named in every failure message.
 *
 * Pins: the ledger and nr_foll_pin_acquired - released move by @allow->pins,
 * and the refcounts of the range's folios by GUP_PIN_COUNTING_BIAS per pin
 * in total; unless @allow->churn or @allow->io, no other pin is taken or
 * dropped (a call that pins and unpins again is a change). Without
 * @allow->io, no DMA request; without @allow->dirty, the
 * page-table entries equal but for the accessed bit.
 */
void t_snap_expect(struct kunit *test, const struct t_snap *before,
		   const struct t_snap_allow *allow, const char *what)
{
	static const struct t_snap_allow none;
	const struct t_snap_allow *a = allow ? allow : &none;
	struct t_snap now;
	long ref_delta = 0;
	unsigned long mask = a->dirty ? ~_PAGE_DIRTY : ~0UL;
	int i;

	memset(&now, 0, sizeof(now));
	now.spec = before->spec;
	t_snap_counters(&now);
	KUNIT_EXPECT_EQ_MSG(test, now.ledger.live_folios, before->ledger.live_folios,
			    "%s: live folios", what);
	KUNIT_EXPECT_EQ_MSG(test, now.ledger.pins, before->ledger.pins + a->pins, "%s: pins", what);
	KUNIT_EXPECT_EQ_MSG(test, now.ledger.zero_refs, before->ledger.zero_refs,
			    "%s: zero-page references", what);
	KUNIT_EXPECT_EQ_MSG(test, now.ledger.zero_pins, before->ledger.zero_pins,
			    "%s: huge zero pins", what);
	KUNIT_EXPECT_EQ_MSG(test, now.ledger.live_bios, before->ledger.live_bios, "%s: bios", what);
	KUNIT_EXPECT_EQ_MSG(test, now.ledger.live_mms, before->ledger.live_mms, "%s: mms", what);
	KUNIT_EXPECT_EQ_MSG(test, now.ledger.violations, before->ledger.violations + a->violations,
			    "%s: violations", what);
	/* Legacy direct-io's folio_add_pin() pins uncounted (R-BUG-7): I/O skews it. */
	if (!a->io)
		KUNIT_EXPECT_EQ_MSG(test, (long)(now.pin_acq - now.pin_rel),
				    (long)(before->pin_acq - before->pin_rel) + a->pins,
				    "%s: nr_foll_pin_acquired - released", what);
	if (!a->churn && !a->io) {
		long acquired = (long)(now.pin_acq - before->pin_acq);
		long released = (long)(now.pin_rel - before->pin_rel);

		KUNIT_EXPECT_EQ_MSG(test, acquired, a->pins > 0 ? a->pins : 0,
				    "%s: pins acquired", what);
		KUNIT_EXPECT_EQ_MSG(test, released, a->pins < 0 ? -a->pins : 0,
				    "%s: pins released", what);
	}
	KUNIT_EXPECT_EQ_MSG(test, now.get_acq, before->get_acq, "%s: FOLL_GET references", what);
	if (!a->io)
		KUNIT_EXPECT_EQ_MSG(test, now.dma, before->dma, "%s: DMA requests", what);
	KUNIT_EXPECT_EQ_MSG(test, now.files, before->files, "%s: open files", what);
	KUNIT_EXPECT_EQ_MSG(test, now.locked, before->locked, "%s: locked pages", what);
	KUNIT_EXPECT_EQ_MSG(test, now.zero_ref, before->zero_ref, "%s: zero page's refcount", what);
	for (i = 0; i < T_SNAP_PAGES; i++) {
		KUNIT_EXPECT_EQ_MSG(test, now.entry[i] & mask, before->entry[i] & mask,
				    "%s: page-table entry of page %d", what, i);
		KUNIT_EXPECT_EQ_MSG(test, now.sum[i], before->sum[i], "%s: bytes of page %d",
				    what, i);
		if (a->pins)
			ref_delta += (long)now.ref[i] - before->ref[i];
		else
			KUNIT_EXPECT_EQ_MSG(test, now.ref[i], before->ref[i],
					    "%s: refcount of page %d", what, i);
	}
	if (a->pins)
		KUNIT_EXPECT_EQ_MSG(test, ref_delta, a->pins * (long)GUP_PIN_COUNTING_BIAS,
				    "%s: refcounts of the range", what);

	t_snap_data(test, &now);
	KUNIT_EXPECT_EQ_MSG(test, now.size, before->size, "%s: size of %s", what,
			    before->spec.path ? before->spec.path : "-");
	KUNIT_EXPECT_EQ_MSG(test, now.data_len, before->data_len, "%s: bytes readable", what);
	if (before->data && now.data && now.data_len == before->data_len && now.data_len > 0)
		KUNIT_EXPECT_MEMEQ_MSG(test, now.data, before->data, (size_t)now.data_len,
				       "%s: bytes of %s", what, before->spec.path);
	t_snap_free(&now);
}

/** t_snap_free() - release what t_snap_take() allocated. @s: the snapshot. */
void t_snap_free(struct t_snap *s)
{
	free(s->data);
	s->data = NULL;
}
