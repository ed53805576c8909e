/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinio/pinio.h - the umbrella header: everything an outside program needs.
 */
#ifndef PINIO_PINIO_H
#define PINIO_PINIO_H

#include <pinio/compiler.h>
#include <pinio/err.h>
#include <pinio/bug.h>
#include <pinio/atomic.h>
#include <pinio/mm_types.h>
#include <pinio/page_ref.h>
#include <pinio/mm.h>
#include <pinio/vmstat.h>
#include <pinio/sched.h>
#include <pinio/uaccess.h>
#include <pinio/uio.h>
#include <pinio/bvec.h>
#include <pinio/blk_types.h>
#include <pinio/bio.h>
#include <pinio/blkdev.h>
#include <pinio/fs.h>
#include <pinio/fault-inject.h>
#include <pinio/refcount.h>
#include <pinio/trace.h>
#include <pinio/sim.h>

#endif /* PINIO_PINIO_H */
