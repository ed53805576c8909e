// SPDX-License-Identifier: GPL-2.0
/*
 * tests/main.c - the test binary's main(): the explicit list of suites,
 * sorted by suite name, handed to the runner. `build/tests/kunit -h` for
 * the options.
 */
#include "suites.h"

static struct kunit_suite *const suites[] = {
	&aio_fixed_suite,
	&aio_rsrc_suite,
	&bad_input_suite,
	&bad_input_io_suite,
	&bio_suite,
	&bio_iov_suite,
	&bio_mode_suite,
	&blk_suite,
	&blk_file_suite,
	&blk_map_suite,
	&blk_split_suite,
	&cli_args_suite,
	&cli_job_suite,
	&cli_run_suite,
	&cli_tools_suite,
	&crash_suite,
	&dio_suite,
	&dio_paths_suite,
	&dma_suite,
	&dma_fault_suite,
	&fault_inject_suite,
	&fault_scenarios_suite,
	&filemap_suite,
	&filemap_reclaim_suite,
	&fops_suite,
	&fops_aio_suite,
	&fork_cow_suite,
	&gup_suite,
	&gup_bad_input_suite,
	&gup_edge_suite,
	&gup_follow_suite,
	&iov_iter_suite,
	&iov_iter_bad_input_suite,
	&iov_iter_edge_suite,
	&iov_iter_extract_suite,
	&kunit_suite,
	&mm_suite,
	&mm_stress_suite,
	&mm_thp_suite,
	&page_checks_suite,
	&page_poison_suite,
	&page_ref_suite,
	&page_ref_acct_suite,
	&random_ops_suite,
	&refcount_suite,
	&scenario_suite,
	&scenarios_mm_suite,
	&simfs_suite,
	&simfs_dio_suite,
	&simfs_pin_suite,
	&splice_suite,
	&splice_dio_suite,
	&splice_simfs_suite,
	&trace_suite,
	&trace_io_suite,
	&zero_page_suite,
	NULL,
};

int main(int argc, char **argv)
{
	return kunit_main(argc, argv, suites);
}
