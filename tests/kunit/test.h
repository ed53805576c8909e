/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/kunit/test.h - a small KUnit of our own.
 *
 * Models the kernel's include/kunit/test.h: suites of cases, EXPECT and
 * ASSERT macros with _MSG forms, parameterised cases, kunit_skip(). ASSERT
 * longjmps back to the runner (the stand-in for KUnit's try-catch). Left out:
 * resources and deferred actions, kunit_fail_current_test(), static stubs.
 *
 * Added for pinio: after every case the runner compares the simulation's
 * leak ledger (struct sim_ledger) and the WARN count with what they were
 * before the case. A case that expects a WARN says so with
 * KUNIT_EXPECT_WARN(); one that expects invariant violations calls
 * kunit_expect_violations(); one that must leave a ledger field changed (for
 * example a test of sim_shutdown() itself) calls kunit_ledger_ignore().
 */
#ifndef PINIO_TESTS_KUNIT_TEST_H
#define PINIO_TESTS_KUNIT_TEST_H

#include <pinio/compiler.h>
#include <pinio/err.h>

#include <setjmp.h>
#include <stdbool.h>
#include <string.h>
#include <sys/types.h>

#define KUNIT_PARAM_DESC_SIZE	128

enum kunit_status {
	KUNIT_SUCCESS,
	KUNIT_FAILURE,
	KUNIT_SKIPPED,
};

struct kunit_suite;

/**
 * struct kunit - the state of one running case (one parameter of it).
 * @priv: for the suite's init/exit and the case to share state.
 * @param_value: the current parameter of a KUNIT_CASE_PARAM() case, else NULL.
 * @name: the case's name.
 *
 * Everything after @name belongs to the runner.
 */
struct kunit {
	void *priv;
	const void *param_value;
	const char *name;

	/* private: */
	const struct kunit_suite *suite;
	enum kunit_status status;
	char status_comment[256];
	const char *indent;
	jmp_buf *abort_env;
	unsigned long expected_warnings;
	long expected_violations;
	unsigned int ledger_ignored;	/* bit per struct sim_ledger field */
	int warn_depth;
	char *capture;			/* kunit_run_isolated(): output buffer */
	size_t capture_size;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	const void *(*generate_params)(const void *prev, char *desc);
};

struct kunit_suite {
	const char *name;
	int (*suite_init)(struct kunit_suite *suite);
	void (*suite_exit)(struct kunit_suite *suite);
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;	/* ends with an empty {} */
};

#define KUNIT_CASE(test_fn)	{ .run_case = test_fn, .name = #test_fn }
#define KUNIT_CASE_PARAM(test_fn, gen_params)				\
	{ .run_case = test_fn, .name = #test_fn, .generate_params = gen_params }

/*
 * KUNIT_ARRAY_PARAM() - define name##_gen_params(), which walks @array one
 * element at a time for KUNIT_CASE_PARAM(). @get_desc, if not NULL, is
 * void fn(const T *param, char *desc) and writes at most
 * KUNIT_PARAM_DESC_SIZE bytes describing the element.
 */
#define KUNIT_ARRAY_PARAM(name, array, get_desc)				\
	static const void *name##_gen_params(const void *prev, char *desc)	\
	{									\
		void (*__desc_fn)(const __typeof__((array)[0]) *, char *) =	\
			(get_desc);						\
		const __typeof__((array)[0]) *__p = prev;			\
		__p = __p ? __p + 1 : &(array)[0];				\
		if (__p >= &(array)[ARRAY_SIZE(array)])				\
			return NULL;						\
		if (__desc_fn)							\
			__desc_fn(__p, desc);					\
		return __p;							\
	}

/* ---- runner ---------------------------------------------------------- */

/* Run the NULL-terminated, name-sorted @suites as argv asks. Exit status. */
int kunit_main(int argc, char **argv, struct kunit_suite *const *suites);

/* The -s seed (time-based when not given); printed as "# seed: N". */
unsigned long kunit_seed(void);
/*
 * kunit_fork() - fork() for a case: the child loses the runner's signal
 * handlers, dies with the parent, and must end with _exit() (a child that
 * gets back into the runner is made to _exit(127)). See test.c.
 */
pid_t kunit_fork(void);
/* -l: the case may scale up its iterations. */
bool kunit_long(void);
/* -v: the runner prints more, and a case may too. */
bool kunit_verbose(void);

/*
 * Run @fn on a fresh struct kunit with no ledger or warning checks, its
 * diagnostics captured into @buf. For the runner's own self-tests.
 */
enum kunit_status kunit_run_isolated(void (*fn)(struct kunit *test),
				     char *buf, size_t size);

/* ---- diagnostics ------------------------------------------------------- */

void kunit_printk(struct kunit *test, const char *fmt, ...) __printf(2, 3);
#define kunit_info(test, fmt, ...)	kunit_printk(test, fmt, ##__VA_ARGS__)
#define kunit_err(test, fmt, ...)	kunit_printk(test, fmt, ##__VA_ARGS__)
#define kunit_warn(test, fmt, ...)	kunit_printk(test, fmt, ##__VA_ARGS__)

void kunit_abort(struct kunit *test) __attribute__((noreturn));
void kunit_set_failure(struct kunit *test);
void kunit_mark_skipped(struct kunit *test, const char *fmt, ...) __printf(2, 3);

/* Mark the case skipped with a reason and leave it (like an ASSERT). */
#define kunit_skip(test, fmt, ...) do {					\
	kunit_mark_skipped(test, fmt, ##__VA_ARGS__);			\
	kunit_abort(test);						\
} while (0)

/* ---- ledger and warnings ------------------------------------------------ */

/*
 * kunit_ledger_ignore() - do not compare one struct sim_ledger field after
 * this case ("live_folios", "pins", "zero_refs", "zero_pins", "live_bios",
 * "live_mms", "violations"). Rarely right: a leak check switched off hides
 * leaks. An unknown name fails the case.
 */
void kunit_ledger_ignore(struct kunit *test, const char *field);
/* The case will raise @n more invariant violations (sim_check() findings). */
void kunit_expect_violations(struct kunit *test, long n);
/*
 * The case raised @n WARNs it expected, counted by someone else (a
 * scenario run that announced them itself): they do not fail it. Prefer
 * KUNIT_EXPECT_WARN(), which also checks that one fired.
 */
void kunit_expect_warnings(struct kunit *test, unsigned long n);

unsigned long __kunit_warn_begin(struct kunit *test);
void __kunit_warn_end(struct kunit *test, unsigned long before,
		      const char *file, int line, const char *what);

/*
 * KUNIT_EXPECT_WARN() - run the statement or expression, which must raise
 * at least one WARN. The WARNs it raises are not printed, and count as
 * expected for the after-case check; none raised is a failure.
 */
#define KUNIT_EXPECT_WARN(test, ...) do {				\
	unsigned long __kw = __kunit_warn_begin(test);			\
	__VA_ARGS__;							\
	__kunit_warn_end(test, __kw, __FILE__, __LINE__, #__VA_ARGS__);	\
} while (0)

/* ---- assertions ---------------------------------------------------------- */

enum kunit_assert_type {
	KUNIT_EXPECTATION,
	KUNIT_ASSERTION,
};

void __kunit_fail(struct kunit *test, enum kunit_assert_type type,
		  const char *file, int line, const char *msgfmt, ...) __printf(5, 6);
void __kunit_fail_bool(struct kunit *test, enum kunit_assert_type type,
		       const char *file, int line, const char *expr, bool expected,
		       const char *msgfmt, ...) __printf(7, 8);
void __kunit_fail_int(struct kunit *test, enum kunit_assert_type type,
		      const char *file, int line, const char *ltext, const char *op,
		      const char *rtext, unsigned long long lval, bool lsigned,
		      unsigned long long rval, bool rsigned,
		      const char *msgfmt, ...) __printf(12, 13);
void __kunit_fail_ptr(struct kunit *test, enum kunit_assert_type type,
		      const char *file, int line, const char *ltext, const char *op,
		      const char *rtext, const void *lval, const void *rval,
		      const char *msgfmt, ...) __printf(10, 11);
void __kunit_fail_ptr_kind(struct kunit *test, enum kunit_assert_type type,
			   const char *file, int line, const char *text,
			   const char *expected, const void *val,
			   const char *msgfmt, ...) __printf(8, 9);
void __kunit_fail_mem(struct kunit *test, enum kunit_assert_type type,
		      const char *file, int line, const char *ltext, const char *rtext,
		      const void *lval, const void *rval, size_t size,
		      const char *msgfmt, ...) __printf(10, 11);
void __kunit_fail_str(struct kunit *test, enum kunit_assert_type type,
		      const char *file, int line, const char *ltext, const char *op,
		      const char *rtext, const char *lval, const char *rval,
		      const char *msgfmt, ...) __printf(10, 11);
int __kunit_int_cmp(unsigned long long l, bool lsigned,
		    unsigned long long r, bool rsigned);
bool __kunit_str_eq(const char *l, const char *r);

#define __KUNIT_ABORT_IF(test, type) do {				\
	if ((type) == KUNIT_ASSERTION)					\
		kunit_abort(test);					\
} while (0)

/* True for a signed integer type (or a floating one), false for unsigned. */
#define __kunit_is_signed(x)	((__typeof__(x))-1 < (__typeof__(x))1)
#define __kunit_int_bits(x)						\
	(__kunit_is_signed(x) ? (unsigned long long)(long long)(x)	\
			      : (unsigned long long)(x))

#define __KUNIT_FAIL(test, type, fmt, ...) do {				\
	__kunit_fail(test, type, __FILE__, __LINE__, fmt, ##__VA_ARGS__); \
	__KUNIT_ABORT_IF(test, type);					\
} while (0)

#define __KUNIT_BOOL(test, type, cond, expected, fmt, ...) do {		\
	if ((cond) ? !(expected) : (expected)) {			\
		__kunit_fail_bool(test, type, __FILE__, __LINE__, #cond, \
				  expected, fmt, ##__VA_ARGS__);	\
		__KUNIT_ABORT_IF(test, type);				\
	}								\
} while (0)

/*
 * Integers compare by value whatever their types: -1 < 0U holds here, and
 * a ssize_t return compares with a size_t length without a sign warning.
 */
#define __KUNIT_INT(test, type, left, op, right, fmt, ...) do {		\
	__auto_type __l = (left);					\
	__auto_type __r = (right);					\
	bool __ls = __kunit_is_signed(__l), __rs = __kunit_is_signed(__r); \
	unsigned long long __lv = __kunit_int_bits(__l);		\
	unsigned long long __rv = __kunit_int_bits(__r);		\
	if (!(__kunit_int_cmp(__lv, __ls, __rv, __rs) op 0)) {		\
		__kunit_fail_int(test, type, __FILE__, __LINE__, #left,	\
				 #op, #right, __lv, __ls, __rv, __rs,	\
				 fmt, ##__VA_ARGS__);			\
		__KUNIT_ABORT_IF(test, type);				\
	}								\
} while (0)

#define __KUNIT_PTR(test, type, left, op, right, fmt, ...) do {		\
	const void *__l = (left);					\
	const void *__r = (right);					\
	if (!(__l op __r)) {						\
		__kunit_fail_ptr(test, type, __FILE__, __LINE__, #left,	\
				 #op, #right, __l, __r, fmt, ##__VA_ARGS__); \
		__KUNIT_ABORT_IF(test, type);				\
	}								\
} while (0)

#define __KUNIT_PTR_KIND(test, type, ptr, ok, what, fmt, ...) do {	\
	const void *__p = (ptr);					\
	if (!(ok)) {							\
		__kunit_fail_ptr_kind(test, type, __FILE__, __LINE__, #ptr, \
				      what, __p, fmt, ##__VA_ARGS__);	\
		__KUNIT_ABORT_IF(test, type);				\
	}								\
} while (0)

#define __KUNIT_MEM(test, type, left, right, size, fmt, ...) do {	\
	const void *__l = (left);					\
	const void *__r = (right);					\
	size_t __n = (size);						\
	if (!__l || !__r || memcmp(__l, __r, __n)) {			\
		__kunit_fail_mem(test, type, __FILE__, __LINE__, #left,	\
				 #right, __l, __r, __n, fmt, ##__VA_ARGS__); \
		__KUNIT_ABORT_IF(test, type);				\
	}								\
} while (0)

#define __KUNIT_STR(test, type, left, op, right, fmt, ...) do {		\
	const char *__l = (left);					\
	const char *__r = (right);					\
	if (!(__kunit_str_eq(__l, __r) op true)) {			\
		__kunit_fail_str(test, type, __FILE__, __LINE__, #left,	\
				 #op, #right, __l, __r, fmt, ##__VA_ARGS__); \
		__KUNIT_ABORT_IF(test, type);				\
	}								\
} while (0)

/* KUNIT_FAIL() - fail the case here and go on. */
#define KUNIT_FAIL(test, fmt, ...)					\
	__KUNIT_FAIL(test, KUNIT_EXPECTATION, fmt, ##__VA_ARGS__)

/* EXPECT: record a failure and go on. */
#define KUNIT_EXPECT_TRUE(test, c)	KUNIT_EXPECT_TRUE_MSG(test, c, NULL)
#define KUNIT_EXPECT_FALSE(test, c)	KUNIT_EXPECT_FALSE_MSG(test, c, NULL)
#define KUNIT_EXPECT_EQ(test, l, r)	KUNIT_EXPECT_EQ_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_NE(test, l, r)	KUNIT_EXPECT_NE_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_LT(test, l, r)	KUNIT_EXPECT_LT_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_LE(test, l, r)	KUNIT_EXPECT_LE_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_GT(test, l, r)	KUNIT_EXPECT_GT_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_GE(test, l, r)	KUNIT_EXPECT_GE_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_PTR_EQ(test, l, r)	KUNIT_EXPECT_PTR_EQ_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_PTR_NE(test, l, r)	KUNIT_EXPECT_PTR_NE_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_NULL(test, p)	KUNIT_EXPECT_NULL_MSG(test, p, NULL)
#define KUNIT_EXPECT_NOT_NULL(test, p)	KUNIT_EXPECT_NOT_NULL_MSG(test, p, NULL)
#define KUNIT_EXPECT_NOT_ERR_OR_NULL(test, p)				\
	KUNIT_EXPECT_NOT_ERR_OR_NULL_MSG(test, p, NULL)
#define KUNIT_EXPECT_MEMEQ(test, l, r, n) KUNIT_EXPECT_MEMEQ_MSG(test, l, r, n, NULL)
#define KUNIT_EXPECT_STREQ(test, l, r)	KUNIT_EXPECT_STREQ_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_STRNEQ(test, l, r)	KUNIT_EXPECT_STRNEQ_MSG(test, l, r, NULL)

#define KUNIT_EXPECT_TRUE_MSG(test, c, fmt, ...)			\
	__KUNIT_BOOL(test, KUNIT_EXPECTATION, c, true, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_FALSE_MSG(test, c, fmt, ...)			\
	__KUNIT_BOOL(test, KUNIT_EXPECTATION, c, false, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_EQ_MSG(test, l, r, fmt, ...)			\
	__KUNIT_INT(test, KUNIT_EXPECTATION, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NE_MSG(test, l, r, fmt, ...)			\
	__KUNIT_INT(test, KUNIT_EXPECTATION, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_LT_MSG(test, l, r, fmt, ...)			\
	__KUNIT_INT(test, KUNIT_EXPECTATION, l, <, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_LE_MSG(test, l, r, fmt, ...)			\
	__KUNIT_INT(test, KUNIT_EXPECTATION, l, <=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_GT_MSG(test, l, r, fmt, ...)			\
	__KUNIT_INT(test, KUNIT_EXPECTATION, l, >, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_GE_MSG(test, l, r, fmt, ...)			\
	__KUNIT_INT(test, KUNIT_EXPECTATION, l, >=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_PTR_EQ_MSG(test, l, r, fmt, ...)			\
	__KUNIT_PTR(test, KUNIT_EXPECTATION, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_PTR_NE_MSG(test, l, r, fmt, ...)			\
	__KUNIT_PTR(test, KUNIT_EXPECTATION, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NULL_MSG(test, p, fmt, ...)			\
	__KUNIT_PTR_KIND(test, KUNIT_EXPECTATION, p, !__p, "NULL", fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NOT_NULL_MSG(test, p, fmt, ...)			\
	__KUNIT_PTR_KIND(test, KUNIT_EXPECTATION, p, __p, "not NULL", fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NOT_ERR_OR_NULL_MSG(test, p, fmt, ...)		\
	__KUNIT_PTR_KIND(test, KUNIT_EXPECTATION, p, !IS_ERR_OR_NULL(__p), \
			 "not error or NULL", fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_MEMEQ_MSG(test, l, r, n, fmt, ...)			\
	__KUNIT_MEM(test, KUNIT_EXPECTATION, l, r, n, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_STREQ_MSG(test, l, r, fmt, ...)			\
	__KUNIT_STR(test, KUNIT_EXPECTATION, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_STRNEQ_MSG(test, l, r, fmt, ...)			\
	__KUNIT_STR(test, KUNIT_EXPECTATION, l, !=, r, fmt, ##__VA_ARGS__)

/* ASSERT: record a failure and leave the case. */
#define KUNIT_ASSERT_TRUE(test, c)	KUNIT_ASSERT_TRUE_MSG(test, c, NULL)
#define KUNIT_ASSERT_FALSE(test, c)	KUNIT_ASSERT_FALSE_MSG(test, c, NULL)
#define KUNIT_ASSERT_EQ(test, l, r)	KUNIT_ASSERT_EQ_MSG(test, l, r, NULL)
#define KUNIT_ASSERT_NE(test, l, r)	KUNIT_ASSERT_NE_MSG(test, l, r, NULL)
#define KUNIT_ASSERT_LT(test, l, r)	KUNIT_ASSERT_LT_MSG(test, l, r, NULL)
#define KUNIT_ASSERT_LE(test, l, r)	KUNIT_ASSERT_LE_MSG(test, l, r, NULL)
#define KUNIT_ASSERT_GT(test, l, r)	KUNIT_ASSERT_GT_MSG(test, l, r, NULL)
#define KUNIT_ASSERT_GE(test, l, r)	KUNIT_ASSERT_GE_MSG(test, l, r, NULL)
#define KUNIT_ASSERT_PTR_EQ(test, l, r)	KUNIT_ASSERT_PTR_EQ_MSG(test, l, r, NULL)
#define KUNIT_ASSERT_PTR_NE(test, l, r)	KUNIT_ASSERT_PTR_NE_MSG(test, l, r, NULL)
#define KUNIT_ASSERT_NULL(test, p)	KUNIT_ASSERT_NULL_MSG(test, p, NULL)
#define KUNIT_ASSERT_NOT_NULL(test, p)	KUNIT_ASSERT_NOT_NULL_MSG(test, p, NULL)
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p)				\
	KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, p, NULL)
#define KUNIT_ASSERT_MEMEQ(test, l, r, n) KUNIT_ASSERT_MEMEQ_MSG(test, l, r, n, NULL)
#define KUNIT_ASSERT_STREQ(test, l, r)	KUNIT_ASSERT_STREQ_MSG(test, l, r, NULL)
#define KUNIT_ASSERT_STRNEQ(test, l, r)	KUNIT_ASSERT_STRNEQ_MSG(test, l, r, NULL)

#define KUNIT_ASSERT_TRUE_MSG(test, c, fmt, ...)			\
	__KUNIT_BOOL(test, KUNIT_ASSERTION, c, true, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_FALSE_MSG(test, c, fmt, ...)			\
	__KUNIT_BOOL(test, KUNIT_ASSERTION, c, false, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_EQ_MSG(test, l, r, fmt, ...)			\
	__KUNIT_INT(test, KUNIT_ASSERTION, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NE_MSG(test, l, r, fmt, ...)			\
	__KUNIT_INT(test, KUNIT_ASSERTION, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_LT_MSG(test, l, r, fmt, ...)			\
	__KUNIT_INT(test, KUNIT_ASSERTION, l, <, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_LE_MSG(test, l, r, fmt, ...)			\
	__KUNIT_INT(test, KUNIT_ASSERTION, l, <=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_GT_MSG(test, l, r, fmt, ...)			\
	__KUNIT_INT(test, KUNIT_ASSERTION, l, >, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_GE_MSG(test, l, r, fmt, ...)			\
	__KUNIT_INT(test, KUNIT_ASSERTION, l, >=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_PTR_EQ_MSG(test, l, r, fmt, ...)			\
	__KUNIT_PTR(test, KUNIT_ASSERTION, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_PTR_NE_MSG(test, l, r, fmt, ...)			\
	__KUNIT_PTR(test, KUNIT_ASSERTION, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NULL_MSG(test, p, fmt, ...)			\
	__KUNIT_PTR_KIND(test, KUNIT_ASSERTION, p, !__p, "NULL", fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NOT_NULL_MSG(test, p, fmt, ...)			\
	__KUNIT_PTR_KIND(test, KUNIT_ASSERTION, p, __p, "not NULL", fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, p, fmt, ...)		\
	__KUNIT_PTR_KIND(test, KUNIT_ASSERTION, p, !IS_ERR_OR_NULL(__p), \
			 "not error or NULL", fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_MEMEQ_MSG(test, l, r, n, fmt, ...)			\
	__KUNIT_MEM(test, KUNIT_ASSERTION, l, r, n, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_STREQ_MSG(test, l, r, fmt, ...)			\
	__KUNIT_STR(test, KUNIT_ASSERTION, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_STRNEQ_MSG(test, l, r, fmt, ...)			\
	__KUNIT_STR(test, KUNIT_ASSERTION, l, !=, r, fmt, ##__VA_ARGS__)

#endif /* PINIO_TESTS_KUNIT_TEST_H */
