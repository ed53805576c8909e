// SPDX-License-Identifier: GPL-2.0
/*
 * tests/kunit/assert.c - the failure reports of KUNIT_EXPECT_*() and
 * KUNIT_ASSERT_*() (lib/kunit/assert.c): the head line, the "Expected ..."
 * detail for booleans, integers, pointers, memory (hex rows) and strings,
 * then the caller's _MSG text; and the comparisons the macros use.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "test.h"
#include "test-internal.h"

/* ---- assertion reports ---------------------------------------------------- */

static void report_head(struct kunit *test, enum kunit_assert_type type,
			const char *file, int line)
{
	kunit_set_failure(test);
	kunit_printk(test, "%s: %s FAILED at %s:%d", test->name,
		     type == KUNIT_ASSERTION ? "ASSERTION" : "EXPECTATION", file, line);
}

/* Head line, "Expected ..." detail, then the caller's _MSG text if any. */
#define REPORT(test, type, file, line, msgfmt, detail, ...) do {	\
	va_list ap;							\
	report_head(test, type, file, line);				\
	kunit_printk(test, detail, ##__VA_ARGS__);			\
	va_start(ap, msgfmt);						\
	if (msgfmt)							\
		kunit_vout(test, "# ", msgfmt, ap);			\
	va_end(ap);							\
} while (0)

void __kunit_fail(struct kunit *test, enum kunit_assert_type type,
		  const char *file, int line, const char *msgfmt, ...)
{
	va_list ap;

	report_head(test, type, file, line);
	va_start(ap, msgfmt);
	if (msgfmt)
		kunit_vout(test, "# ", msgfmt, ap);
	va_end(ap);
}

void __kunit_fail_bool(struct kunit *test, enum kunit_assert_type type,
		       const char *file, int line, const char *expr, bool expected,
		       const char *msgfmt, ...)
{
	REPORT(test, type, file, line, msgfmt, "Expected %s to be %s, but is %s", expr,
	       expected ? "true" : "false", expected ? "false" : "true");
}

static const char *fmt_int(char *buf, size_t size, unsigned long long v, bool is_signed)
{
	if (is_signed)
		snprintf(buf, size, "%lld", (long long)v);
	else if (v >= 0x10000)
		snprintf(buf, size, "%llu (0x%llx)", v, v);
	else
		snprintf(buf, size, "%llu", v);
	return buf;
}

void __kunit_fail_int(struct kunit *test, enum kunit_assert_type type,
		      const char *file, int line, const char *ltext, const char *op,
		      const char *rtext, unsigned long long lval, bool lsigned,
		      unsigned long long rval, bool rsigned, const char *msgfmt, ...)
{
	char l[64], r[64];

	REPORT(test, type, file, line, msgfmt, "Expected %s %s %s, but %s == %s, %s == %s",
	       ltext, op, rtext, ltext, fmt_int(l, sizeof(l), lval, lsigned),
	       rtext, fmt_int(r, sizeof(r), rval, rsigned));
}

void __kunit_fail_ptr(struct kunit *test, enum kunit_assert_type type,
		      const char *file, int line, const char *ltext, const char *op,
		      const char *rtext, const void *lval, const void *rval,
		      const char *msgfmt, ...)
{
	REPORT(test, type, file, line, msgfmt, "Expected %s %s %s, but %s == %p, %s == %p",
	       ltext, op, rtext, ltext, lval, rtext, rval);
}

void __kunit_fail_ptr_kind(struct kunit *test, enum kunit_assert_type type,
			   const char *file, int line, const char *text,
			   const char *expected, const void *val, const char *msgfmt, ...)
{
	char v[64];

	if (val && IS_ERR(val))
		snprintf(v, sizeof(v), "ERR_PTR(%ld)", PTR_ERR(val));
	else
		snprintf(v, sizeof(v), "%p", val);
	REPORT(test, type, file, line, msgfmt, "Expected %s is %s, but %s == %s",
	       text, expected, text, v);
}

static void hex_row(struct kunit *test, const char *text, const unsigned char *p,
		    size_t start, size_t end)
{
	char hex[16 * 3 + 1];
	size_t i, n = 0;

	for (i = start; i < end; i++)
		n += snprintf(hex + n, sizeof(hex) - n, " %02x", p[i]);
	kunit_printk(test, "%s[%zu..%zu]:%s", text, start, end - 1, hex);
}

void __kunit_fail_mem(struct kunit *test, enum kunit_assert_type type,
		      const char *file, int line, const char *ltext, const char *rtext,
		      const void *lval, const void *rval, size_t size, const char *msgfmt, ...)
{
	const unsigned char *l = lval, *r = rval;
	size_t at = 0, start, end;

	if (!l || !r) {
		REPORT(test, type, file, line, msgfmt, "Expected %s == %s, but %s == %p, %s == %p",
		       ltext, rtext, ltext, lval, rtext, rval);
		return;
	}
	while (at < size && l[at] == r[at])
		at++;
	REPORT(test, type, file, line, msgfmt,
	       "Expected %s == %s, but they differ at byte %zu of %zu", ltext, rtext, at, size);
	start = at & ~(size_t)15;
	end = start + 16 < size ? start + 16 : size;
	hex_row(test, ltext, l, start, end);
	hex_row(test, rtext, r, start, end);
}

void __kunit_fail_str(struct kunit *test, enum kunit_assert_type type,
		      const char *file, int line, const char *ltext, const char *op,
		      const char *rtext, const char *lval, const char *rval,
		      const char *msgfmt, ...)
{
	REPORT(test, type, file, line, msgfmt,
	       "Expected %s %s %s, but %s == \"%s\", %s == \"%s\"", ltext, op, rtext,
	       ltext, lval ? lval : "(null)", rtext, rval ? rval : "(null)");
}

/* Compare two integers by value, each given as its bits and signedness. */
int __kunit_int_cmp(unsigned long long l, bool lsigned, unsigned long long r, bool rsigned)
{
	bool lneg = lsigned && (long long)l < 0;
	bool rneg = rsigned && (long long)r < 0;

	if (lneg != rneg)
		return lneg ? -1 : 1;
	if (lneg)
		return (long long)l < (long long)r ? -1 : (long long)l > (long long)r;
	return l < r ? -1 : l > r;
}

bool __kunit_str_eq(const char *l, const char *r)
{
	if (!l || !r)
		return l == r;
	return !strcmp(l, r);
}
