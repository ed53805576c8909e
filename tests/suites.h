/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/suites.h - every test suite, one extern each.
 *
 * A suite lives in tests/<name>_test.c as `struct kunit_suite <name>_suite`
 * and is listed in tests/main.c's array, which must stay sorted by suite
 * name (the runner refuses to start otherwise).
 */
#ifndef PINIO_TESTS_SUITES_H
#define PINIO_TESTS_SUITES_H

#include "kunit/test.h"

extern struct kunit_suite aio_fixed_suite;
extern struct kunit_suite aio_rsrc_suite;
extern struct kunit_suite bad_input_suite;
extern struct kunit_suite bad_input_io_suite;
extern struct kunit_suite bio_suite;
extern struct kunit_suite bio_iov_suite;
extern struct kunit_suite bio_mode_suite;
extern struct kunit_suite blk_suite;
extern struct kunit_suite blk_file_suite;
extern struct kunit_suite blk_map_suite;
extern struct kunit_suite blk_split_suite;
extern struct kunit_suite cli_args_suite;
extern struct kunit_suite cli_job_suite;
extern struct kunit_suite cli_run_suite;
extern struct kunit_suite cli_tools_suite;
extern struct kunit_suite crash_suite;
extern struct kunit_suite dio_suite;
extern struct kunit_suite dio_paths_suite;
extern struct kunit_suite dma_suite;
extern struct kunit_suite dma_fault_suite;
extern struct kunit_suite fault_inject_suite;
extern struct kunit_suite fault_scenarios_suite;
extern struct kunit_suite filemap_suite;
extern struct kunit_suite filemap_reclaim_suite;
extern struct kunit_suite fops_suite;
extern struct kunit_suite fops_aio_suite;
extern struct kunit_suite fork_cow_suite;
extern struct kunit_suite gup_suite;
extern struct kunit_suite gup_bad_input_suite;
extern struct kunit_suite gup_edge_suite;
extern struct kunit_suite gup_follow_suite;
extern struct kunit_suite iov_iter_suite;
extern struct kunit_suite iov_iter_bad_input_suite;
extern struct kunit_suite iov_iter_edge_suite;
extern struct kunit_suite iov_iter_extract_suite;
extern struct kunit_suite kunit_suite;
extern struct kunit_suite mm_suite;
extern struct kunit_suite mm_stress_suite;
extern struct kunit_suite mm_thp_suite;
extern struct kunit_suite page_checks_suite;
extern struct kunit_suite page_poison_suite;
extern struct kunit_suite page_ref_suite;
extern struct kunit_suite page_ref_acct_suite;
extern struct kunit_suite random_ops_suite;
extern struct kunit_suite refcount_suite;
extern struct kunit_suite scenario_suite;
extern struct kunit_suite scenarios_mm_suite;
extern struct kunit_suite simfs_suite;
extern struct kunit_suite simfs_dio_suite;
extern struct kunit_suite simfs_pin_suite;
extern struct kunit_suite splice_suite;
extern struct kunit_suite splice_dio_suite;
extern struct kunit_suite splice_simfs_suite;
extern struct kunit_suite trace_suite;
extern struct kunit_suite trace_io_suite;
extern struct kunit_suite zero_page_suite;

#endif /* PINIO_TESTS_SUITES_H */
