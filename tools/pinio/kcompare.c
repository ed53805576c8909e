// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/kcompare.c - `pinio kcompare`: run one matrix of O_DIRECT
 * cases on the host kernel and in pinio, and compare what each returns
 * and how many FOLL_PIN pins it takes and releases.
 *
 * No kernel twin. The host side uses a file on a real filesystem (--dir,
 * default /var/tmp), the kernel's own counters nr_foll_pin_acquired and
 * nr_foll_pin_released from /proc/vmstat (folded from the per-cpu diffs by
 * writing 1 to /proc/sys/vm/stat_refresh around each call). The pinio side
 * boots a machine with a `ram` disk of the same logical block size and DMA
 * alignment as the host file needs, and runs the same calls through
 * sim_preadv()/sim_pwritev().
 *
 * The host counters are machine-wide: anything else that pins while a case
 * runs inflates them. Each case is measured --reps times (default 5) and
 * the smallest acquired and released deltas are kept - noise only ever
 * adds; a case whose host count is still above pinio's is measured up to
 * KC_EXTRA_REPS more times before it counts as a disagreement. pinio's
 * counters are exact.
 *
 * Where this host is measured to differ from mainline, the rows it affects
 * are shown and explained but not counted against the model (--strict
 * counts them). Exit: 0 every comparable case agrees, 1 a disagreement,
 * 2 bad usage, 77 cannot measure here (not root, no counters, no O_DIRECT).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <pinio/blkdev.h>
#include <pinio/scenario.h>
#include <pinio/sim.h>

#include "jobfile.h"
#include "pinio.h"
#include "subcmd.h"

#define KC_FILE_BYTES	(8UL << 20)
#define KC_BUF_BYTES	(2UL << 20)	/* each case's buffer window */
#define KC_PAGE		4096UL
#define KC_DISK		"kc0"
#define KC_EXTRA_REPS	20	/* more runs of a case whose host count looks noisy */

enum kc_buf {
	KC_TOUCHED,	/* written before the call: every page present */
	KC_UNTOUCHED,	/* never touched: GUP faults it in */
};

/*
 * One case: up to two iovecs at buffer offsets, a file position, a buffer
 * kind. A length of 0 in the second iovec means one iovec.
 */
struct kc_case {
	const char *name;
	unsigned long off0, len0, off1, len1;
	off_t pos;
	enum kc_buf buf;
};

static const struct kc_case kc_cases[] = {
	{ "512 B aligned",		0, 512, 0, 0, 0, KC_TOUCHED },
	{ "4 KiB aligned",		0, 4096, 0, 0, 0, KC_TOUCHED },
	{ "4 KiB at file offset 512",	0, 4096, 0, 0, 512, KC_TOUCHED },
	{ "4 KiB, buffer + 512",	512, 4096, 0, 0, 0, KC_TOUCHED },
	{ "1 KiB spanning 2 pages",	3584, 1024, 0, 0, 4096, KC_TOUCHED },
	{ "2 iovecs in one page",	0, 2048, 2048, 2048, 0, KC_TOUCHED },
	{ "2 iovecs, 2 pages",		0, 4096, 8192, 4096, 0, KC_TOUCHED },
	{ "64 KiB aligned",		0, 64 << 10, 0, 0, 0, KC_TOUCHED },
	{ "1 MiB aligned",		0, 1 << 20, 0, 0, 0, KC_TOUCHED },
	{ "1 MiB + 4 KiB aligned",	0, (1 << 20) + 4096, 0, 0, 0, KC_TOUCHED },
	{ "1 MiB + 4 KiB, buffer + 512", 512, (1 << 20) + 4096, 0, 0, 4096, KC_TOUCHED },
	{ "misaligned offset (100)",	0, 4096, 0, 0, 100, KC_TOUCHED },
	{ "misaligned length (100)",	0, 100, 0, 0, 0, KC_TOUCHED },
	{ "misaligned buffer (+100)",	100, 4096, 0, 0, 0, KC_TOUCHED },
	{ "16 KiB, untouched buffer",	0, 16384, 0, 0, 0, KC_UNTOUCHED },
};

#define KC_NR	ARRAY_SIZE(kc_cases)

/* What one run of one case gave. */
struct kc_result {
	long ret;		/* bytes or -errno */
	long acq, rel;		/* pin deltas */
	bool valid;
};

struct kc_row {
	const struct kc_case *c;
	bool write;
	struct kc_result host, sim;
	bool agree;
	bool host_quirk;	/* affected by a measured host deviation */
	bool late_align;	/* the deviation: buffer alignment checked after pinning */
};

struct kc_opts {
	const char *dir;
	unsigned int reps;
	bool strict;
	bool quiet;
};

/* ---- the host ------------------------------------------------------------ */

/* Host facts found before measuring. */
struct kc_host {
	char path[4096];
	int fd;
	unsigned int offset_align, mem_align;
	bool zero_page_mapped;		/* does a read fault map the shared zero page? */
	char fstype[32];
};

static int kc_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

/* nr_foll_pin_acquired and _released, folded first; false if missing. */
static bool kc_host_counters(long *acq, long *rel)
{
	char line[128];
	FILE *f;
	int found = 0;

	kc_write_file("/proc/sys/vm/stat_refresh", "1");
	f = fopen("/proc/vmstat", "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "nr_foll_pin_acquired %ld", acq) == 1)
			found |= 1;
		else if (sscanf(line, "nr_foll_pin_released %ld", rel) == 1)
			found |= 2;
	}
	fclose(f);
	return found == 3;
}

/*
 * The host's O_DIRECT alignment from statx(STATX_DIOALIGN) (Linux 6.1+).
 * glibc 2.36's struct statx predates the fields, so read them at their
 * offsets in the kernel's struct (stx_dio_mem_align at 152, _offset_ at 156).
 */
static bool kc_host_dioalign(int fd, unsigned int *mem, unsigned int *off)
{
	unsigned char raw[256] = { 0 };
	uint32_t mask;

	if (syscall(SYS_statx, fd, "", AT_EMPTY_PATH, 0x2000U /* STATX_DIOALIGN */, raw))
		return false;
	memcpy(&mask, raw, sizeof(mask));
	if (!(mask & 0x2000U))
		return false;
	memcpy(mem, raw + 152, sizeof(*mem));
	memcpy(off, raw + 156, sizeof(*off));
	return *mem && *off;
}

/*
 * Does this kernel map the shared zero page on a read fault of untouched
 * anonymous memory (mainline x86 does)? Read-fault a few pages and look
 * their frames up in /proc/kpageflags (KPF_ZERO_PAGE, bit 24).
 */
static bool kc_host_maps_zero_page(void)
{
	const int n = 4;
	volatile unsigned char *p;
	int pm, kf, i, zero = 0;
	unsigned char sum = 0;

	p = mmap(NULL, n * KC_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return true;
	for (i = 0; i < n; i++)
		sum += p[i * KC_PAGE];
	pm = open("/proc/self/pagemap", O_RDONLY);
	kf = open("/proc/kpageflags", O_RDONLY);
	for (i = 0; pm >= 0 && kf >= 0 && i < n; i++) {
		uint64_t e = 0, fl = 0;
		uintptr_t vpn = (uintptr_t)p / KC_PAGE + (uintptr_t)i;

		if (pread(pm, &e, sizeof(e), (off_t)(vpn * 8)) != sizeof(e) || !(e >> 63))
			continue;
		if (pread(kf, &fl, sizeof(fl), (off_t)((e & ((1ULL << 55) - 1)) * 8)) == sizeof(fl))
			zero += (fl >> 24) & 1;
	}
	if (pm >= 0)
		close(pm);
	if (kf >= 0)
		close(kf);
	munmap((void *)p, n * KC_PAGE);
	(void)sum;
	return zero == n;
}

/* Open the host file; 0, or an exit code with the reason printed. */
static int kc_host_setup(const struct kc_opts *o, struct kc_host *h, FILE *out)
{
	struct statfs sfs;
	unsigned char *buf;
	long acq, rel;
	int fd;

	if (geteuid() != 0) {
		fprintf(out, "kcompare: skipped: needs root (/proc/sys/vm/stat_refresh is root-only, and the "
		       "pin counters lag by per-cpu diffs without it)\n");
		return PINIO_EXIT_SKIP;
	}
	if (!kc_host_counters(&acq, &rel)) {
		fprintf(out, "kcompare: skipped: /proc/vmstat has no nr_foll_pin_acquired/released "
		       "(kernel older than 5.8, or vmstat unavailable)\n");
		return PINIO_EXIT_SKIP;
	}
	if (access("/proc/sys/vm/stat_refresh", W_OK)) {
		fprintf(out, "kcompare: skipped: cannot write /proc/sys/vm/stat_refresh\n");
		return PINIO_EXIT_SKIP;
	}
	snprintf(h->path, sizeof(h->path), "%s/pinio-kcompare.XXXXXX", o->dir);
	fd = mkstemp(h->path);
	if (fd < 0) {
		fprintf(out, "kcompare: skipped: cannot create a file in %s: %s\n", o->dir, strerror(errno));
		return PINIO_EXIT_SKIP;
	}
	/* Real blocks, so that reads and writes hit allocated extents. */
	buf = malloc(1 << 20);
	if (!buf) {
		close(fd);
		unlink(h->path);
		return PINIO_EXIT_FAIL;
	}
	memset(buf, 0x5a, 1 << 20);
	for (size_t done = 0; done < KC_FILE_BYTES; done += 1 << 20)
		if (pwrite(fd, buf, 1 << 20, (off_t)done) != 1 << 20)
			break;
	free(buf);
	fsync(fd);
	close(fd);
	h->fd = open(h->path, O_RDWR | O_DIRECT);
	if (h->fd < 0) {
		int err = errno;

		unlink(h->path);
		fprintf(out, "kcompare: skipped: the host refuses O_DIRECT on %s: %s\n", o->dir,
		       strerror(err));
		return PINIO_EXIT_SKIP;
	}
	if (!kc_host_dioalign(h->fd, &h->mem_align, &h->offset_align)) {
		/* Older kernels: assume the 512-byte sector, checked by the cases themselves. */
		h->mem_align = h->offset_align = 512;
	}
	snprintf(h->fstype, sizeof(h->fstype), "?");
	if (!fstatfs(h->fd, &sfs)) {
		switch ((unsigned long)sfs.f_type) {
		case 0xEF53:
			snprintf(h->fstype, sizeof(h->fstype), "ext2/3/4");
			break;
		case 0x58465342:
			snprintf(h->fstype, sizeof(h->fstype), "xfs");
			break;
		case 0x9123683E:
			snprintf(h->fstype, sizeof(h->fstype), "btrfs");
			break;
		case 0x01021994:
			snprintf(h->fstype, sizeof(h->fstype), "tmpfs");
			break;
		default:
			snprintf(h->fstype, sizeof(h->fstype), "0x%lx", (unsigned long)sfs.f_type);
		}
	}
	h->zero_page_mapped = kc_host_maps_zero_page();
	return 0;
}

/* A host buffer window for one run: touched, or fresh and untouched. */
static unsigned char *kc_host_buf(const struct kc_case *c)
{
	unsigned char *b = mmap(NULL, KC_BUF_BYTES + KC_PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (b == MAP_FAILED)
		return NULL;
	if (c->buf == KC_TOUCHED)
		memset(b, 0xa5, KC_BUF_BYTES + KC_PAGE);
	return b;
}

static void kc_host_run(const struct kc_host *h, const struct kc_case *c, bool write,
			unsigned int reps, struct kc_result *r)
{
	unsigned int i;

	r->valid = false;
	for (i = 0; i < reps; i++) {
		unsigned char *b = kc_host_buf(c);
		struct iovec iov[2];
		long a0, r0, a1, r1;
		ssize_t ret;

		if (!b)
			return;
		iov[0].iov_base = b + c->off0;
		iov[0].iov_len = c->len0;
		iov[1].iov_base = b + c->off1;
		iov[1].iov_len = c->len1;
		if (!kc_host_counters(&a0, &r0)) {
			munmap(b, KC_BUF_BYTES + KC_PAGE);
			return;
		}
		ret = write ? pwritev(h->fd, iov, c->len1 ? 2 : 1, c->pos) :
			      preadv(h->fd, iov, c->len1 ? 2 : 1, c->pos);
		if (ret < 0)
			ret = -errno;
		kc_host_counters(&a1, &r1);
		munmap(b, KC_BUF_BYTES + KC_PAGE);
		if (!r->valid || a1 - a0 < r->acq)
			r->acq = a1 - a0;
		if (!r->valid || r1 - r0 < r->rel)
			r->rel = r1 - r0;
		r->ret = ret;
		r->valid = true;
	}
}

/*
 * Could the difference be noise? Same result, and the host counted more
 * than pinio in a direction where other processes' pins add.
 */
static bool kc_noisy(const struct kc_result *host, const struct kc_result *sim)
{
	return host->valid && sim->valid && host->ret == sim->ret &&
	       host->acq >= sim->acq && host->rel >= sim->rel &&
	       (host->acq != sim->acq || host->rel != sim->rel);
}

/* ---- pinio --------------------------------------------------------------- */

static int kc_sim_setup(const struct kc_host *h)
{
	struct sim_config cfg = { .mem_bytes = 64UL << 20 };
	struct queue_limits lim;
	int err;

	err = sim_boot(&cfg);
	if (err)
		return err;
	err = sim_ramdisk_create(KC_DISK, KC_FILE_BYTES, h->offset_align);
	if (!err && !sim_disk_get_limits(KC_DISK, &lim)) {
		/* The host's memory alignment; the disk's own default is 511. */
		lim.dma_alignment = h->mem_align - 1;
		err = sim_disk_set_limits(KC_DISK, &lim);
	}
	return err;
}

static void kc_sim_run(const struct kc_case *c, bool write, struct kc_result *r)
{
	unsigned long b, a0, r0;
	struct iovec iov[2];
	ssize_t ret;
	int fd;

	r->valid = false;
	fd = sim_open("/dev/" KC_DISK, O_RDWR | O_DIRECT, 0);
	if (fd < 0)
		return;
	b = sim_mmap(0, KC_BUF_BYTES + KC_PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (IS_ERR_VALUE(b)) {
		sim_close(fd);
		return;
	}
	if (c->buf == KC_TOUCHED)
		sim_user_memset(b, 0xa5, KC_BUF_BYTES + KC_PAGE);
	iov[0].iov_base = (void *)(b + c->off0);
	iov[0].iov_len = c->len0;
	iov[1].iov_base = (void *)(b + c->off1);
	iov[1].iov_len = c->len1;
	a0 = sim_vmstat("nr_foll_pin_acquired");
	r0 = sim_vmstat("nr_foll_pin_released");
	ret = write ? sim_pwritev(fd, iov, c->len1 ? 2 : 1, c->pos) :
		      sim_preadv(fd, iov, c->len1 ? 2 : 1, c->pos);
	r->ret = ret;
	r->acq = (long)(sim_vmstat("nr_foll_pin_acquired") - a0);
	r->rel = (long)(sim_vmstat("nr_foll_pin_released") - r0);
	r->valid = true;
	sim_munmap(b, KC_BUF_BYTES + KC_PAGE);
	sim_close(fd);
}

/* ---- the table ------------------------------------------------------------ */

static void kc_fmt_ret(char *s, size_t n, const struct kc_result *r)
{
	if (!r->valid)
		snprintf(s, n, "n/a");
	else if (r->ret < 0)
		snprintf(s, n, "-%s", r->ret == -EINVAL ? "EINVAL" : r->ret == -EFAULT ? "EFAULT" :
			 r->ret == -EIO ? "EIO" : r->ret == -ENOMEM ? "ENOMEM" : "E?");
	else
		snprintf(s, n, "%ld", r->ret);
}

static void kcompare_usage(FILE *f)
{
	fprintf(f,
		"usage: pinio kcompare [--dir=DIR] [--reps=N] [--strict] [--quiet]\n"
		"\n"
		"Run a matrix of O_DIRECT reads and writes on the host kernel (a file in\n"
		"DIR, default /var/tmp) and in pinio (a `ram` disk of the same block size),\n"
		"and compare the return values and the FOLL_PIN pins taken and released\n"
		"(/proc/vmstat nr_foll_pin_acquired/released around each call).\n"
		"\n"
		"  --dir=DIR     where to put the host's test file (default /var/tmp)\n"
		"  --reps=N      measure each host case N times, keep the smallest deltas\n"
		"                (other processes' pins only add noise; default 5); a case\n"
		"                still above pinio's count is measured up to 20 more times\n"
		"  --strict      count rows this host is measured to get differently from\n"
		"                mainline (e.g. no shared zero page) as disagreements\n"
		"  --quiet       only the summary line\n"
		"\n"
		"Exit status: 0 every comparable case agrees, 1 a disagreement, 2 bad\n"
		"usage, 77 cannot measure here (not root, no pin counters, no O_DIRECT).\n");
}

int kcompare_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct kc_opts o = { .dir = "/var/tmp", .reps = 5 };
	struct kc_row rows[2 * KC_NR];
	unsigned int agree = 0, comparable = 0, quirks = 0, late = 0, nr = 0, i, extra;
	bool quirk;
	struct kc_host h = { .fd = -1 };
	struct stat st;
	long leaks;
	int ret, d, e;

	for (i = 1; i < (unsigned int)argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			kcompare_usage(out);
			return PINIO_EXIT_OK;
		} else if (!strcmp(a, "--dir") || !strcmp(a, "--dir=")) {
			fprintf(err, "pinio kcompare: --dir needs a value (--dir=DIR)\n");
			return PINIO_EXIT_USAGE;
		} else if (!strcmp(a, "--reps")) {
			fprintf(err, "pinio kcompare: --reps needs a value (--reps=N)\n");
			return PINIO_EXIT_USAGE;
		} else if (!strncmp(a, "--dir=", 6)) {
			o.dir = a + 6;
		} else if (!strncmp(a, "--reps=", 7)) {
			uint64_t n;

			if (job_parse_u64(a + 7, 1000, &n) || !n) {
				fprintf(err, "pinio kcompare: bad --reps \"%s\" (1 to 1000)\n", a + 7);
				return PINIO_EXIT_USAGE;
			}
			o.reps = (unsigned int)n;
		} else if (!strcmp(a, "--strict")) {
			o.strict = true;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			o.quiet = true;
		} else {
			fprintf(err, "pinio kcompare: unknown argument \"%s\" (pinio kcompare --help)\n",
				a);
			return PINIO_EXIT_USAGE;
		}
	}
	/* A --dir that is not there is bad usage; one that takes no file, a skip. */
	if (strlen(o.dir) + sizeof("/pinio-kcompare.XXXXXX") > sizeof(h.path)) {
		fprintf(err, "pinio kcompare: --dir=%.64s...: path too long\n", o.dir);
		return PINIO_EXIT_USAGE;
	}
	e = stat(o.dir, &st) ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
	if (e) {
		fprintf(err, "pinio kcompare: --dir=%s: %s\n", o.dir, strerror(e));
		return PINIO_EXIT_USAGE;
	}
	if (sim_booted()) {
		fprintf(err, "pinio kcompare: the machine is already booted\n");
		return PINIO_EXIT_FAIL;
	}

	ret = kc_host_setup(&o, &h, out);
	if (ret) {
		fflush(out);
		return ret;
	}
	if (!o.quiet) {
		fprintf(out, "host: Linux, file on %s in %s, O_DIRECT alignment: offset %u, memory %u\n",
		       h.fstype, o.dir, h.offset_align, h.mem_align);
		fprintf(out, "host: a read fault of untouched anonymous memory %s\n",
		       h.zero_page_mapped ? "maps the shared zero page" :
		       "does NOT map the shared zero page (a fresh page each time)");
		if (!strcmp(h.fstype, "tmpfs"))
			fprintf(out, "note: tmpfs accepts O_DIRECT but serves it from its page cache: "
			       "nothing is pinned, so expect disagreement; use a disk-backed --dir\n");
		fprintf(out, "pinio: profile v6.5, `ram` disk with %u-byte blocks, dma_alignment %u\n",
		       h.offset_align, h.mem_align - 1);
		fprintf(out, "host deltas: the minimum over %u runs of each case, up to %u more "
			"while above pinio's\n(/proc/vmstat is machine-wide: other processes' "
			"pins only add)\n\n", o.reps, KC_EXTRA_REPS);
	}

	ret = kc_sim_setup(&h);
	if (ret) {
		fprintf(err, "pinio kcompare: cannot boot pinio: %s\n", strerror(-ret));
		sim_shutdown();
		close(h.fd);
		unlink(h.path);
		return PINIO_EXIT_FAIL;
	}
	for (i = 0; i < KC_NR; i++) {
		for (d = 0; d < 2; d++) {
			struct kc_row *r = &rows[nr++];

			r->c = &kc_cases[i];
			r->write = d;
			kc_sim_run(r->c, r->write, &r->sim);
			kc_host_run(&h, r->c, r->write, o.reps, &r->host);
			/*
			 * Noise only adds: a host count above pinio's may be
			 * someone else's pins. Measure such a case again, up
			 * to KC_EXTRA_REPS more times, keeping the minimum.
			 */
			quirk = !h.zero_page_mapped && r->c->buf == KC_UNTOUCHED && r->write;
			for (extra = 0; !quirk && extra < KC_EXTRA_REPS && kc_noisy(&r->host, &r->sim);
			     extra++) {
				struct kc_result again;

				kc_host_run(&h, r->c, r->write, 1, &again);
				if (!again.valid || again.ret != r->host.ret)
					break;
				r->host.acq = again.acq < r->host.acq ? again.acq : r->host.acq;
				r->host.rel = again.rel < r->host.rel ? again.rel : r->host.rel;
			}
			r->agree = r->host.valid && r->sim.valid && r->host.ret == r->sim.ret &&
				   r->host.acq == r->sim.acq && r->host.rel == r->sim.rel;
			/*
			 * Mainline maps the zero page for the untouched buffer a
			 * write reads from, and never counts zero-page pins; a host
			 * that maps fresh pages counts one pin per page.
			 */
			r->host_quirk = quirk && !r->agree;
			r->late_align = false;
			/*
			 * v6.5 refuses a buffer that breaks the DMA alignment
			 * before pinning (bdev_iter_is_aligned()); 6.18 finds it
			 * while splitting the built bio, after pinning: same
			 * errno, pins taken and released on the host only.
			 */
			if (!r->agree && r->host.valid && r->sim.valid && r->host.ret == -EINVAL &&
			    r->sim.ret == -EINVAL && r->sim.acq == 0 && r->host.acq > 0 &&
			    r->host.acq == r->host.rel && (r->c->off0 % h.mem_align) != 0) {
				r->host_quirk = true;
				r->late_align = true;
			}
		}
	}
	sim_disk_destroy(KC_DISK);
	leaks = sim_shutdown();
	close(h.fd);
	unlink(h.path);

	if (!o.quiet)
		fprintf(out, "%-30s %-5s | %9s %12s | %9s %13s | %s\n", "case", "op", "host ret",
		       "host acq/rel", "pinio ret", "pinio acq/rel", "agree?");
	for (i = 0; i < nr; i++) {
		struct kc_row *r = &rows[i];
		char hr[24], sr[24], ha[48], sa[48];
		const char *verdict;

		kc_fmt_ret(hr, sizeof(hr), &r->host);
		kc_fmt_ret(sr, sizeof(sr), &r->sim);
		snprintf(ha, sizeof(ha), "%ld/%ld", r->host.acq, r->host.rel);
		snprintf(sa, sizeof(sa), "%ld/%ld", r->sim.acq, r->sim.rel);
		if (r->agree) {
			verdict = "yes";
			agree++;
			comparable++;
		} else if (r->host_quirk && !o.strict) {
			verdict = r->late_align ? "no: host differs from v6.5 (**)" :
						  "no: host differs from mainline (*)";
			quirks++;
			late += r->late_align;
		} else {
			verdict = "NO";
			comparable++;
		}
		if (!o.quiet)
			fprintf(out, "%-30s %-5s | %9s %12s | %9s %13s | %s\n", r->c->name,
			       r->write ? "write" : "read", hr, ha, sr, sa, verdict);
	}
	if (!o.quiet && quirks > late)
		fprintf(out, "\n(*) this host's kernel never maps the shared zero page (measured above),\n"
		       "    so the untouched buffer a write reads from is faulted in as fresh pages,\n"
		       "    each pinned and counted. Mainline x86 maps the zero page there, and\n"
		       "    since v6.5 never pins or counts it; pinio models mainline.\n");
	if (!o.quiet && late)
		fprintf(out, "\n(**) this host's kernel pins a buffer that breaks the DMA alignment,\n"
		       "    then refuses it (6.18 checks while splitting the bio); v6.5, which\n"
		       "    pinio models, refuses it before pinning anything.\n");
	fprintf(out, "%sagreement: %u/%u comparable cases (%.1f%%)", o.quiet ? "kcompare: " : "\n",
	       agree, comparable, comparable ? 100.0 * agree / comparable : 0.0);
	if (quirks)
		fprintf(out, "; %u not comparable on this host (%s)", quirks,
			late == quirks ? "**" : late ? "*, **" : "*");
	fprintf(out, "\n");
	if (leaks)
		fprintf(out, "pinio: sim_shutdown() found %ld leaked objects\n", leaks);
	fflush(out);
	return agree == comparable && !leaks ? PINIO_EXIT_OK : PINIO_EXIT_FAIL;
}

int cmd_kcompare(int argc, char **argv)
{
	return kcompare_main(argc, argv, stdout, stderr);
}
