/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fs/direct-io.h - what the two halves of the legacy direct-I/O engine
 * share: the request (struct dio), the submission state (struct
 * dio_submit), the holder operations and the calls across the seam.
 * fs/direct-io.c walks the file and the user's pages (the page queue,
 * get_block, sub-block zeroing, do_direct_IO(), __blockdev_direct_IO());
 * fs/direct-io-bio.c builds, submits, reaps and completes the bios and the
 * request (R-DIO-6), and keeps the counters and the INV-14 holder view.
 *
 * The kernel keeps all of it in fs/direct-io.c; nothing outside fs/
 * includes this header.
 */
#ifndef PINIO_FS_DIRECT_IO_H
#define PINIO_FS_DIRECT_IO_H

#include <pthread.h>
#include <pinio/bio.h>
#include <pinio/buffer_head.h>
#include <pinio/fs.h>
#include <pinio/mm.h>

#include "fs/dio_internal.h"


/* How many user pages the queue holds (fs/direct-io.c). */
#define DIO_PAGES	64

/* dio_complete() flags */
#define DIO_COMPLETE_ASYNC	0x01	/* the kiocb is completed here */
#define DIO_COMPLETE_INVALIDATE	0x02	/* invalidate cached pages after a write */

/* How holders hold a page in this request. */
enum dio_hold {
	DIO_HOLD_PIN,	/* v6.5: extraction pins + folio_add_pin (if is_pinned) */
	DIO_HOLD_REF,	/* v6.4 / v21: FOLL_GET + get_page/put_page */
};

/**
 * struct dio_submit - the submission state, on the submitter's stack.
 * @bio: the bio being built.
 * @blkbits: log2 of the I/O block (the fs block, or the device's logical
 *	block when the request is aligned only to that).
 * @blkfactor: fs block bits - @blkbits (> 0: sub-block I/O).
 * @start_zero_done: dio_zero_block(start) has run.
 * @pages_in_io: pages the request may still add (bio sizing).
 * @block_in_file: the next @blkbits block of the file to do.
 * @blocks_available: mapped blocks left from the last get_block.
 * @reap_counter: bios since the last reap.
 * @final_block_in_request: one past the last block of the request.
 * @boundary: the mapping said "submit at the end of this extent".
 * @get_block: the filesystem's mapper.
 * @logical_offset_in_bio: file offset of the bio's first byte.
 * @final_block_in_bio: the disk block after the bio's last.
 * @next_block_for_io: the next disk block (in @blkbits units).
 * @cur_page, @cur_page_offset, @cur_page_len, @cur_page_block,
 * @cur_page_fs_offset: the pending page section (holds one pin).
 * @iter: the user's iterator.
 * @head, @tail: dio->pages[head..tail) are queued (one pin each).
 * @from, @to: data offset in the first queued page, end in the last.
 * @working: the page do_direct_IO() took off the queue (INV-14 view).
 */
struct dio_submit {
	struct bio *bio;
	unsigned int blkbits;
	unsigned int blkfactor;
	unsigned int start_zero_done;
	int pages_in_io;
	sector_t block_in_file;
	unsigned int blocks_available;
	int reap_counter;
	sector_t final_block_in_request;
	int boundary;
	get_block_t *get_block;
	loff_t logical_offset_in_bio;
	sector_t final_block_in_bio;
	sector_t next_block_for_io;
	struct page *cur_page;
	unsigned int cur_page_offset;
	unsigned int cur_page_len;
	sector_t cur_page_block;
	loff_t cur_page_fs_offset;
	struct iov_iter *iter;
	unsigned int head;
	unsigned int tail;
	size_t from, to;
	struct page *working;
};

/**
 * struct dio - one request, shared with the bio completions.
 * @flags: DIO_LOCKING, DIO_SKIP_HOLES.
 * @opf: REQ_OP_READ or REQ_OP_WRITE | REQ_SYNC | REQ_IDLE (| REQ_NOWAIT).
 * @inode, @i_size: the file and its size at submission.
 * @end_io: the filesystem's completion, or NULL.
 * @is_pinned: iov_iter_extract_will_pin() (v6.5; holders pin).
 * @hold: DIO_HOLD_PIN or DIO_HOLD_REF (profile).
 * @private: from the buffer_head, for end_io.
 * @bio_lock, @wait: protect @refcount, @bio_list, @waiting.
 * @page_errors: the first extraction error (writes go on with zeros).
 * @is_async: completes through ki_complete().
 * @defer_completion: the filesystem asked for process-context completion.
 * @should_dirty: READ into user memory.
 * @io_error: -EIO / -EAGAIN from a failed bio.
 * @refcount: bios in flight + 1 for the submitter.
 * @bio_list: sync: completed bios waiting to be reaped.
 * @waiting: the sync submitter sleeps on @wait.
 * @iocb, @result: the request and the bytes done (holes included).
 * @pages: the page queue.
 * @dbg_bios, @dbg_nr, @dbg_cap: submitted, unreleased bios (INV-14 hook only).
 * @on_stack: in __blockdev_direct_IO()'s frame (a sync kiocb), not
 *	allocated: dio_free() only tears it down.
 */
struct dio {
	int flags;
	blk_opf_t opf;
	struct inode *inode;
	loff_t i_size;
	dio_iodone_t *end_io;
	bool is_pinned;
	enum dio_hold hold;
	void *private;
	pthread_mutex_t bio_lock;
	pthread_cond_t wait;
	int page_errors;
	bool is_async;
	bool defer_completion;
	bool should_dirty;
	int io_error;
	unsigned long refcount;
	struct bio *bio_list;
	bool waiting;
	struct kiocb *iocb;
	ssize_t result;
	struct page *pages[DIO_PAGES];
	struct bio **dbg_bios;
	unsigned int dbg_nr, dbg_cap;
	bool on_stack;
};


/* A new holder of @page (cur_page, a bio entry): folio_add_pin() / get_page(). */
static inline void dio_pin_page(struct dio *dio, struct page *page)
{
	if (dio->hold == DIO_HOLD_REF)
		get_page(page);
	else if (dio->is_pinned)
		folio_add_pin(page_folio(page));
}

/* A holder of @page is done with it. */
static inline void dio_unpin_page(struct dio *dio, struct page *page)
{
	if (dio->hold == DIO_HOLD_REF)
		put_page(page);
	else if (dio->is_pinned)
		unpin_user_page(page);
}

/* ---- the page queue (R-DIO-2) -------------------------------------------------- */

/* ---- counters (fs/direct-io-bio.c) ------------------------------------------------ */

extern atomic_long_t dio_st_bios, dio_st_reaps, dio_st_zero_subst, dio_st_zero_chunks,
	dio_st_cleanups;
extern long dio_st_last_ddio, dio_st_last_page_errors;

/* ---- across the seam (fs/direct-io-bio.c) ----------------------------------------- */

/* Call the INV-14 hook (dio_test_knobs.holders_hook) with the holders now. */
void dio_holders_check(struct dio *dio, struct dio_submit *sdio, const char *where);
/* Open sdio->bio at @first_sector with room for @nr_vecs pages, flagged per profile. */
int dio_bio_alloc(struct dio *dio, struct dio_submit *sdio, struct block_device *bdev,
		  sector_t first_sector, int nr_vecs);
/* Submit sdio->bio (dirtying an async read's pages first); one more in flight. */
void dio_bio_submit(struct dio *dio, struct dio_submit *sdio);
/* Every 64 bios: complete the finished ones. Return: the first bio error. */
int dio_bio_reap(struct dio *dio, struct dio_submit *sdio);
/* Sync: wait for and complete every bio still in flight. */
void dio_await_completion(struct dio *dio);
/* The request is over (DIO_COMPLETE_*): result, end_io, invalidation; frees @dio. */
ssize_t dio_complete(struct dio *dio, ssize_t ret, unsigned int flags);
/* Tear @dio down and free it (unless on_stack): its last user. */
void dio_free(struct dio *dio);

#endif /* PINIO_FS_DIRECT_IO_H */
