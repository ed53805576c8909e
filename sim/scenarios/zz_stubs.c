// SPDX-License-Identifier: GPL-2.0
/* temporary */
#include "sim/scenarios/scen.h"
#define STUB(f) int __attribute__((weak)) f(struct sim_scenario_ctx *ctx) { return scen_skip(ctx, "not written yet"); }
STUB(scen_r02_coloured_zero_pages)
STUB(scen_r03_near_overflow)
STUB(scen_r04_refcount_saturation)
STUB(scen_r05_vmsplice_in_child)
STUB(scen_r06_ro_longterm_pin)
STUB(scen_r07_fork_during_dio)
STUB(scen_r12_same_page_merge)
STUB(scen_r13_unaligned_span)
STUB(scen_r14_large_folio_tail)
STUB(scen_r15_zero_length_segments)
STUB(scen_r16_kernel_iterators)
STUB(scen_r17_mode_mixing)
STUB(scen_r18_partial_pin)
STUB(scen_r19_alloc_failure)
STUB(scen_r20_error_path_arrays)
STUB(scen_r21_partial_completion)
STUB(scen_r22_double_unpin)
STUB(scen_r23_longterm_pin_fork)
STUB(scen_r25_close_exit_release)
