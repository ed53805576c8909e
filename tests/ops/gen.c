// SPDX-License-Identifier: GPL-2.0
/*
 * tests/ops/gen.c - making op sequences: the seeded generator, decoding
 * fuzz bytes, shrinking a failing sequence by deleting ops, and the text
 * form that regression files and failure reports use.
 *
 * The text form, one op per line ('#' starts a comment):
 *   config mem=64M zero=8 thp=1 profile=v6.5
 *   mmap task=0 idx=0 flags=0x02 len=1 arg=0x00000000
 * Field values are those of struct ops_op, so a line means what the
 * interpreter makes of the record, whatever machine state it meets.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <pinio/compiler.h>
#include "tests/ops/ops.h"

uint64_t ops_seed_mix(uint64_t a, uint64_t b)
{
	uint64_t z = a + 0x9e3779b97f4a7c15ULL * (b + 1);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct rng {
	uint64_t s;
};

static uint32_t rnd(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return (uint32_t)((r->s * 0x2545f4914f6cdd1dULL) >> 32);
}

/* True with probability @pct percent. */
static bool chance(struct rng *r, unsigned int pct)
{
	return rnd(r) % 100 < pct;
}

void ops_config_from_seed(uint64_t seed, struct ops_config *cfg)
{
	uint64_t m = ops_seed_mix(seed, 0x636f6e66);

	memset(cfg, 0, sizeof(*cfg));
	cfg->mem_bytes = 64UL << 20;
	cfg->thp = m & 1;
	cfg->zero_pages = (m & 2) ? 8 : 1;
	cfg->profile = SIM_PROFILE_V6_5;
	cfg->check_every = 1;
	cfg->verify_every = 1;
}

/* Relative frequencies of the generated ops. */
static const unsigned int op_weight[OPS_NR_OPS] = {
	[OPS_MMAP] = 7, [OPS_MUNMAP] = 3, [OPS_READ] = 8, [OPS_WRITE] = 14,
	[OPS_GET] = 5, [OPS_PIN] = 14, [OPS_UNPIN] = 7, [OPS_PUT] = 4,
	[OPS_FORK] = 4, [OPS_EXIT] = 2, [OPS_MPROTECT] = 4, [OPS_MADVISE] = 5,
	[OPS_DMA_WRITE] = 9, [OPS_DMA_READ] = 4,
	[OPS_DIO] = 14, [OPS_BUFRW] = 5, [OPS_FMMAP] = 2, [OPS_TRUNCATE] = 2,
	[OPS_SPLICE] = 2, [OPS_VMSPLICE] = 2, [OPS_FSYNC] = 1, [OPS_COMPLETE] = 4,
};

static unsigned int pick_op(struct rng *r)
{
	unsigned int total = 0, i, x;

	for (i = 0; i < OPS_NR_OPS; i++)
		total += op_weight[i];
	x = rnd(r) % total;
	for (i = 0; i < OPS_NR_OPS; i++) {
		if (x < op_weight[i])
			return i;
		x -= op_weight[i];
	}
	return OPS_NOP;
}

/*
 * Page offsets and counts near the edges of a 2 MiB folio and of a
 * mapping: where splits, partial PMDs and off-by-ones live. A uniform
 * offset into a 1024-page mapping would almost never land on them.
 */
static const uint16_t edge_offsets[] = { 0, 1, 2, 255, 510, 511, 512, 513, 1022, 1023 };
static const uint16_t edge_lens[] = { 0, 1, 2, 7, 15, 63, 255, 510, 511, 512 };

static void gen_op(struct rng *r, struct ops_op *op, unsigned int code)
{
	unsigned int f = 0;

	memset(op, 0, sizeof(*op));
	op->op = (uint8_t)code;
	op->task = (uint8_t)rnd(r);
	op->idx = (uint8_t)rnd(r);
	op->len = (uint16_t)rnd(r);
	op->arg = rnd(r);
	if (chance(r, 40))
		op->arg = (op->arg & 0xffff0000U) |
			  edge_offsets[rnd(r) % ARRAY_SIZE(edge_offsets)];
	if (chance(r, 25))
		op->len = (uint16_t)((op->len & 0xf000) |
				     edge_lens[rnd(r) % ARRAY_SIZE(edge_lens)]);
	switch (code) {
	case OPS_MMAP:
		f |= chance(r, 25) ? OPS_MMAP_SHARED : 0;
		f |= chance(r, 40) ? OPS_MMAP_THP : 0;
		f |= chance(r, 5) ? OPS_MMAP_POPULATE : 0;
		f |= chance(r, 8) ? OPS_MMAP_FIXED : 0;
		break;
	case OPS_READ:
	case OPS_WRITE:
		f |= chance(r, 30) ? OPS_RW_SUBPAGE : 0;
		f |= chance(r, 40) ? OPS_RW_RAMP : 0;
		break;
	case OPS_GET:
	case OPS_PIN:
		f |= chance(r, 50) ? OPS_GUP_FAST : 0;
		f |= chance(r, code == OPS_PIN ? 60 : 30) ? OPS_GUP_WRITE : 0;
		f |= code == OPS_PIN && chance(r, 25) ? OPS_GUP_LONGTERM : 0;
		f |= chance(r, 10) ? OPS_GUP_BIG : 0;
		f |= chance(r, 30) ? OPS_GUP_LOCKED : 0;
		break;
	case OPS_UNPIN:
		f |= chance(r, 30) ? OPS_UNPIN_DIRTY : 0;
		f |= chance(r, 20) ? OPS_UNPIN_ONE_BY_ONE : 0;
		break;
	case OPS_MUNMAP:
	case OPS_MPROTECT:
	case OPS_MADVISE:
		/* Mostly a few pages: whole-mapping ops would empty the state fast. */
		if (chance(r, 70))
			op->len = (uint16_t)((op->len & 0xf000) | (rnd(r) % 8));
		break;
	case OPS_DMA_WRITE:
		f |= chance(r, 50) ? 1 : 0;
		break;
	case OPS_DIO:
		f |= chance(r, 50) ? OPS_DIO_WRITE : 0;
		if (chance(r, 35))
			f |= OPS_DIO_ASYNC;
		else if (chance(r, 8))
			f |= OPS_DIO_FAULT;
		else if (chance(r, 4))
			f |= OPS_F_BAD;
		/* Mostly small, page-aligned buffers; sometimes sector-shifted. */
		if (chance(r, 60))
			op->len = (uint16_t)(op->len & 0x0fff);
		break;
	case OPS_BUFRW:
	case OPS_FMMAP:
	case OPS_FSYNC:
		f |= chance(r, 50) ? 1 : 0;
		break;
	case OPS_TRUNCATE:
		f |= chance(r, 5) ? OPS_F_BAD : 0;
		break;
	default:
		break;
	}
	if ((code == OPS_MMAP || code == OPS_MUNMAP || code == OPS_MPROTECT ||
	     code == OPS_MADVISE) && chance(r, 4))
		f |= OPS_F_BAD;
	op->flags = (uint8_t)f;
}

size_t ops_generate(uint64_t seed, struct ops_op *ops, size_t max)
{
	struct rng r = { ops_seed_mix(seed, 0x67656e) | 1 };
	size_t n, i, lead;

	if (!max)
		return 0;
	n = 50 + rnd(&r) % 151;
	if (n > max)
		n = max;
	lead = 1 + rnd(&r) % 3;
	for (i = 0; i < n; i++)
		gen_op(&r, &ops[i], i < lead ? OPS_MMAP : pick_op(&r));
	return n;
}

size_t ops_decode(const uint8_t *data, size_t size, struct ops_config *cfg,
		  struct ops_op *ops, size_t max)
{
	size_t n = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->mem_bytes = 64UL << 20;
	cfg->profile = SIM_PROFILE_V6_5;
	cfg->check_every = 1;
	cfg->verify_every = 1;
	cfg->zero_pages = 1;
	if (!size)
		return 0;
	/* Bit 0: THP; bit 1: 8 zero colours; bit 2: a 32 MiB machine. */
	cfg->thp = data[0] & 1;
	cfg->zero_pages = (data[0] & 2) ? 8 : 1;
	if (data[0] & 4)
		cfg->mem_bytes = 32UL << 20;
	data++;
	size--;
	while (size >= OPS_RECORD_BYTES && n < max) {
		struct ops_op *op = &ops[n++];

		memset(op, 0, sizeof(*op));
		op->op = data[0] % OPS_NR_DECODE;
		op->task = data[1];
		op->idx = data[2];
		op->flags = data[3];
		op->len = (uint16_t)(data[4] | data[5] << 8);
		op->arg = (uint32_t)data[6] | (uint32_t)data[7] << 8 |
			  (uint32_t)data[8] << 16 | (uint32_t)data[9] << 24;
		data += OPS_RECORD_BYTES;
		size -= OPS_RECORD_BYTES;
	}
	return n;
}

size_t ops_encode(const struct ops_config *cfg, const struct ops_op *ops, size_t n,
		  uint8_t *buf, size_t size)
{
	size_t len = 0, i;

	if (!size)
		return 0;
	buf[len++] = (uint8_t)((cfg->thp ? 1 : 0) | (cfg->zero_pages > 1 ? 2 : 0) |
			       (cfg->mem_bytes == (32UL << 20) ? 4 : 0));
	for (i = 0; i < n && len + OPS_RECORD_BYTES <= size; i++) {
		uint8_t *d = buf + len;

		d[0] = ops[i].op;
		d[1] = ops[i].task;
		d[2] = ops[i].idx;
		d[3] = ops[i].flags;
		d[4] = (uint8_t)ops[i].len;
		d[5] = (uint8_t)(ops[i].len >> 8);
		d[6] = (uint8_t)ops[i].arg;
		d[7] = (uint8_t)(ops[i].arg >> 8);
		d[8] = (uint8_t)(ops[i].arg >> 16);
		d[9] = (uint8_t)(ops[i].arg >> 24);
		len += OPS_RECORD_BYTES;
	}
	return len;
}

/* ---- shrinking ----------------------------------------------------------- */

struct shrink {
	const struct ops_config *cfg;
	const char *kind;
	unsigned long runs, budget;
	struct ops_op *tmp;
};

/* Does @ops[0..n) still fail the same way? */
static bool still_fails(struct shrink *s, const struct ops_op *ops, size_t n)
{
	struct ops_result res;

	if (s->budget && s->runs >= s->budget)
		return false;
	s->runs++;
	return ops_run(s->cfg, ops, n, &res) && !strcmp(res.kind, s->kind);
}

/* Try plainer values for each field of @ops[i]; keep each that still fails. */
static void simplify_op(struct shrink *s, struct ops_op *ops, size_t n, size_t i)
{
	unsigned int v, bit;

	for (v = 0; v < 10; v++) {
		struct ops_op op = ops[i];

		switch (v) {
		case 0: op.task = 0; break;
		case 1: op.idx = 0; break;
		case 2: op.len = 0; break;
		case 3: op.len &= 0xfff; break;
		case 4: op.len &= 0xff; break;
		case 5: op.arg = 0; break;
		case 6: op.arg &= 0xffff0000U; break;
		case 7: op.arg &= 0x00ffffffU; break;
		case 8: op.arg &= 0x00ff0000U | (op.arg & 0xffff); break;
		default: op.flags = 0; break;
		}
		if (!memcmp(&op, &ops[i], sizeof(op)))
			continue;
		memcpy(s->tmp, ops, n * sizeof(*ops));
		s->tmp[i] = op;
		if (still_fails(s, s->tmp, n))
			ops[i] = op;
	}
	for (bit = 0x80; bit; bit >>= 1) {
		struct ops_op op = ops[i];

		if (!(op.flags & bit))
			continue;
		op.flags &= (uint8_t)~bit;
		memcpy(s->tmp, ops, n * sizeof(*ops));
		s->tmp[i] = op;
		if (still_fails(s, s->tmp, n))
			ops[i] = op;
	}
}

size_t ops_shrink(const struct ops_config *cfg, struct ops_op *ops, size_t n,
		  const char *kind, unsigned long budget)
{
	struct ops_config quiet = *cfg;
	struct shrink s = { .cfg = &quiet, .kind = kind, .budget = budget };
	struct ops_result res;
	size_t chunk, i;
	bool changed = true;

	quiet.quiet = true;
	s.tmp = malloc((n ? n : 1) * sizeof(*ops));
	if (!s.tmp)
		abort();

	/* Nothing after the failing op matters. */
	if (ops_run(&quiet, ops, n, &res) && !strcmp(res.kind, kind) &&
	    res.failed_at >= 0 && (size_t)res.failed_at + 1 < n)
		n = (size_t)res.failed_at + 1;

	while (changed) {
		changed = false;
		for (chunk = n / 2 ? n / 2 : 1; chunk >= 1; chunk /= 2) {
			for (i = 0; i + chunk <= n && n > 1;) {
				memcpy(s.tmp, ops, i * sizeof(*ops));
				memcpy(s.tmp + i, ops + i + chunk, (n - i - chunk) * sizeof(*ops));
				if (still_fails(&s, s.tmp, n - chunk)) {
					memcpy(ops, s.tmp, (n - chunk) * sizeof(*ops));
					n -= chunk;
					changed = true;
				} else {
					i += chunk;
				}
			}
			if (chunk == 1)
				break;
		}
		if (s.budget && s.runs >= s.budget)
			break;
	}
	/* Then plainer fields, for a readable reproducer. */
	for (i = 0; i < n; i++)
		simplify_op(&s, ops, n, i);
	free(s.tmp);
	return n;
}

/* ---- text ------------------------------------------------------------------- */

static const char *profile_name(enum sim_profile p)
{
	switch (p) {
	case SIM_PROFILE_V6_4:
		return "v6.4";
	case SIM_PROFILE_V21:
		return "v21";
	default:
		return "v6.5";
	}
}

void ops_format_op(const struct ops_op *op, char *buf, size_t size)
{
	char name[16];

	if (op->op < OPS_NR_OPS)
		snprintf(name, sizeof(name), "%s", ops_names[op->op]);
	else
		snprintf(name, sizeof(name), "op%u", op->op);
	snprintf(buf, size, "%s task=%u idx=%u flags=0x%02x len=%u arg=0x%08x", name, op->task,
		 op->idx, op->flags, op->len, op->arg);
}

void ops_write_text(FILE *f, const struct ops_config *cfg, const struct ops_op *ops,
		    size_t n, const char *comment)
{
	char line[128];
	size_t i;

	fprintf(f, "# pinio ops v1: %zu ops\n", n);
	if (comment)
		fprintf(f, "# %s\n", comment);
	fprintf(f, "config mem=%zuM zero=%u thp=%d profile=%s\n", cfg->mem_bytes >> 20,
		cfg->zero_pages, cfg->thp, profile_name(cfg->profile));
	for (i = 0; i < n; i++) {
		ops_format_op(&ops[i], line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
}

static bool parse_num(const char *s, unsigned long *v)
{
	char *end;

	*v = strtoul(s, &end, 0);
	if (end == s)
		return false;
	if (*end == 'M' || *end == 'm') {
		*v <<= 20;
		end++;
	} else if (*end == 'K' || *end == 'k') {
		*v <<= 10;
		end++;
	}
	return *end == '\0';
}

static int parse_line(char *line, unsigned int lineno, struct ops_config *cfg,
		      struct ops_op *op, bool *is_op, char *err, size_t errsize)
{
	char *save = NULL, *tok = strtok_r(line, " \t\r\n", &save), *eq = NULL;
	bool config;
	unsigned int i;

	*is_op = false;
	if (!tok)
		return 0;
	config = !strcmp(tok, "config");
	if (!config) {
		memset(op, 0, sizeof(*op));
		for (i = 0; i < OPS_NR_OPS; i++)
			if (!strcmp(tok, ops_names[i]))
				break;
		if (i == OPS_NR_OPS) {
			snprintf(err, errsize, "line %u: unknown op \"%s\"", lineno, tok);
			return -EINVAL;
		}
		op->op = (uint8_t)i;
		*is_op = true;
	}
	while ((tok = strtok_r(NULL, " \t\r\n", &save))) {
		unsigned long v;

		eq = strchr(tok, '=');
		if (!eq) {
			snprintf(err, errsize, "line %u: \"%s\" is not key=value", lineno, tok);
			return -EINVAL;
		}
		*eq++ = '\0';
		if (config && !strcmp(tok, "profile")) {
			if (!strcmp(eq, "v6.5"))
				cfg->profile = SIM_PROFILE_V6_5;
			else if (!strcmp(eq, "v6.4"))
				cfg->profile = SIM_PROFILE_V6_4;
			else if (!strcmp(eq, "v21"))
				cfg->profile = SIM_PROFILE_V21;
			else
				goto bad;
			continue;
		}
		if (!parse_num(eq, &v))
			goto bad;
		if (config) {
			if (!strcmp(tok, "mem"))
				cfg->mem_bytes = v;
			else if (!strcmp(tok, "zero"))
				cfg->zero_pages = (unsigned int)v;
			else if (!strcmp(tok, "thp"))
				cfg->thp = v != 0;
			else if (!strcmp(tok, "check_every"))
				cfg->check_every = (unsigned int)v;
			else if (!strcmp(tok, "verify_every"))
				cfg->verify_every = (unsigned int)v;
			else
				goto bad;
		} else if (!strcmp(tok, "task") && v <= UINT8_MAX) {
			op->task = (uint8_t)v;
		} else if (!strcmp(tok, "idx") && v <= UINT8_MAX) {
			op->idx = (uint8_t)v;
		} else if (!strcmp(tok, "flags") && v <= UINT8_MAX) {
			op->flags = (uint8_t)v;
		} else if (!strcmp(tok, "len") && v <= UINT16_MAX) {
			op->len = (uint16_t)v;
		} else if (!strcmp(tok, "arg") && v <= UINT32_MAX) {
			op->arg = (uint32_t)v;
		} else {
			goto bad;
		}
	}
	return 0;
bad:
	snprintf(err, errsize, "line %u: bad field \"%s=%s\"", lineno, tok, eq ? eq : "");
	return -EINVAL;
}

int ops_parse_text(const char *text, struct ops_config *cfg, struct ops_op **opsp,
		   size_t *np, char *err, size_t errsize)
{
	char *copy = strdup(text), *line, *next;
	struct ops_op *ops = NULL;
	size_t n = 0, cap = 0;
	unsigned int lineno = 0;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	ops_config_from_seed(0, cfg);
	cfg->thp = false;
	cfg->zero_pages = 1;
	for (line = copy; line && !ret; line = next) {
		struct ops_op op;
		bool is_op;
		char *hash;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		ret = parse_line(line, lineno, cfg, &op, &is_op, err, errsize);
		if (ret || !is_op)
			continue;
		if (n == OPS_MAX_FILE) {
			snprintf(err, errsize, "line %u: more than %d ops", lineno, OPS_MAX_FILE);
			ret = -EINVAL;
			break;
		}
		if (n == cap) {
			struct ops_op *bigger;

			cap = cap ? cap * 2 : 64;
			bigger = realloc(ops, cap * sizeof(*ops));
			if (!bigger) {
				ret = -ENOMEM;
				break;
			}
			ops = bigger;
		}
		ops[n++] = op;
	}
	free(copy);
	if (ret) {
		free(ops);
		return ret;
	}
	*opsp = ops;
	*np = n;
	return 0;
}

int ops_load_file(const char *path, struct ops_config *cfg, struct ops_op **ops,
		  size_t *n, char *err, size_t errsize)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t size = 0, len = 0;
	int ret;

	if (!f) {
		snprintf(err, errsize, "%s: cannot open", path);
		return -errno;
	}
	for (;;) {
		size_t got;

		if (len + 4096 + 1 > size) {
			char *bigger;

			size = size ? size * 2 : 8192;
			bigger = realloc(text, size);
			if (!bigger) {
				free(text);
				fclose(f);
				return -ENOMEM;
			}
			text = bigger;
		}
		got = fread(text + len, 1, 4096, f);
		len += got;
		if (got < 4096)
			break;
	}
	ret = ferror(f) ? -EIO : 0;
	fclose(f);
	if (!ret) {
		text[len] = '\0';
		ret = ops_parse_text(text, cfg, ops, n, err, errsize);
	}
	free(text);
	return ret;
}
