/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dma_lifetime.pml - Spin model of the DMA-lifetime protocol of pinned I/O.
 *
 * Models how a page stays alive and in the right hands while a device DMAs
 * into it: FOLL_PIN extraction for an O_DIRECT read (mm/gup.c,
 * block/bio.c, fs/iomap/direct-io.c), bio completion (bio_endio ->
 * bio_release_pages), truncate with inode_dio_wait (ext4_setattr, fs/inode.c),
 * fork with copy_present_pte (mm/memory.c, R-COW-2), the page allocator's
 * LIFO reuse of freed pages (mm/page_alloc.c) and direct_splice_read
 * (fs/splice.c, R-ITER-14). Leaves out: byte offsets inside a page, large
 * folios (a pin counts 1 in the refcount, like a large folio's exact
 * count), zero pages, writeback and partial/failed completions. See
 * model/README.md for the process-to-kernel map, properties and variants.
 *
 * Scenarios (one per run):
 *   default   DIO: async O_DIRECT read of file F into a 2-page anonymous
 *             buffer (one bio per page), racing fork (another thread of the
 *             parent), truncate(F, 0) and an allocator that reuses pages.
 *   -DSPLICE  sendfile/splice from an O_DIRECT file: direct_splice_read into
 *             2 fresh pages, then a pipe consumer; racing truncate and the
 *             allocator.
 * Variants that must be caught (a counterexample is the expected result):
 *   -DBROKEN_TRUNCATE     ->setattr skips inode_dio_wait: truncate empties
 *                         F's page cache and frees F's blocks while a bio
 *                         still reads them (the blocks can go to file G).
 *   -DSPLICE -DBROKEN_PIPE_REVERT
 *                         the pre-6.5 ITER_PIPE path: iov_iter_revert()
 *                         frees a pipe page that an unpinned bio is still
 *                         DMAing into (syzbot a440341a59e3b7142895, B6).
 *   -DFOLL_GET            pre-6.5 DIO: the buffer is only referenced
 *                         (get_user_pages), so fork shares it and the
 *                         parent's next write moves it away (R-COW-4).
 *   -DBROKEN_DEVICE_HANG  a device that stops taking bios: only there to
 *                         show that the LTL runs are not vacuous.
 */

/* ------------------------------------------------------------------ sizes */

#define NPG	2	/* pages in the I/O buffer = blocks of F = bios */
#define NBIO	NPG
#define NB	2	/* disk blocks (both belong to F at boot) */
#define NIL	255	/* "no page" / "no block" */

#ifdef SPLICE
#define NF	4	/* frames: F's cached page + 2 splice pages + 1 for reuse */
#else
#define NF	6	/* frames: 2 buffer + F's cached page + 2 copies + 1 */
#endif

#ifndef ALLOC_ROUNDS
#define ALLOC_ROUNDS	2	/* how often the allocator's other user
				 * takes a freed page (each take bumps gen) */
#endif

/* Frame owners (page->mapping, roughly). */
#define O_FREE		0
#define O_ANON		1	/* anonymous memory of the parent or child */
#define O_PCACHE	2	/* F's page cache */
#define O_SPLICE	3	/* direct_splice_read's bulk-allocated pages */
#define O_PIPE		4	/* a pipe buffer's page */
#define O_OTHER		5	/* someone else: slab, skb, another process */

/* Page contents, abstracted to one value per page. */
#define D_POISON	1	/* page_poison pattern of a free page */
#define D_OLD		2	/* the buffer's bytes before the read */
#define D_DEV		3	/* what the device read from F */
#define D_CACHE		4	/* F's cached data */
#define D_FRESH		5	/* a freshly allocated page */
#define D_OTHER		6	/* the other user's data */

/* Bio states. */
#define B_IDLE		0
#define B_SUBMITTED	1	/* submit_bio() done, DMA not yet */
#define B_DMA_DONE	2	/* the device has transferred the data */
#define B_COMPLETED	3	/* bio_endio() has run */

/* Bio page-release mode (BIO_PAGE_PINNED / BIO_PAGE_REFFED / neither). */
#define M_NONE		0
#define M_PINNED	1
#define M_REFFED	2

#ifdef FOLL_GET
#define GUP_MODE	M_REFFED
#else
#define GUP_MODE	M_PINNED
#endif

/* Block owners. */
#define BLK_FREE	0
#define BLK_F		1
#define BLK_G		2	/* another file that gets F's freed blocks */

/* ------------------------------------------------------ struct page state */

byte ref[NF];		/* page_ref_count(); a pin counts 1 here */
byte pin[NF];		/* folio_maybe_dma_pinned() pins */
byte gen[NF];		/* allocation generation, bumped by alloc_page */
byte data[NF];
byte owner[NF];
bit excl[NF];		/* PageAnonExclusive */
bit dirty[NF];
byte freelist[NF];	/* the pcp free list: LIFO, like the kernel's */
byte nfree;
byte npins;		/* nr_foll_pin_acquired - nr_foll_pin_released */
bit mm_has_pinned;	/* MMF_HAS_PINNED of the parent's mm */

/* ------------------------------------------------------------ the holders */

byte pte_parent[NPG];	/* parent's PTEs for the buffer (frame or NIL) */
byte pte_child[NPG];	/* child's PTEs for the buffer after fork */
byte child_view[NPG];	/* what the child's buffer held at fork */
byte pcache;		/* F's page-cache slot for index 0 */
byte alloc_hold;	/* page held by the allocator's other user */
byte sp_page[NPG];	/* direct_splice_read's bvec array */
byte pipe_buf[NPG];	/* pipe buffers */
byte pipe_gen[NPG];	/* generation of the page when it entered the pipe */

/* ------------------------------------------------------------------ bios */

byte bio_state[NBIO];
byte bio_mode[NBIO];
byte bio_page[NBIO];	/* one page per bio */
byte bio_pgen[NBIO];	/* snapshot of gen[bio_page] at submit */
byte bio_blk[NBIO];	/* the disk block read */
byte bio_bgen[NBIO];	/* snapshot of blk_gen[bio_blk] at submit */

/* ------------------------------------------------------ inode F and disk */

byte i_size;		/* in pages */
byte fblk[NPG];		/* F's block map */
byte blk_owner[NB];
byte blk_gen[NB];
byte gblk;		/* the block file G was given, or NIL */
byte i_dio_count;	/* inode->i_dio_count */
byte dio_ref;		/* struct iomap_dio ->ref */
bit dio_done;		/* iomap_dio_complete() has run */
byte rw_readers;	/* inode->i_rwsem held shared */
bit rw_writer;		/* inode->i_rwsem held exclusive */
bit eof_short;		/* SPLICE: EOF ends the read inside the request */

/* Done flags, for the final quiescence check. */
bit user_done, fork_done, forked, child_done, trunc_done, alloc_done;
bit splice_done, consumer_done, pipe_ready;

hidden byte hf;		/* scratch, only inside atomic sequences */
hidden byte ho;

/* -------------------------------------------------------------- the LTL */

/* Every submitted bio eventually completes. */
ltl bios_complete {
	[] (((bio_state[0] == B_SUBMITTED) -> <> (bio_state[0] == B_COMPLETED)) &&
	    ((bio_state[1] == B_SUBMITTED) -> <> (bio_state[1] == B_COMPLETED)))
}
/* Pins (and DIO counts) return to baseline and stay there, and every page
 * goes back to the allocator: INV-10 and the teardown half of I4. */
ltl pins_baseline {
	<> [] (npins == 0 && i_dio_count == 0 && nfree == NF)
}
/* truncate's inode_dio_wait cannot wait forever. */
ltl truncate_returns {
	<> (trunc_done == 1)
}

/* ------------------------------------------------------------ invariants */

/* Holders of frame f: each PTE, the page-cache slot, the other user, the
 * splice array, the pipe, and every in-flight bio that owns its page (a
 * PINNED bio holds one pin, a REFFED bio one reference, M_NONE nothing). */
#define BIO_HOLDS(b, f)	(bio_page[b] == f && bio_mode[b] != M_NONE && \
			 (bio_state[b] == B_SUBMITTED || bio_state[b] == B_DMA_DONE))
#define BIO_PINS(b, f)	(bio_page[b] == f && bio_mode[b] == M_PINNED && \
			 (bio_state[b] == B_SUBMITTED || bio_state[b] == B_DMA_DONE))
#define HOLDERS(f)	((pte_parent[0] == f) + (pte_parent[1] == f) + \
			 (pte_child[0] == f) + (pte_child[1] == f) + \
			 (pcache == f) + (alloc_hold == f) + \
			 (sp_page[0] == f) + (sp_page[1] == f) + \
			 (pipe_buf[0] == f) + (pipe_buf[1] == f) + \
			 BIO_HOLDS(0, f) + BIO_HOLDS(1, f))
#define PINNERS(f)	(BIO_PINS(0, f) + BIO_PINS(1, f))

/* I1: refcount == sum of holders; pincount == pins held by bios; a page
 * is free exactly when its refcount is 0 (so nothing reachable is free: I2). */
#define I1(f)	(ref[f] == HOLDERS(f) && pin[f] == PINNERS(f) && \
		 ((ref[f] == 0) == (owner[f] == O_FREE)))
/* I6/INV-13: a pinned anonymous page is mapped by the parent only. */
#define I6(f)	(pin[f] == 0 || \
		 (pte_child[0] != f && pte_child[1] != f && excl[f]))

#ifdef SPLICE
#define ALL_I1	(I1(0) && I1(1) && I1(2) && I1(3))
#define ALL_I6	(I6(0) && I6(1) && I6(2) && I6(3))
#define SUMPINS	(pin[0] + pin[1] + pin[2] + pin[3])
#else
#define ALL_I1	(I1(0) && I1(1) && I1(2) && I1(3) && I1(4) && I1(5))
#define ALL_I6	(I6(0) && I6(1) && I6(2) && I6(3) && I6(4) && I6(5))
#define SUMPINS	(pin[0] + pin[1] + pin[2] + pin[3] + pin[4] + pin[5])
#endif
/* I4: the pin counters balance. I7: once truncated, the page never
 * returns to F's cache. */
#define I4	(npins == SUMPINS)
#define I7	(trunc_done == 0 || pcache == NIL)
#define INVARIANTS	(ALL_I1 && ALL_I6 && I4 && I7)

/*
 * The oracle of scenarios.md 5.1, checked in every reachable state: the
 * monitor is blocked while the invariants hold (so it adds no states and no
 * cycles) and wakes up only to report which one broke.
 */
proctype Monitor()
{
end_mon:
	atomic {
		!INVARIANTS ->
		assert(ALL_I1);
		assert(ALL_I6);
		assert(I4);
		assert(I7)
	}
}

/* ------------------------------------------------- page allocator (mm/) */

/* __free_pages -> free_pages_prepare (page_poison) -> pcp list (LIFO). */
inline free_page(f)
{
	assert(ref[f] == 0 && pin[f] == 0);
	owner[f] = O_FREE;
	data[f] = D_POISON;
	dirty[f] = 0;
	excl[f] = 0;
	freelist[nfree] = f;
	nfree++
}

/* put_page / folio_put: the last reference frees the page. */
inline put_page(f)
{
	assert(ref[f] > 0);
	ref[f]--;
	if
	:: ref[f] == 0 -> free_page(f)
	:: else -> skip
	fi
}

/*
 * alloc_pages: hands out the most recently freed page (pcp lists are LIFO,
 * which is what made B6 corrupt slab), checks the poison (I9's second half:
 * a DMA into a free page would show here) and starts a new generation.
 */
inline alloc_page(f, who)
{
	assert(nfree > 0);	/* the model is sized so this never fails */
	nfree--;
	f = freelist[nfree];
	freelist[nfree] = 0;
	assert(ref[f] == 0 && owner[f] == O_FREE);
	assert(data[f] == D_POISON);
	gen[f]++;
	ref[f] = 1;
	owner[f] = who
}

/* ------------------------------------------------------ DIO bookkeeping */

/* iomap_dio's ->ref: the submitter holds one, each bio one. The last put
 * runs iomap_dio_complete -> inode_dio_end, which wakes inode_dio_wait. */
inline dio_put_ref()
{
	assert(dio_ref > 0);
	dio_ref--;
	if
	:: dio_ref == 0 ->
		assert(i_dio_count > 0);
		i_dio_count--;
		dio_done = 1
	:: else -> skip
	fi
}

/* submit_bio of a one-page bio reading F's block i into frame f. */
inline submit_bio(i, f, mode)
{
	bio_page[i] = f;
	bio_pgen[i] = gen[f];
	bio_blk[i] = fblk[i];
	bio_bgen[i] = blk_gen[fblk[i]];
	bio_mode[i] = mode;
	dio_ref++;
	bio_state[i] = B_SUBMITTED;
	printf("EV submit_bio: bio %d -> frame %d gen %d, block %d\n",
	       i, f, gen[f], fblk[i])
}

#ifndef SPLICE
/* --------------------------------------------- fork, COW, GUP (mm/memory.c) */

/*
 * A write fault by the parent on buffer page i that is not exclusive
 * (do_wp_page): reuse it if nobody else holds it (wp_page_reuse), else copy
 * it (wp_page_copy) and drop the parent's reference to the old page.
 */
inline parent_cow(i, nf)
{
	ho = pte_parent[i];
	if
	:: ref[ho] == 1 ->
		printf("EV parent: write fault on page %d reuses frame %d\n",
		       i, ho);
		excl[ho] = 1
	:: else ->
		alloc_page(nf, O_ANON);
		data[nf] = data[ho];
		excl[nf] = 1;
		pte_parent[i] = nf;
		printf("EV parent: write fault on page %d: COW copy, frame %d -> frame %d (old frame keeps ref %d)\n",
		       i, ho, nf, ref[ho] - 1);
		put_page(ho)
	fi
}

/*
 * pin_user_pages_fast(FOLL_PIN | FOLL_WRITE) on buffer page i, as
 * iov_iter_extract_pages does for a user-backed ITER_DEST iterator.
 * FOLL_WRITE breaks COW first, so the page is exclusive (R-COW-3); then
 * try_grab_folio(FOLL_PIN) adds the pin and sets MMF_HAS_PINNED (R-COW-1).
 * With -DFOLL_GET: get_user_pages_fast, a plain reference, no MMF flag.
 */
inline user_gup(i, f, nf)
{
	if
	:: !excl[pte_parent[i]] -> parent_cow(i, nf)
	:: else -> skip
	fi;
	f = pte_parent[i];
	assert(ref[f] > 0);
	ref[f]++;
#ifndef FOLL_GET
	pin[f]++;
	npins++;
	mm_has_pinned = 1;
	printf("EV user: pin_user_pages page %d = frame %d (gen %d, pins %d)\n",
	       i, f, gen[f], pin[f])
#else
	printf("EV user: get_user_pages page %d = frame %d (gen %d, ref only, no pin)\n",
	       i, f, gen[f])
#endif
}

/*
 * Child: the forked process. Some time after fork it looks at its copy of
 * the buffer, which must still hold what the parent's buffer held at fork
 * (I8, R07: the child never sees the parent's DMA), then exits (exit_mmap
 * zaps its PTEs).
 */
proctype Child()
{
	byte i, f;

	atomic {
		i = 0;
		do
		:: i < NPG ->
			f = pte_child[i];
			printf("EV child: reads page %d (frame %d) and exits\n",
			       i, f);
			assert(data[f] == child_view[i]);
			pte_child[i] = NIL;
			put_page(f);
			i++
		:: else -> break
		od;
		i = 0;
		f = 0;
		child_done = 1
	}
}

/*
 * Fork: another thread of the parent calls fork() while the read is in
 * flight (R07). dup_mmap holds the parent's mmap_lock for write, which
 * excludes GUP's slow path, and GUP-fast backs off on write_protect_seq
 * (R-GUP-2), so the whole copy is one step. copy_present_pte (R-COW-2):
 *   PageAnonExclusive && MMF_HAS_PINNED && folio_maybe_dma_pinned
 *     -> copy_present_page: the child gets a private copy at once, the
 *        parent keeps the pinned page, still exclusive;
 *   otherwise -> page_try_dup_anon_rmap: shared, exclusive cleared, both
 *        PTEs write-protected.
 * With -DFOLL_GET the page is never "maybe pinned", so it is shared.
 */
proctype Fork()
{
	byte i, f, nf;

	atomic {
		if
		:: pte_parent[0] != NIL ->
			i = 0;
			do
			:: i < NPG ->
				f = pte_parent[i];
				if
				:: excl[f] && mm_has_pinned && pin[f] > 0 ->
					alloc_page(nf, O_ANON);
					data[nf] = data[f];
					excl[nf] = 1;
					pte_child[i] = nf;
					printf("EV fork: page %d frame %d is pinned: child gets copy frame %d\n",
					       i, f, nf)
				:: else ->
					ref[f]++;
					excl[f] = 0;
					pte_child[i] = f;
					printf("EV fork: page %d frame %d shared with the child (ref %d, pins %d)\n",
					       i, f, ref[f], pin[f])
				fi;
				child_view[i] = data[pte_child[i]];
				i++
			:: else -> break
			od;
			forked = 1;
			run Child()
		:: else -> skip		/* the buffer is already unmapped */
		fi;
		i = 0;
		f = 0;
		nf = 0;
		fork_done = 1
	}
}

/*
 * User: the parent's I/O thread. io_submit(IOCB_CMD_PREAD) of NPG pages of
 * O_DIRECT file F into its anonymous buffer:
 *   ext4_dio_read_iter: inode_lock_shared
 *   __iomap_dio_rw: inode_dio_begin, dio->ref = 1
 *   per page: ext4_iomap_begin maps F's block; iomap_dio_bio_iter ->
 *     bio_iov_iter_get_pages -> iov_iter_extract_pages (pin, one per
 *     page, BIO_PAGE_PINNED) -> submit_bio
 *   drop the submitter's dio ref, -EIOCBQUEUED, inode_unlock_shared.
 * Then the task runs on: it may write to another byte of its buffer (which
 * COW-faults if the page is shared: R-COW-4 step 2), waits for the
 * completion (io_getevents), checks the data (I8) and unmaps the buffer.
 */
proctype User()
{
	byte i, f, nf, nread;

	atomic { !rw_writer -> rw_readers++ }
	atomic { i_dio_count++; dio_ref = 1 }
	i = 0;
	do
	:: i < NPG && i < i_size ->
		atomic {
			user_gup(i, f, nf);
			submit_bio(i, f, GUP_MODE)
		}
		i++
	:: else -> break
	od;
	nread = i;
	atomic { dio_put_ref(); rw_readers-- }

	/* write to the buffer while the read is in flight (or don't) */
	if
	:: i = 0
	:: i = 1
	:: i = NPG
	fi;
	atomic {
		if
		:: i < NPG && !excl[pte_parent[i]] -> parent_cow(i, nf)
		:: else -> skip
		fi;
		i = 0
	}

	dio_done;		/* io_getevents */

	atomic {
		/* I8: the issuing process's buffer holds the device data */
		i = 0;
		do
		:: i < nread ->
			assert(data[pte_parent[i]] == D_DEV);
			i++
		:: else -> break
		od;
		/* munmap(buffer) */
		i = 0;
		do
		:: i < NPG ->
			f = pte_parent[i];
			pte_parent[i] = NIL;
			put_page(f);
			i++
		:: else -> break
		od;
		i = 0;
		f = 0;
		nf = 0;
		nread = 0;
		user_done = 1
	}
}
#endif /* !SPLICE */

#ifdef SPLICE
/* ------------------------------------------------- splice (fs/splice.c) */

/*
 * SpliceRead: sendfile/splice from O_DIRECT file F into a pipe.
 *
 * Fixed (v6.5, direct_splice_read): allocate the pages in bulk, read into
 * them synchronously through an ITER_BVEC (a kernel iterator: bios take no
 * pin and no ref, BIO_PAGE_PINNED is clear, the caller owns the pages),
 * wait, release the pages past the returned length, push the rest into
 * the pipe. iov_iter_revert on ITER_BVEC only moves the iterator.
 *
 * -DBROKEN_PIPE_REVERT (<= v6.4, generic_file_splice_read + ITER_PIPE):
 * extraction allocates each page straight into a pipe buffer (push_pipe);
 * after submitting, __iomap_dio_rw sees that the read ran past EOF and
 * calls iov_iter_revert, which on ITER_PIPE releases the pipe buffers past
 * the new end (pipe_truncate) -- freeing a page that a bio without a
 * reference is still DMAing into. Only then does the sync read wait.
 *
 * eof_short stands for the syzbot file (0x800 bytes, read from 0x200 for
 * 0x1dd00): EOF falls inside the request, the block-rounded read has
 * already put a bio on page 1, and page 1 holds nothing below EOF.
 * ext4 holds i_rwsem shared across the whole synchronous read.
 */
proctype SpliceRead()
{
	byte i, f, n;

#ifndef BROKEN_PIPE_REVERT
	atomic {
		alloc_page(f, O_SPLICE);
		data[f] = D_FRESH;
		sp_page[0] = f;
		alloc_page(f, O_SPLICE);
		data[f] = D_FRESH;
		sp_page[1] = f;
		printf("EV direct_splice_read: bulk-allocated frames %d %d\n",
		       sp_page[0], sp_page[1])
	}
#endif
	atomic { !rw_writer -> rw_readers++ }
	atomic { i_dio_count++; dio_ref = 1 }
	i = 0;
	do
	:: i < NPG && i < i_size ->
		atomic {
#ifdef BROKEN_PIPE_REVERT
			alloc_page(f, O_PIPE);
			data[f] = D_FRESH;
			pipe_buf[i] = f;
			pipe_gen[i] = gen[f];
			printf("EV ITER_PIPE: push_pipe puts frame %d in pipe buffer %d (no ref for the bio)\n",
			       f, i);
#else
			f = sp_page[i];
#endif
			submit_bio(i, f, M_NONE)
		}
		i++
	:: else -> break
	od;
	/* bytes reported: up to EOF */
	if
	:: i == NPG && eof_short -> n = NPG - 1
	:: else -> n = i
	fi;
	/* if (READ && iomi.pos >= dio->i_size) iov_iter_revert(...) */
#ifdef BROKEN_PIPE_REVERT
	if
	:: n < i ->
		atomic {
			f = pipe_buf[NPG - 1];
			printf("EV iov_iter_revert: past EOF, pipe_truncate releases pipe buffer %d (frame %d, bio %d in state %d)\n",
			       NPG - 1, f, NPG - 1, bio_state[NPG - 1]);
			pipe_buf[NPG - 1] = NIL;
			put_page(f)
		}
	:: else -> skip
	fi;
#endif
	atomic { dio_put_ref() }
	dio_done;		/* sync kiocb: wait for every bio */
	atomic { rw_readers-- }
#ifndef BROKEN_PIPE_REVERT
	/* trim, then push into the pipe (the pipe buffer inherits the ref) */
	atomic {
		i = 0;
		do
		:: i < NPG ->
			f = sp_page[i];
			sp_page[i] = NIL;
			if
			:: i < n ->
				printf("EV direct_splice_read: frame %d pushed into the pipe\n",
				       f);
				owner[f] = O_PIPE;
				pipe_buf[i] = f;
				pipe_gen[i] = gen[f]
			:: else ->
				printf("EV direct_splice_read: trims frame %d (past EOF, read done)\n",
				       f);
				put_page(f)
			fi;
			i++
		:: else -> break
		od
	}
#endif
	atomic {
		i = 0;
		f = 0;
		n = 0;
		pipe_ready = 1;
		splice_done = 1
	}
}

/*
 * PipeConsumer: splice_direct_to_actor's actor (or a reader of the pipe).
 * Each buffer still holds the page that was pushed, with the file data;
 * pipe_buf_release drops the last reference, so the pages are freed only
 * now (R09).
 */
proctype PipeConsumer()
{
	byte i, f;

	pipe_ready;
	i = 0;
	do
	:: i < NPG ->
		atomic {
			if
			:: pipe_buf[i] != NIL ->
				f = pipe_buf[i];
				printf("EV pipe consumer: reads and releases frame %d\n",
				       f);
				assert(ref[f] > 0 && gen[f] == pipe_gen[i]);
				assert(data[f] == D_DEV);
				pipe_buf[i] = NIL;
				put_page(f)
			:: else -> skip
			fi;
			f = 0
		}
		i++
	:: else -> break
	od;
	atomic { i = 0; consumer_done = 1 }
}
#endif /* SPLICE */

/* ------------------------------------------ device and completion (block/) */

/*
 * Device: the DMA engine of the block device. It takes submitted bios in
 * any order, after any delay, and transfers F's block into the bio's page.
 * DMA bypasses KASAN, so it checks its own target (I9): the page is live
 * and of the generation the bio was built with, and the block it reads is
 * still F's, not freed or handed to another file by truncate.
 */
inline dma(b)
{
	hf = bio_page[b];
	printf("EV device: DMA bio %d -> frame %d (ref %d, gen %d, bio's gen %d), block %d\n",
	       b, hf, ref[hf], gen[hf], bio_pgen[b], bio_blk[b]);
	assert(ref[hf] > 0);			/* I9: not a freed page */
	assert(gen[hf] == bio_pgen[b]);	/* I9: not a reused page */
	assert(blk_owner[bio_blk[b]] == BLK_F &&
	       blk_gen[bio_blk[b]] == bio_bgen[b]);
	data[hf] = D_DEV;
	bio_state[b] = B_DMA_DONE
}

proctype Device()
{
end_dev:
	do
	:: atomic { bio_state[0] == B_SUBMITTED -> dma(0) }
	:: atomic { bio_state[1] == B_SUBMITTED -> dma(1) }
#ifdef BROKEN_DEVICE_HANG
	:: atomic {
		bio_state[0] == B_SUBMITTED || bio_state[1] == B_SUBMITTED ->
		printf("EV device: hangs with a bio queued\n");
		break
	   }
#endif
	od
}

/*
 * Completion: bio_endio -> iomap_dio_bio_end_io. For a user-backed read
 * (should_dirty) the pages are dirtied, then released
 * (bio_check_pages_dirty / __bio_release_pages: unpin_user_page, or
 * put_page for a REFFED bio; R-WB-2); a bio without BIO_PAGE_PINNED
 * releases nothing. Then the dio ref is dropped; the last one ends the
 * DIO (inode_dio_end).
 *
 * The DMA target must be owned by the issuing process at completion: for
 * the DIO read, mapped by the parent and by no other process (I6, R-COW-4);
 * for the splice read, still the splice caller's or the pipe's page.
 */
inline complete(b)
{
	hf = bio_page[b];
	printf("EV bio_endio: bio %d, frame %d (ref %d, gen %d)\n",
	       b, hf, ref[hf], gen[hf]);
	assert(ref[hf] > 0 && gen[hf] == bio_pgen[b]);
#ifdef SPLICE
	assert(owner[hf] == O_SPLICE || owner[hf] == O_PIPE);
#else
	assert(pte_parent[b] == hf && pte_child[0] != hf && pte_child[1] != hf);
#endif
	if
	:: bio_mode[b] == M_PINNED ->
		dirty[hf] = 1;
		assert(pin[hf] > 0);
		pin[hf]--;
		npins--;
		put_page(hf)
	:: bio_mode[b] == M_REFFED ->
		dirty[hf] = 1;
		put_page(hf)
	:: else -> skip
	fi;
	bio_state[b] = B_COMPLETED;
	dio_put_ref()
}

proctype Completion()
{
end_cpl:
	do
	:: atomic { bio_state[0] == B_DMA_DONE -> complete(0) }
	:: atomic { bio_state[1] == B_DMA_DONE -> complete(1) }
	od
}

/* ------------------------------------------------ truncate (fs/, mm/) */

/*
 * Truncate: ftruncate(F, 0) -> do_truncate -> notify_change -> ext4_setattr:
 *   inode_lock (exclusive i_rwsem);
 *   inode_dio_wait: wait for i_dio_count to drop to 0 -- "there is no way to
 *     cancel a bio. ->setattr is supposed to call inode_dio_wait" (hch, B6);
 *   truncate_setsize: i_size_write(0) + truncate_pagecache: the page leaves
 *     the index at once and the cache's reference is dropped; a page still
 *     held elsewhere would be orphaned and freed on its last put (I7, R10);
 *   ext4_truncate: F's blocks go back to the block allocator;
 *   inode_unlock.
 * -DBROKEN_TRUNCATE skips inode_dio_wait. What it then frees under the
 * in-flight bio is the disk side, F's blocks: the buffer pages are safe
 * anyway because every bio holds a pin (a reference) on them, which is why
 * a pinned page-cache page survives truncate (R10). A sync read (the
 * splice scenario) holds i_rwsem shared until it has waited for its bios,
 * so there truncate cannot overlap the I/O even without inode_dio_wait.
 */
proctype Truncate()
{
	byte b, f;

	atomic {
		!rw_writer && rw_readers == 0 -> rw_writer = 1;
		printf("EV truncate: inode_lock (i_dio_count %d)\n", i_dio_count)
	}
#ifndef BROKEN_TRUNCATE
	(i_dio_count == 0);
#endif
	atomic {
#ifdef BROKEN_TRUNCATE
		printf("EV truncate: no inode_dio_wait (i_dio_count %d)\n",
		       i_dio_count);
#endif
		printf("EV truncate: i_size = 0, truncate_pagecache\n");
		i_size = 0;
		if
		:: pcache != NIL ->
			f = pcache;
			pcache = NIL;
			put_page(f)
		:: else -> skip
		fi;
		f = 0
	}
	atomic {
		b = 0;
		do
		:: b < NB ->
			if
			:: blk_owner[b] == BLK_F ->
				printf("EV truncate: frees block %d\n", b);
				blk_owner[b] = BLK_FREE
			:: else -> skip
			fi;
			b++
		:: else -> break
		od;
		b = 0
	}
	atomic { rw_writer = 0; trunc_done = 1 }
}

/* ------------------------------------------------------------ allocator */

/*
 * Allocator: the rest of the system. Up to ALLOC_ROUNDS times another user
 * (slab, an skb, another process) is handed the most recently freed page,
 * writes its own data and later frees it -- its data must be intact then
 * (B6 showed up as a GPF in skb_dequeue). Once, another file G may be given
 * one of F's freed blocks. It may stop at any time.
 */
proctype Allocator()
{
	byte k, f;

	do
	:: atomic {
		k < ALLOC_ROUNDS && nfree > 0 ->
		alloc_page(f, O_OTHER);
		data[f] = D_OTHER;
		alloc_hold = f;
		printf("EV allocator: frame %d handed to another user (gen %d)\n",
		       f, gen[f])
	   }
	   atomic {
		assert(data[f] == D_OTHER);
		alloc_hold = NIL;
		put_page(f);
		f = 0;
		k++
	   }
	:: atomic {
		gblk == NIL && blk_owner[0] == BLK_FREE ->
		printf("EV allocator: block 0 given to file G\n");
		blk_owner[0] = BLK_G;
		blk_gen[0]++;
		gblk = 0
	   }
	:: atomic {
		gblk == NIL && blk_owner[1] == BLK_FREE ->
		printf("EV allocator: block 1 given to file G\n");
		blk_owner[1] = BLK_G;
		blk_gen[1]++;
		gblk = 1
	   }
	:: break
	od;
	atomic { k = 0; alloc_done = 1 }
}

/* ------------------------------------------------------------------ boot */

init {
	byte f;

	atomic {
		f = 0;
		do
		:: f < NF ->
			data[f] = D_POISON;
			f++
		:: else -> break
		od;
		f = 0;
		do
		:: f < NPG ->
			pte_parent[f] = NIL;
			pte_child[f] = NIL;
			sp_page[f] = NIL;
			pipe_buf[f] = NIL;
			fblk[f] = f;
			blk_owner[f] = BLK_F;
			f++
		:: else -> break
		od;
		pcache = NIL;
		alloc_hold = NIL;
		gblk = NIL;
		i_size = NPG;
#ifdef SPLICE
		/* frame 0: F's cached page; frames 1..NF-1 free */
		ref[0] = 1; gen[0] = 1; owner[0] = O_PCACHE; data[0] = D_CACHE;
		pcache = 0;
		f = NF - 1;
		do
		:: f > 0 ->
			freelist[nfree] = f;
			nfree++;
			f--
		:: else -> break
		od;
		if
		:: eof_short = 0
		:: eof_short = 1
		fi;
#else
		/* frames 0,1: the parent's buffer (exclusive anon, touched);
		 * frame 2: F's cached page; frames 3..NF-1 free */
		f = 0;
		do
		:: f < NPG ->
			ref[f] = 1; gen[f] = 1; owner[f] = O_ANON;
			excl[f] = 1; data[f] = D_OLD;
			pte_parent[f] = f;
			f++
		:: else -> break
		od;
		ref[2] = 1; gen[2] = 1; owner[2] = O_PCACHE; data[2] = D_CACHE;
		pcache = 2;
		f = NF - 1;
		do
		:: f > 2 ->
			freelist[nfree] = f;
			nfree++;
			f--
		:: else -> break
		od;
#endif
		f = 0;
		run Monitor();
		run Device();
		run Completion();
		run Truncate();
		run Allocator();
#ifdef SPLICE
		run SpliceRead();
		run PipeConsumer()
#else
		run User();
		run Fork()
#endif
	}

	/* Quiescence: every finite process has finished... */
#ifdef SPLICE
	(splice_done && consumer_done && trunc_done && alloc_done);
#else
	(user_done && fork_done && (!forked || child_done) && trunc_done &&
	 alloc_done);
#endif
	/* ...so (INV-10, I4 at teardown) no bio is in flight, no pin is
	 * outstanding, no DIO is counted and every page is back with the
	 * allocator. */
	atomic {
		assert(bio_state[0] != B_SUBMITTED && bio_state[0] != B_DMA_DONE);
		assert(bio_state[1] != B_SUBMITTED && bio_state[1] != B_DMA_DONE);
		assert(npins == 0 && i_dio_count == 0 && dio_ref == 0);
		assert(nfree == NF)
	}
}
