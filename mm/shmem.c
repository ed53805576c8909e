// SPDX-License-Identifier: GPL-2.0
/*
 * mm/shmem.c - shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS).
 *
 * Models shmem_zero_setup(): the mapping is backed by an object whose
 * folios are not anonymous (they belong to the object's address_space),
 * are shared by every process mapping it (fork included) and never need
 * writeback, so long-term writable pins are allowed (R-GUP-8). Read faults
 * allocate a zeroed folio: the zero page is never mapped into a shared
 * mapping (R-GUP-6). Left out: tmpfs, swap, huge shmem.
 */
#include <stdlib.h>
#include <pinio/fault-inject.h>
#include "mm/internal.h"

struct shmem_object {
	struct address_space mapping;
	atomic_t refs;
	pthread_mutex_t lock;
	unsigned long nr_pages;
	struct folio **slots;
};

static vm_fault_t shmem_fault(struct vm_fault *vmf)
{
	struct shmem_object *obj = vmf->vma->vm_private_data;
	struct folio *folio;

	if (vmf->pgoff >= obj->nr_pages)
		return VM_FAULT_SIGBUS;
	pthread_mutex_lock(&obj->lock);
	folio = obj->slots[vmf->pgoff];
	if (!folio) {
		folio = folio_alloc_owner(__GFP_ZERO, 0, OWNER_SHMEM);
		if (!folio) {
			pthread_mutex_unlock(&obj->lock);
			return VM_FAULT_OOM;
		}
		folio->mapping = &obj->mapping;
		folio->index = vmf->pgoff;
		set_bit(PG_uptodate, &folio->flags);
		obj->slots[vmf->pgoff] = folio;	/* the object's reference */
		obj->mapping.nrpages++;
	}
	folio_get(folio);			/* the mapping's reference */
	pthread_mutex_unlock(&obj->lock);
	vmf->page = &folio->page;
	return 0;
}

static void shmem_open(struct vm_area_struct *vma)
{
	struct shmem_object *obj = vma->vm_private_data;

	atomic_inc(&obj->refs);
}

static void shmem_close(struct vm_area_struct *vma)
{
	struct shmem_object *obj = vma->vm_private_data;
	unsigned long i;

	if (!atomic_dec_and_test(&obj->refs))
		return;
	for (i = 0; i < obj->nr_pages; i++) {
		struct folio *folio = obj->slots[i];

		if (!folio)
			continue;
		/* Truncated: orphan it, the last holder frees it. */
		folio->mapping = NULL;
		folio_put(folio);
	}
	pthread_mutex_destroy(&obj->lock);
	free(obj->slots);
	free(obj);
}

static const struct vm_operations_struct shmem_vm_ops = {
	.fault = shmem_fault,
	.open = shmem_open,
	.close = shmem_close,
	.needs_dirty_tracking = false,
};

/**
 * shmem_zero_setup() - back @vma with a new shared-memory object of @size.
 * @vma: a new MAP_SHARED|MAP_ANONYMOUS VMA, not yet linked.
 * @size: bytes of the object (page aligned).
 * Return: 0 or -ENOMEM.
 */
int shmem_zero_setup(struct vm_area_struct *vma, size_t size)
{
	struct shmem_object *obj;

	if (should_fail_alloc(FAULT_META_ALLOC))
		return -ENOMEM;
	obj = calloc(1, sizeof(*obj));
	if (!obj)
		return -ENOMEM;
	obj->nr_pages = size >> PAGE_SHIFT;
	obj->slots = calloc(obj->nr_pages, sizeof(*obj->slots));
	if (!obj->slots) {
		free(obj);
		return -ENOMEM;
	}
	obj->mapping.host = obj;
	obj->mapping.needs_writeback = false;
	atomic_set(&obj->refs, 1);
	pthread_mutex_init(&obj->lock, NULL);
	vma->vm_ops = &shmem_vm_ops;
	vma->vm_private_data = obj;
	vma->vm_pgoff = 0;
	return 0;
}
