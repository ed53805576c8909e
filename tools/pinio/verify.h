/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tools/pinio/verify.h - `pinio run`'s verify=crc32c: every block written
 * carries a header (magic, its device offset, length, the writer's
 * generation and seed, and the crc32c of the whole block computed with the
 * crc field zero), checked when the block is read back. Pure: no
 * simulation calls.
 */
#ifndef PINIO_TOOL_VERIFY_H
#define PINIO_TOOL_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#define VERIFY_MAGIC	0x6f696e70U	/* "pnio" in little-endian memory */
#define VERIFY_HDR_SIZE	32

/* Little-endian fields at the start of each block. */
struct verify_hdr {
	uint32_t magic;
	uint32_t crc;		/* crc32c of the block with this field 0 */
	uint64_t offset;	/* byte offset on the device */
	uint32_t len;		/* block length */
	uint32_t gen;		/* generation: the writer's count of writes */
	uint64_t seed;		/* seeds the data after the header */
};

/* crc32c (Castagnoli), as the kernel's crc32c(): seed ~0 in, ~ out. */
uint32_t verify_crc32c(uint32_t crc, const void *buf, size_t len);

/* Fill @block (@len >= VERIFY_HDR_SIZE) with header and seeded data. */
void verify_fill(void *block, uint32_t len, uint64_t offset, uint32_t gen, uint64_t seed);

/*
 * Check @block read from @offset. @expect_gen 0 accepts any generation.
 * Return: 0, or -1 with @why set to one line ("bad crc32c: ...").
 */
int verify_check(const void *block, uint32_t len, uint64_t offset, uint32_t expect_gen,
		 char *why, size_t whylen);

#endif /* PINIO_TOOL_VERIFY_H */
