// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/verify.c - block headers and crc32c for verify=crc32c.
 *
 * crc32c is the reflected Castagnoli polynomial 0x82f63b78, computed
 * eight bytes at a time from eight tables, or with the SSE4.2 crc32
 * instruction when the CPU has it.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "verify.h"

#define CRC32C_POLY	0x82f63b78U

static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;
static bool crc_hw;

#if defined(__x86_64__)
#include <nmmintrin.h>

__attribute__((target("sse4.2")))
static uint32_t crc32c_hw(uint32_t crc, const unsigned char *p, size_t len)
{
	uint64_t c = crc;

	while (len && ((uintptr_t)p & 7)) {
		c = _mm_crc32_u8((uint32_t)c, *p++);
		len--;
	}
	while (len >= 8) {
		uint64_t v;

		memcpy(&v, p, 8);
		c = _mm_crc32_u64(c, v);
		p += 8;
		len -= 8;
	}
	while (len--)
		c = _mm_crc32_u8((uint32_t)c, *p++);
	return (uint32_t)c;
}
#endif

static void crc_init(void)
{
	unsigned int i, k;

	for (i = 0; i < 256; i++) {
		uint32_t c = i;

		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (c & 1 ? CRC32C_POLY : 0);
		crc_table[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (k = 1; k < 8; k++)
			crc_table[k][i] = (crc_table[k - 1][i] >> 8) ^
					  crc_table[0][crc_table[k - 1][i] & 0xff];
#if defined(__x86_64__)
	__builtin_cpu_init();
	crc_hw = __builtin_cpu_supports("sse4.2");
#endif
}

static uint32_t crc32c_sw(uint32_t c, const unsigned char *p, size_t len)
{
	while (len >= 8) {
		uint32_t lo = c ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
				   (uint32_t)p[3] << 24);
		uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
			      (uint32_t)p[7] << 24;

		c = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		    crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		    crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
		    crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
		p += 8;
		len -= 8;
	}
	while (len--)
		c = (c >> 8) ^ crc_table[0][(c ^ *p++) & 0xff];
	return c;
}

uint32_t verify_crc32c(uint32_t crc, const void *buf, size_t len)
{
	pthread_once(&crc_once, crc_init);
#if defined(__x86_64__)
	if (crc_hw)
		return ~crc32c_hw(~crc, buf, len);
#endif
	return ~crc32c_sw(~crc, buf, len);
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* The block's crc: the header's crc field counts as zero. */
static uint32_t block_crc(const unsigned char *b, uint32_t len)
{
	static const unsigned char zero[4];
	uint32_t c;

	c = verify_crc32c(0, b, 4);
	c = verify_crc32c(c, zero, 4);
	return verify_crc32c(c, b + 8, len - 8);
}

void verify_fill(void *block, uint32_t len, uint64_t offset, uint32_t gen, uint64_t seed)
{
	unsigned char *b = block;
	uint64_t x = seed ^ (offset * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)gen << 32) ^ 1;
	uint32_t i;

	put32(b, VERIFY_MAGIC);
	put32(b + 4, 0);
	put64(b + 8, offset);
	put32(b + 16, len);
	put32(b + 20, gen);
	put64(b + 24, seed);
	/* xorshift64 data: cheap, and different for every block and write. */
	for (i = VERIFY_HDR_SIZE; i + 8 <= len; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(b + i, &x, 8);
	}
	for (; i < len; i++)
		b[i] = (unsigned char)(x >> (8 * (i & 7)));
	put32(b + 4, block_crc(b, len));
}

int verify_check(const void *block, uint32_t len, uint64_t offset, uint32_t expect_gen,
		 char *why, size_t whylen)
{
	const unsigned char *b = block;
	uint32_t crc, want;

	if (get32(b) != VERIFY_MAGIC) {
		snprintf(why, whylen, "bad magic 0x%08x (wanted 0x%08x)", get32(b), VERIFY_MAGIC);
		return -1;
	}
	if (get64(b + 8) != offset) {
		snprintf(why, whylen, "header says offset %llu", (unsigned long long)get64(b + 8));
		return -1;
	}
	if (get32(b + 16) != len) {
		snprintf(why, whylen, "header says length %u, block is %u", get32(b + 16), len);
		return -1;
	}
	want = get32(b + 4);
	crc = block_crc(b, len);
	if (crc != want) {
		snprintf(why, whylen, "bad crc32c 0x%08x (header 0x%08x)", crc, want);
		return -1;
	}
	if (expect_gen && get32(b + 20) != expect_gen) {
		snprintf(why, whylen, "stale block: generation %u, last written %u", get32(b + 20),
			 expect_gen);
		return -1;
	}
	return 0;
}
