// SPDX-License-Identifier: GPL-2.0
/*
 * sim/aio_rsrc.c - registered (fixed) buffers of the async ring and the
 * READ_FIXED/WRITE_FIXED I/O on them (io_uring/rsrc.c and the fixed part
 * of io_uring/rw.c, v6.5).
 *
 * Faithful:
 *  - Registration (io_sqe_buffers_register()) pins each buffer FOLL_WRITE |
 *    FOLL_LONGTERM and describes it as bvecs, one per page with the first
 *    at the address's offset in its page; a buffer whose pages all lie,
 *    consecutive, in one large folio becomes a single bvec and keeps one
 *    pin (the others are dropped at once), as v6.5 coalesces huge pages.
 *  - A fixed I/O (io_prep_rw() + io_import_fixed()) checks the buffer
 *    index (-EFAULT, also with no buffers) and that [addr, addr + len)
 *    lies inside the buffer (-EFAULT), then builds an ITER_BVEC over the
 *    registered bvecs starting at the offset. The file's O_DIRECT path
 *    borrows those bvecs: bio_iov_iter_get_pages() and the block device's
 *    async path call bio_iov_bvec_set() (no pin, no reference, no cleanup
 *    flag, R-BIO-4/R-BIO-10), the legacy engine extracts without pins
 *    (iov_iter_extract_will_pin() false, R-ITER-4/R-ITER-8). Nothing of
 *    the buffer is taken per I/O and nothing is released at completion.
 *    Buffered I/O (simfs without O_DIRECT) copies through the bvecs.
 *  - The request holds a reference on the buffer table (io_uring's rsrc
 *    node) until it completes. Unregistering quiesces as v6.5's
 *    io_rsrc_ref_quiesce() does: new fixed I/O is refused (-EFAULT) and
 *    the call waits for the fixed I/O in flight to complete; only then
 *    are the pages unpinned, so a device never moves data to or from an
 *    unpinned (possibly freed) page. (Since 6.13 the unregister returns at
 *    once and the last request's node reference unpins; the pages are
 *    protected the same way.)
 *
 * Simplified: the locked-memory charge is counted before pinning, in
 * pages of the buffers (the kernel pins first and charges whole huge pages
 * once); the quiesce wait is not interruptible (the simulation has no
 * signals); errors that io_uring posts as a completion of the fixed
 * request (bad index, range) are returned by the submit, as
 * sim_aio_submit() returns import errors. File-backed memory is refused
 * as v6.5 refuses it, by GUP: the long-term writable pin fails with
 * -EFAULT on a shared mapping of a file that needs dirty tracking
 * (io_uring's own -EOPNOTSUPP check of older kernels is gone since 6.5);
 * shmem and private file mappings register. Left out: sparse tables and
 * updates (IORING_REGISTER_BUFFERS2/UPDATE), tags.
 */
#include <stdlib.h>
#include <pinio/mm.h>
#include <pinio/sched.h>
#include <pinio/fault-inject.h>
#include "sim/aio.h"

/* ---- locked-memory accounting ------------------------------------------ */

/* The single user's locked memory (user_struct->locked_vm), in pages. */
static unsigned long user_locked_pages;
static pthread_mutex_t user_locked_lock = PTHREAD_MUTEX_INITIALIZER;

/* __io_account_mem(): charge @npages unless the limit would be passed. */
static int account_locked(unsigned long npages)
{
	unsigned long limit = current ? current->rlim_memlock >> PAGE_SHIFT : 0;
	int ret = 0;

	pthread_mutex_lock(&user_locked_lock);
	if (npages > limit || user_locked_pages > limit - npages)
		ret = -ENOMEM;
	else
		user_locked_pages += npages;
	pthread_mutex_unlock(&user_locked_lock);
	return ret;
}

static void unaccount_locked(unsigned long npages)
{
	pthread_mutex_lock(&user_locked_lock);
	user_locked_pages -= npages;
	pthread_mutex_unlock(&user_locked_lock);
}

/**
 * sim_user_locked_pages() - locked memory charged to the (single) user.
 *
 * The sum, in pages, of every registered buffer of every ring (the
 * kernel's user_struct->locked_vm). It is charged before a registration
 * pins and uncharged when the buffers are unregistered or the ring is
 * freed, so it is 0 when no ring holds buffers.
 *
 * Context: any thread; takes the accounting lock.
 * Return: the charged page count.
 */
unsigned long sim_user_locked_pages(void)
{
	unsigned long n;

	pthread_mutex_lock(&user_locked_lock);
	n = user_locked_pages;
	pthread_mutex_unlock(&user_locked_lock);
	return n;
}

/**
 * sim_setrlimit_memlock() - set RLIMIT_MEMLOCK of the current task.
 * @bytes: the new limit in bytes; a registration that would take the
 *	user's locked pages past @bytes >> PAGE_SHIFT fails with -ENOMEM.
 *
 * Only the current task's limit changes; tasks created while it is
 * current inherit it. What is already charged stays charged, even above the new
 * limit. There is no CAP_IPC_LOCK to bypass the limit.
 *
 * Return: 0, or -ESRCH if no task is current on this thread.
 */
int sim_setrlimit_memlock(unsigned long bytes)
{
	if (!current)
		return -ESRCH;
	current->rlim_memlock = bytes;
	return 0;
}

/* ---- registration -------------------------------------------------------- */

static unsigned long buf_npages(unsigned long addr, unsigned long len)
{
	return ((addr + len - 1) >> PAGE_SHIFT) - (addr >> PAGE_SHIFT) + 1;
}

/*
 * io_buffer_validate(), v6.5: a length of 0 or above 1 GiB is -EFAULT, an
 * end that wraps once rounded up to a page -EOVERFLOW. (A NULL base of
 * length 0, a sparse slot for the kernel, is -EFAULT here: no sparse
 * tables.)
 */
static int buffer_validate(unsigned long addr, unsigned long len)
{
	if (!len || len > (1UL << 30))
		return -EFAULT;
	if (addr + len + PAGE_SIZE - 1 < addr)
		return -EOVERFLOW;
	return 0;
}

/* io_buffer_unmap(): one unpin per bvec (a coalesced folio kept one pin). */
static void release_bufs(struct sim_aio_buf *bufs, unsigned int nr)
{
	unsigned int i, j;

	for (i = 0; i < nr; i++) {
		for (j = 0; j < bufs[i].nr_bvecs; j++)
			unpin_user_page(bufs[i].bvec[j].bv_page);
		free(bufs[i].bvec);
	}
	free(bufs);
}

/* All @npages consecutive pages of one folio: one bvec will do (v6.5). */
static bool pages_in_one_folio(struct page **pages, unsigned long npages)
{
	struct folio *folio = page_folio(pages[0]);
	unsigned long i;

	if (npages < 2)
		return false;
	for (i = 1; i < npages; i++)
		if (page_folio(pages[i]) != folio || pages[i] != pages[i - 1] + 1)
			return false;
	return true;
}

/* Pin one buffer into @b: 0, -ENOMEM or -EFAULT (nothing of it kept). */
static int pin_one(struct sim_aio_buf *b, unsigned long addr, unsigned long len)
{
	unsigned long npages = buf_npages(addr, len), i, off, left;
	struct bio_vec *bvec;
	struct page **pages;
	bool coalesce;
	long got;

	if (should_fail_alloc(FAULT_META_ALLOC))
		return -ENOMEM;
	pages = calloc(npages, sizeof(*pages));
	if (!pages)
		return -ENOMEM;
	got = pin_user_pages_fast(addr & PAGE_MASK, (int)npages, FOLL_WRITE | FOLL_LONGTERM,
				  pages);
	if (got != (long)npages) {
		if (got > 0)
			unpin_user_pages(pages, (unsigned long)got);
		free(pages);
		return got < 0 && got != -ENOMEM ? (int)got : got < 0 ? -ENOMEM : -EFAULT;
	}
	coalesce = pages_in_one_folio(pages, npages);
	/* The descriptor, allocated after the pin: its failure must unpin (B11). */
	bvec = should_fail_alloc(FAULT_META_ALLOC) ? NULL
		: calloc(coalesce ? 1 : npages, sizeof(*bvec));
	if (!bvec) {
		unpin_user_pages(pages, npages);
		free(pages);
		return -ENOMEM;
	}
	off = addr & ~PAGE_MASK;
	if (coalesce) {
		/* The folio keeps one pin, dropped by release_bufs(). */
		unpin_user_pages(pages + 1, npages - 1);
		bvec_set_page(&bvec[0], pages[0], (unsigned int)len, (unsigned int)off);
		b->nr_bvecs = 1;
	} else {
		for (i = 0, left = len; i < npages; i++) {
			unsigned long n = min(left, PAGE_SIZE - off);

			bvec_set_page(&bvec[i], pages[i], (unsigned int)n, (unsigned int)off);
			left -= n;
			off = 0;
		}
		b->nr_bvecs = (unsigned int)npages;
	}
	free(pages);
	b->addr = addr;
	b->len = len;
	b->bvec = bvec;
	return 0;
}

/**
 * sim_aio_register_buffers() - pin @nr user buffers for the ring's use.
 * @ring: the ring.
 * @iov: host array of simulated user buffers.
 * @nr: how many (1 .. SIM_AIO_MAX_REG_BUFFERS).
 *
 * Checks every buffer, charges all their pages to the user's locked memory
 * against current's RLIMIT_MEMLOCK (io_account_mem()), then pins each one
 * FOLL_WRITE | FOLL_LONGTERM and describes it as bvecs for fixed I/O. Any
 * failure releases what was pinned and the charge: the machine is as
 * before.
 * Return: see pinio/sim.h.
 */
int sim_aio_register_buffers(struct sim_aio *ring, const struct iovec *iov, unsigned int nr)
{
	struct sim_aio_buf *bufs;
	unsigned long total = 0;
	unsigned int i;
	int ret;

	if (IS_ERR_OR_NULL(ring) || !iov || !nr || nr > SIM_AIO_MAX_REG_BUFFERS)
		return -EINVAL;
	pthread_mutex_lock(&ring->lock);
	ret = ring->bufs ? -EBUSY : 0;
	pthread_mutex_unlock(&ring->lock);
	if (ret)
		return ret;
	for (i = 0; i < nr; i++) {
		ret = buffer_validate((unsigned long)iov[i].iov_base, iov[i].iov_len);
		if (ret)
			return ret;
		total += buf_npages((unsigned long)iov[i].iov_base, iov[i].iov_len);
	}
	ret = account_locked(total);
	if (ret)
		return ret;
	if (should_fail_alloc(FAULT_META_ALLOC)) {
		unaccount_locked(total);
		return -ENOMEM;
	}
	bufs = calloc(nr, sizeof(*bufs));
	if (!bufs) {
		unaccount_locked(total);
		return -ENOMEM;
	}
	for (i = 0; i < nr; i++) {
		ret = pin_one(&bufs[i], (unsigned long)iov[i].iov_base, iov[i].iov_len);
		if (ret) {
			release_bufs(bufs, i);
			unaccount_locked(total);
			return ret;
		}
	}
	pthread_mutex_lock(&ring->lock);
	if (ring->bufs) {
		/* Another thread registered meanwhile: the table is its. */
		pthread_mutex_unlock(&ring->lock);
		release_bufs(bufs, nr);
		unaccount_locked(total);
		return -EBUSY;
	}
	ring->bufs = bufs;
	ring->nbufs = nr;
	ring->bufs_pages = total;
	pthread_mutex_unlock(&ring->lock);
	return 0;
}

/**
 * sim_aio_unregister_buffers() - unpin the registered buffers, uncharge them.
 * @ring: the ring.
 *
 * Quiesces first (v6.5 io_rsrc_ref_quiesce()): from now on a fixed submit
 * is refused with -EFAULT, and the call sleeps until every fixed I/O in
 * flight has completed (been posted); then every page is unpinned. A disk
 * holding such I/O by a fault must be released from another thread.
 * Context: may sleep; a task's thread, not a DMA worker.
 * Return: 0, -EINVAL (NULL ring), -ENXIO (none registered, or another
 * thread is unregistering them).
 */
int sim_aio_unregister_buffers(struct sim_aio *ring)
{
	struct sim_aio_buf *bufs;
	unsigned long pages;
	unsigned int nr;

	if (IS_ERR_OR_NULL(ring))
		return -EINVAL;
	pthread_mutex_lock(&ring->lock);
	if (!ring->bufs || ring->quiesce) {
		pthread_mutex_unlock(&ring->lock);
		return -ENXIO;
	}
	ring->quiesce = true;
	while (ring->fixed_refs)
		pthread_cond_wait(&ring->cond, &ring->lock);
	bufs = ring->bufs;
	nr = ring->nbufs;
	pages = ring->bufs_pages;
	ring->bufs = NULL;
	ring->nbufs = 0;
	ring->bufs_pages = 0;
	ring->quiesce = false;
	pthread_mutex_unlock(&ring->lock);

	release_bufs(bufs, nr);
	unaccount_locked(pages);
	return 0;
}

/* ---- fixed I/O --------------------------------------------------------- */

/*
 * io_import_fixed(): an ITER_BVEC over @imu's bvecs for [@addr, @addr +
 * @len), which the caller checked lies inside the buffer. A start inside
 * the first bvec advances the iterator; a later one skips whole page
 * bvecs and starts at the offset in the page (every bvec after the first
 * covers a whole page; a coalesced buffer has only the first).
 */
static void import_fixed(int ddir, struct iov_iter *iter, const struct sim_aio_buf *imu,
			 unsigned long addr, size_t len)
{
	size_t offset = addr - imu->addr;
	const struct bio_vec *bvec = imu->bvec;
	unsigned long seg_skip;

	iov_iter_bvec(iter, (unsigned int)ddir, bvec, imu->nr_bvecs, offset + len);
	if (!offset)
		return;
	if (offset <= bvec->bv_len) {
		iov_iter_advance(iter, offset);
		return;
	}
	offset -= bvec->bv_len;
	seg_skip = 1 + (offset >> PAGE_SHIFT);
	iter->bvec = bvec + seg_skip;
	iter->nr_segs -= seg_skip;
	iter->count -= bvec->bv_len + offset;
	iter->iov_offset = offset & ~PAGE_MASK;
}

/**
 * sim_aio_submit_fixed() - start a READ_FIXED or WRITE_FIXED: @len bytes
 * at file offset @off, to or from registered buffer @buf_index at user
 * address @addr (io_uring_prep_read_fixed()/io_uring_prep_write_fixed()).
 * @ring: the ring.
 * @fd: a file of current.
 * @write: true to write the buffer to the file.
 * @buf_index: which registered buffer.
 * @addr: simulated user address inside that buffer.
 * @len: bytes; [@addr, @addr + @len) must lie inside the buffer.
 * @off: file offset.
 * @tag: returned with the completion.
 *
 * The file sees an ITER_BVEC over the registered pages: its O_DIRECT path
 * moves the data without pinning or referencing anything, and the request
 * keeps the buffers registered (pinned) until it completes. The result,
 * bytes or -errno (-EINVAL for an I/O misaligned to the device, as with
 * sim_aio_submit()), arrives through sim_aio_reap().
 * Return: 0, or -EINVAL (NULL @ring, negative @off), -EFAULT (no buffers
 * registered, @buf_index out of range, an unregister under way, or the
 * range not inside the buffer), -EBADF (@fd not open, or not for the
 * direction), -EAGAIN (every slot taken until a reap).
 */
int sim_aio_submit_fixed(struct sim_aio *ring, int fd, bool write, unsigned int buf_index,
			 unsigned long addr, size_t len, off_t off, uint64_t tag)
{
	const struct sim_aio_buf *imu;
	struct sim_aio_req *req = NULL;
	struct iov_iter iter;
	struct file *file;
	int ret = 0;

	if (IS_ERR_OR_NULL(ring) || off < 0)
		return -EINVAL;
	file = sim_fget(fd);

	pthread_mutex_lock(&ring->lock);
	/* io_prep_rw(): the index, before the file is looked at. */
	if (ring->quiesce || buf_index >= ring->nbufs) {
		ret = -EFAULT;
		goto unlock;
	}
	imu = &ring->bufs[buf_index];
	if (!file) {
		ret = -EBADF;
		goto unlock;
	}
	/* io_import_fixed(): no wrap, inside the buffer. */
	if (addr + len < addr || addr < imu->addr || addr + len > imu->addr + imu->len) {
		ret = -EFAULT;
		goto unlock;
	}
	if (!(file->f_mode & (write ? FMODE_WRITE : FMODE_READ))) {
		ret = -EBADF;
		goto unlock;
	}
	req = sim_aio_get_slot(ring);
	if (!req) {
		ret = -EAGAIN;
		goto unlock;
	}
	/*
	 * Two references on the table: the request's, dropped when its
	 * completion is posted, and the issuer's, dropped when the file's
	 * ->read_iter/->write_iter has returned (the I/O may complete on a
	 * DMA worker while the issuer still walks the bvec iterator). io_uring
	 * frees the request, and puts its rsrc node, only after both.
	 */
	req->fixed = true;
	ring->fixed_refs += 2;
unlock:
	pthread_mutex_unlock(&ring->lock);
	if (ret) {
		if (file)
			fput(file);
		return ret;
	}
	import_fixed(write ? ITER_SOURCE : ITER_DEST, &iter, imu, addr, len);
	sim_aio_issue(req, file, write, &iter, off, tag);

	pthread_mutex_lock(&ring->lock);
	ring->fixed_refs--;
	pthread_cond_broadcast(&ring->cond);
	pthread_mutex_unlock(&ring->lock);
	return 0;
}
