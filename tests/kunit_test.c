// SPDX-License-Identifier: GPL-2.0
/*
 * tests/kunit_test.c - the runner's own tests (suite "kunit").
 *
 * Cases that must pass use the macros as every suite does. Cases about
 * failure reports run a helper through kunit_run_isolated(), which captures
 * the report instead of failing the real case, and then check the text.
 * The machine is never booted here, so the ledger check does not apply.
 */
#include "suites.h"

#include <pinio/bug.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int kunit_test_init(struct kunit *test)
{
	static int cookie = 42;

	test->priv = &cookie;
	return 0;
}

static void kunit_priv_set_by_init(struct kunit *test)
{
	KUNIT_ASSERT_NOT_NULL(test, test->priv);
	KUNIT_EXPECT_EQ(test, *(int *)test->priv, 42);
}

/* Integers compare by value, whatever mix of widths and signedness. */
static void kunit_int_macros_compare_by_value(struct kunit *test)
{
	ssize_t ret = -1;
	size_t len = 4096;
	unsigned long big = ~0UL;
	unsigned char small = 200;
	long long neg = -5;

	KUNIT_EXPECT_EQ(test, ret, -1);
	KUNIT_EXPECT_EQ(test, len, 4096);
	KUNIT_EXPECT_EQ(test, big, ~0UL);
	KUNIT_EXPECT_NE(test, big, -1);
	KUNIT_EXPECT_LT(test, ret, len);
	KUNIT_EXPECT_LT(test, -1, 0U);
	KUNIT_EXPECT_LE(test, small, 200);
	KUNIT_EXPECT_GT(test, big, neg);
	KUNIT_EXPECT_GE(test, len, small);
	KUNIT_EXPECT_TRUE(test, len == 4096);
	KUNIT_EXPECT_FALSE(test, ret >= 0);
	KUNIT_EXPECT_EQ_MSG(test, len % 512, 0, "length %zu is not aligned", len);
	KUNIT_ASSERT_GT(test, len, 0);
}

static void kunit_int_cmp_orders_mixed_signs(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, __kunit_int_cmp((unsigned long long)-1LL, true, 0, false), -1);
	KUNIT_EXPECT_EQ(test, __kunit_int_cmp(~0ULL, false, (unsigned long long)-1LL, true), 1);
	KUNIT_EXPECT_EQ(test, __kunit_int_cmp(7, true, 7, false), 0);
	KUNIT_EXPECT_EQ(test, __kunit_int_cmp((unsigned long long)-8LL, true,
					      (unsigned long long)-7LL, true), -1);
}

static void kunit_ptr_macros(struct kunit *test)
{
	int x = 1, y = 2;
	int *p = &x, *null = NULL;
	void *err = ERR_PTR(-ENOMEM);

	KUNIT_EXPECT_PTR_EQ(test, p, &x);
	KUNIT_EXPECT_PTR_NE(test, p, &y);
	KUNIT_EXPECT_NULL(test, null);
	KUNIT_EXPECT_NOT_NULL(test, p);
	KUNIT_EXPECT_NOT_NULL(test, err);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, IS_ERR(err));
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
}

static void kunit_mem_and_str_macros(struct kunit *test)
{
	unsigned char a[64], b[64];

	memset(a, 0xaa, sizeof(a));
	memset(b, 0xaa, sizeof(b));
	KUNIT_EXPECT_MEMEQ(test, a, b, sizeof(a));
	b[63] = 0;
	KUNIT_EXPECT_MEMEQ(test, a, b, 63);
	KUNIT_EXPECT_STREQ(test, "pin", "pin");
	KUNIT_EXPECT_STRNEQ(test, "pin", "get");
	KUNIT_ASSERT_STREQ_MSG(test, "bio", "bio", "%s", "never shown");
}

struct kunit_param_sample {
	int value;
	const char *name;
};

static const struct kunit_param_sample kunit_param_samples[] = {
	{ 1, "one" },
	{ 2, "two" },
	{ 3, "three" },
};

static void kunit_param_sample_desc(const struct kunit_param_sample *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", p->name);
}

KUNIT_ARRAY_PARAM(kunit_param_sample, kunit_param_samples, kunit_param_sample_desc);

static const int kunit_plain_values[] = { 10, 20 };

KUNIT_ARRAY_PARAM(kunit_plain, kunit_plain_values, NULL);

static void kunit_param_array_walks_table(struct kunit *test)
{
	const struct kunit_param_sample *p = test->param_value;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_GE(test, p - kunit_param_samples, 0);
	KUNIT_EXPECT_LT(test, p - kunit_param_samples, ARRAY_SIZE(kunit_param_samples));
	KUNIT_EXPECT_EQ(test, p->value, p - kunit_param_samples + 1);
}

static void kunit_param_array_without_desc(struct kunit *test)
{
	const int *v = test->param_value;

	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_EXPECT_EQ(test, *v % 10, 0);
}

static void kunit_skip_marks_case_skipped(struct kunit *test)
{
	kunit_skip(test, "skipping on purpose (runner self-test)");
	KUNIT_FAIL(test, "kunit_skip() returned");
}

/* A WARN expected with KUNIT_EXPECT_WARN() does not fail the case. */
static void kunit_expect_warn_absorbs_warnings(struct kunit *test)
{
	int i;

	KUNIT_EXPECT_WARN(test, WARN_ON(1));
	KUNIT_EXPECT_WARN(test, {
		for (i = 0; i < 3; i++)
			WARN_ON_ONCE(i >= 0);
	});
	KUNIT_EXPECT_EQ(test, test->expected_warnings, 4);
}

/* ---- failure reports, captured through kunit_run_isolated() ------------ */

static bool after_assert;

static void failing_expect_eq(struct kunit *test)
{
	int a = 3, b = 4;

	KUNIT_EXPECT_EQ(test, a, b);
}

static void failing_assert(struct kunit *test)
{
	KUNIT_ASSERT_TRUE_MSG(test, 1 + 1 == 3, "arithmetic is %s", "fine");
	after_assert = true;
}

static void failing_memeq(struct kunit *test)
{
	char x[8] = "abcdefg", y[8] = "abcdeXg";

	KUNIT_EXPECT_MEMEQ(test, x, y, sizeof(x));
}

static void failing_no_warn(struct kunit *test)
{
	KUNIT_EXPECT_WARN(test, (void)WARN_ON(0));
}

static void failing_ledger_field(struct kunit *test)
{
	kunit_ledger_ignore(test, "no_such_field");
}

static void failing_then_skip(struct kunit *test)
{
	KUNIT_FAIL(test, "first a failure");
	kunit_skip(test, "then a skip");
}

static void failing_err_ptr(struct kunit *test)
{
	void *p = ERR_PTR(-EFAULT);

	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, p);
}

static void kunit_expect_eq_report(struct kunit *test)
{
	char out[1024];

	KUNIT_EXPECT_EQ(test, kunit_run_isolated(failing_expect_eq, out, sizeof(out)),
			KUNIT_FAILURE);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(out, "EXPECTATION FAILED at tests/kunit_test.c:"),
				  "report was: %s", out);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(out, "# Expected a == b, but a == 3, b == 4"),
				  "report was: %s", out);
}

static void kunit_assert_leaves_case(struct kunit *test)
{
	char out[1024];

	after_assert = false;
	KUNIT_EXPECT_EQ(test, kunit_run_isolated(failing_assert, out, sizeof(out)),
			KUNIT_FAILURE);
	KUNIT_EXPECT_FALSE(test, after_assert);
	KUNIT_EXPECT_NOT_NULL(test, strstr(out, "ASSERTION FAILED"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(out, "Expected 1 + 1 == 3 to be true, but is false"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(out, "# arithmetic is fine"));
}

static void kunit_memeq_report_shows_difference(struct kunit *test)
{
	char out[1024];

	KUNIT_EXPECT_EQ(test, kunit_run_isolated(failing_memeq, out, sizeof(out)),
			KUNIT_FAILURE);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(out, "differ at byte 5 of 8"),
				  "report was: %s", out);
}

static void kunit_expect_warn_without_warn_fails(struct kunit *test)
{
	char out[1024];

	KUNIT_EXPECT_EQ(test, kunit_run_isolated(failing_no_warn, out, sizeof(out)),
			KUNIT_FAILURE);
	KUNIT_EXPECT_NOT_NULL(test, strstr(out, "none fired"));
}

static void kunit_ledger_ignore_rejects_unknown(struct kunit *test)
{
	char out[1024];

	KUNIT_EXPECT_EQ(test, kunit_run_isolated(failing_ledger_field, out, sizeof(out)),
			KUNIT_FAILURE);
}

static void kunit_skip_after_failure_stays_failed(struct kunit *test)
{
	char out[1024];

	KUNIT_EXPECT_EQ(test, kunit_run_isolated(failing_then_skip, out, sizeof(out)),
			KUNIT_FAILURE);
}

static void kunit_err_ptr_report(struct kunit *test)
{
	char out[1024];

	KUNIT_EXPECT_EQ(test, kunit_run_isolated(failing_err_ptr, out, sizeof(out)),
			KUNIT_FAILURE);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(out, "but p == ERR_PTR(-14)"),
				  "report was: %s", out);
}

/*
 * A child of kunit_fork() that gets back into the runner, by an ASSERT or
 * by returning from the case, must not run or report anything more:
 *   fork -> child: ASSERT false      -> runner: _exit(127)
 *   fork -> child: return from case  -> runner: _exit(127)
 * Expect both children to exit with 127 (stderr, with the guard's line,
 * goes to /dev/null) and this case, in the parent, to pass.
 */
static void kunit_fork_child_never_reaches_runner(struct kunit *test)
{
	int how, status;

	for (how = 0; how < 2; how++) {
		pid_t pid = kunit_fork();

		KUNIT_ASSERT_GE(test, pid, 0);
		if (!pid) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd < 0 || dup2(fd, STDERR_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0)
				_exit(2);
			if (!how)
				KUNIT_ASSERT_TRUE(test, false);
			return;
		}
		KUNIT_ASSERT_EQ(test, waitpid(pid, &status, 0), pid);
		KUNIT_EXPECT_TRUE_MSG(test, WIFEXITED(status) && WEXITSTATUS(status) == 127,
				      "child %d: status %#x", how, status);
	}
}

static struct kunit_case kunit_test_cases[] = {
	KUNIT_CASE(kunit_priv_set_by_init),
	KUNIT_CASE(kunit_int_macros_compare_by_value),
	KUNIT_CASE(kunit_int_cmp_orders_mixed_signs),
	KUNIT_CASE(kunit_ptr_macros),
	KUNIT_CASE(kunit_mem_and_str_macros),
	KUNIT_CASE_PARAM(kunit_param_array_walks_table, kunit_param_sample_gen_params),
	KUNIT_CASE_PARAM(kunit_param_array_without_desc, kunit_plain_gen_params),
	KUNIT_CASE(kunit_skip_marks_case_skipped),
	KUNIT_CASE(kunit_expect_warn_absorbs_warnings),
	KUNIT_CASE(kunit_expect_eq_report),
	KUNIT_CASE(kunit_assert_leaves_case),
	KUNIT_CASE(kunit_memeq_report_shows_difference),
	KUNIT_CASE(kunit_expect_warn_without_warn_fails),
	KUNIT_CASE(kunit_ledger_ignore_rejects_unknown),
	KUNIT_CASE(kunit_skip_after_failure_stays_failed),
	KUNIT_CASE(kunit_err_ptr_report),
	KUNIT_CASE(kunit_fork_child_never_reaches_runner),
	{}
};

struct kunit_suite kunit_suite = {
	.name = "kunit",
	.init = kunit_test_init,
	.test_cases = kunit_test_cases,
};
