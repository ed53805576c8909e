/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz/fuzz_input.h - reading a fuzzer's input bytes as operands.
 *
 * Every fuzz target decodes its input the same way: bytes are consumed
 * from the front, and reading past the end yields 0 rather than failing,
 * so any input (even an empty one) is a valid program.
 */
#ifndef PINIO_FUZZ_INPUT_H
#define PINIO_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct fuzz_input {
	const uint8_t *p;
	size_t left;
};

/* The next byte, or 0 once the input is used up. */
static inline unsigned int fuzz_u8(struct fuzz_input *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

/* The next two bytes, little-endian (missing bytes read as 0). */
static inline unsigned int fuzz_u16(struct fuzz_input *in)
{
	unsigned int lo = fuzz_u8(in);

	return lo | fuzz_u8(in) << 8;
}

#endif /* PINIO_FUZZ_INPUT_H */
