// SPDX-License-Identifier: GPL-2.0
/*
 * lib/kvmalloc.c - kvmalloc_array()/kvfree() for page arrays and iovec
 * copies (mm/util.c's kvmalloc_node() family). Host memory: there is no
 * vmalloc fallback to model, only the failure, which fault injection
 * supplies at FAULT_META_ALLOC (scenarios.md F2).
 */
#include <stdlib.h>

#include <pinio/fault-inject.h>
#include <pinio/uio.h>

/**
 * kvmalloc_array() - allocate an array of @n elements of @size bytes.
 * @n: number of elements.
 * @size: bytes per element.
 *
 * The memory is not zeroed. Neither pins nor references anything.
 * Context: any thread.
 * Return: the array, or NULL if @n * @size overflows or the allocation
 * fails (for real, or injected at FAULT_META_ALLOC). Free with kvfree().
 */
void *kvmalloc_array(size_t n, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	if (should_fail_alloc(FAULT_META_ALLOC))
		return NULL;
	return malloc(bytes ? bytes : 1);
}

/**
 * kvfree() - free memory from kvmalloc_array(); NULL is a no-op.
 * @p: the memory.
 */
void kvfree(void *p)
{
	free(p);
}
