// SPDX-License-Identifier: GPL-2.0
/*
 * tools/pinio/json.c - the JSON writer and parser of json.h.
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* ---- writer ---------------------------------------------------------------- */

void json_writer_init(struct json_writer *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
}

static void put_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	fputc('"', f);
	while (*p) {
		unsigned char c = *p;
		unsigned int need, i;

		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			p++;
			continue;
		}
		if (c < 0x20) {
			switch (c) {
			case '\n':
				fputs("\\n", f);
				break;
			case '\t':
				fputs("\\t", f);
				break;
			case '\r':
				fputs("\\r", f);
				break;
			default:
				fprintf(f, "\\u%04x", c);
			}
			p++;
			continue;
		}
		if (c < 0x80) {
			fputc(c, f);
			p++;
			continue;
		}
		/* Pass well-formed UTF-8 through; anything else becomes U+FFFD. */
		need = c >= 0xf0 && c <= 0xf4 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 && c < 0xe0 ? 1 : 0;
		if (c >= 0xf5)
			need = 0;
		for (i = 1; need && i <= need; i++)
			if ((p[i] & 0xc0) != 0x80)
				need = 0;
		if (need == 2 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0)))
			need = 0;
		if (need == 3 && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90)))
			need = 0;
		if (!need) {
			fputs("\\ufffd", f);
			p++;
			continue;
		}
		fwrite(p, 1, need + 1, f);
		p += need + 1;
	}
	fputc('"', f);
}

/* Separator, indentation and key before a value; false to drop the value. */
static bool item_prefix(struct json_writer *w, const char *key)
{
	int d = w->depth;

	if (w->broken && d <= 0)
		return false;
	if (d == 0) {
		if (w->has_items[0]) {
			w->broken = true;	/* a second top-level value */
			return false;
		}
		w->has_items[0] = true;
		return true;
	}
	fputs(w->has_items[d] ? ",\n" : "\n", w->f);
	w->has_items[d] = true;
	fprintf(w->f, "%*s", 2 * d, "");
	if (!w->is_array[d]) {
		if (!key)
			w->broken = true;
		put_string(w->f, key ? key : "");
		fputs(" : ", w->f);
	}
	return true;
}

static void begin(struct json_writer *w, const char *key, bool array)
{
	if (!item_prefix(w, key))
		return;
	if (w->depth + 1 >= JSON_MAX_DEPTH) {
		/* Too deep: a null stands in for the container and its contents. */
		fputs("null", w->f);
		w->broken = true;
		return;
	}
	fputc(array ? '[' : '{', w->f);
	w->depth++;
	w->has_items[w->depth] = false;
	w->is_array[w->depth] = array;
}

static void end(struct json_writer *w, bool array)
{
	int d = w->depth;

	if (d <= 0) {
		w->broken = true;
		return;
	}
	if (w->is_array[d] != array)
		w->broken = true;
	if (w->has_items[d])
		fprintf(w->f, "\n%*s", 2 * (d - 1), "");
	fputc(w->is_array[d] ? ']' : '}', w->f);
	w->depth--;
}

void json_begin_object(struct json_writer *w, const char *key)
{
	begin(w, key, false);
}

void json_end_object(struct json_writer *w)
{
	end(w, false);
}

void json_begin_array(struct json_writer *w, const char *key)
{
	begin(w, key, true);
}

void json_end_array(struct json_writer *w)
{
	end(w, true);
}

void json_string(struct json_writer *w, const char *key, const char *s)
{
	if (item_prefix(w, key))
		put_string(w->f, s);
}

void json_u64(struct json_writer *w, const char *key, uint64_t v)
{
	if (item_prefix(w, key))
		fprintf(w->f, "%llu", (unsigned long long)v);
}

void json_i64(struct json_writer *w, const char *key, int64_t v)
{
	if (item_prefix(w, key))
		fprintf(w->f, "%lld", (long long)v);
}

void json_double(struct json_writer *w, const char *key, double v)
{
	if (!item_prefix(w, key))
		return;
	if (v != v || v > 1e300 || v < -1e300)
		v = 0;
	fprintf(w->f, "%.6f", v);
}

void json_bool(struct json_writer *w, const char *key, bool v)
{
	if (item_prefix(w, key))
		fputs(v ? "true" : "false", w->f);
}

void json_finish(struct json_writer *w)
{
	while (w->depth > 0)
		end(w, w->is_array[w->depth]);
	if (!w->has_items[0])
		fputs("null", w->f);
	fputc('\n', w->f);
}

/* ---- parser ---------------------------------------------------------------- */

struct json_parser {
	const char *p;
	const char *start;
	char *err;
	size_t errlen;
	bool failed;
};

static void perr(struct json_parser *jp, const char *what)
{
	if (jp->failed)
		return;
	jp->failed = true;
	if (jp->err && jp->errlen)
		snprintf(jp->err, jp->errlen, "json: %s at byte %zu", what,
			 (size_t)(jp->p - jp->start));
}

static void skip_ws(struct json_parser *jp)
{
	while (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' || *jp->p == '\r')
		jp->p++;
}

static int hex4(const char *p, unsigned int *out)
{
	unsigned int v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned int)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t utf8_put(char *o, unsigned int cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A string starting at the opening quote; the result is malloc'ed. */
static char *parse_string(struct json_parser *jp)
{
	const char *q = jp->p + 1;
	size_t cap = 0;
	char *out, *o;

	/* The decoded string is never longer than the escaped one. */
	while (*q && *q != '"') {
		if (*q == '\\' && q[1])
			q++;
		q++;
		cap++;
	}
	out = malloc(2 * cap + 8);
	if (!out) {
		perr(jp, "out of memory");
		return NULL;
	}
	o = out;
	jp->p++;
	for (;;) {
		unsigned char c = (unsigned char)*jp->p;

		if (!c) {
			perr(jp, "unterminated string");
			goto fail;
		}
		if (c == '"') {
			jp->p++;
			break;
		}
		if (c < 0x20) {
			perr(jp, "control character in string");
			goto fail;
		}
		if (c != '\\') {
			*o++ = (char)c;
			jp->p++;
			continue;
		}
		jp->p++;
		switch (*jp->p) {
		case '"':
		case '\\':
		case '/':
			*o++ = *jp->p;
			break;
		case 'b':
			*o++ = '\b';
			break;
		case 'f':
			*o++ = '\f';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u': {
			unsigned int cp, lo;

			if (hex4(jp->p + 1, &cp)) {
				perr(jp, "bad \\u escape");
				goto fail;
			}
			jp->p += 4;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (jp->p[1] != '\\' || jp->p[2] != 'u' || hex4(jp->p + 3, &lo) ||
				    lo < 0xdc00 || lo > 0xdfff) {
					perr(jp, "unpaired surrogate");
					goto fail;
				}
				jp->p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				perr(jp, "unpaired surrogate");
				goto fail;
			}
			o += utf8_put(o, cp);
			break;
		}
		default:
			perr(jp, "bad escape");
			goto fail;
		}
		jp->p++;
	}
	*o = '\0';
	return out;
fail:
	free(out);
	return NULL;
}

static int parse_number(struct json_parser *jp, double *out)
{
	const char *s = jp->p, *p = s;
	char *end;

	if (*p == '-')
		p++;
	if (*p == '0') {
		p++;
	} else if (*p >= '1' && *p <= '9') {
		while (*p >= '0' && *p <= '9')
			p++;
	} else {
		perr(jp, "bad number");
		return -1;
	}
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9')) {
			perr(jp, "bad number");
			return -1;
		}
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9')) {
			perr(jp, "bad number");
			return -1;
		}
		while (*p >= '0' && *p <= '9')
			p++;
	}
	*out = strtod(s, &end);
	if (end != p) {
		perr(jp, "bad number");
		return -1;
	}
	jp->p = p;
	return 0;
}

static struct json_value *parse_value(struct json_parser *jp, int depth);

static struct json_value *new_value(struct json_parser *jp, enum json_type type)
{
	struct json_value *v = calloc(1, sizeof(*v));

	if (!v)
		perr(jp, "out of memory");
	else
		v->type = type;
	return v;
}

static struct json_value *parse_container(struct json_parser *jp, int depth, bool object)
{
	struct json_value *v = new_value(jp, object ? JSON_OBJECT : JSON_ARRAY), **tail;
	char close = object ? '}' : ']';

	if (!v)
		return NULL;
	tail = &v->child;
	jp->p++;
	skip_ws(jp);
	if (*jp->p == close) {
		jp->p++;
		return v;
	}
	for (;;) {
		struct json_value *item;
		char *key = NULL;

		skip_ws(jp);
		if (object) {
			if (*jp->p != '"') {
				perr(jp, "expected a member name");
				goto fail;
			}
			key = parse_string(jp);
			if (!key)
				goto fail;
			skip_ws(jp);
			if (*jp->p != ':') {
				free(key);
				perr(jp, "expected ':'");
				goto fail;
			}
			jp->p++;
		}
		item = parse_value(jp, depth + 1);
		if (!item) {
			free(key);
			goto fail;
		}
		item->key = key;
		*tail = item;
		tail = &item->next;
		v->nr++;
		skip_ws(jp);
		if (*jp->p == ',') {
			jp->p++;
			continue;
		}
		if (*jp->p == close) {
			jp->p++;
			return v;
		}
		perr(jp, object ? "expected ',' or '}'" : "expected ',' or ']'");
		goto fail;
	}
fail:
	json_free(v);
	return NULL;
}

static struct json_value *parse_value(struct json_parser *jp, int depth)
{
	struct json_value *v;

	if (depth > JSON_MAX_DEPTH) {
		perr(jp, "nested too deeply");
		return NULL;
	}
	skip_ws(jp);
	switch (*jp->p) {
	case '{':
		return parse_container(jp, depth, true);
	case '[':
		return parse_container(jp, depth, false);
	case '"': {
		char *s = parse_string(jp);

		if (!s)
			return NULL;
		v = new_value(jp, JSON_STRING);
		if (!v)
			free(s);
		else
			v->str = s;
		return v;
	}
	case 't':
		if (!strncmp(jp->p, "true", 4)) {
			jp->p += 4;
			return new_value(jp, JSON_TRUE);
		}
		break;
	case 'f':
		if (!strncmp(jp->p, "false", 5)) {
			jp->p += 5;
			return new_value(jp, JSON_FALSE);
		}
		break;
	case 'n':
		if (!strncmp(jp->p, "null", 4)) {
			jp->p += 4;
			return new_value(jp, JSON_NULL);
		}
		break;
	default:
		if (*jp->p == '-' || (*jp->p >= '0' && *jp->p <= '9')) {
			double d;

			if (parse_number(jp, &d))
				return NULL;
			v = new_value(jp, JSON_NUMBER);
			if (v)
				v->num = d;
			return v;
		}
	}
	perr(jp, *jp->p ? "unexpected character" : "unexpected end");
	return NULL;
}

struct json_value *json_parse(const char *text, char *err, size_t errlen)
{
	struct json_parser jp = { .p = text, .start = text, .err = err, .errlen = errlen };
	struct json_value *v;

	if (!text) {
		jp.p = jp.start = "";
		perr(&jp, "no text");
		return NULL;
	}
	v = parse_value(&jp, 0);
	if (!v)
		return NULL;
	skip_ws(&jp);
	if (*jp.p) {
		perr(&jp, "trailing characters");
		json_free(v);
		return NULL;
	}
	return v;
}

void json_free(struct json_value *v)
{
	while (v) {
		struct json_value *next = v->next;

		json_free(v->child);
		free(v->key);
		free(v->str);
		free(v);
		v = next;
	}
}

const struct json_value *json_get(const struct json_value *v, const char *key)
{
	const struct json_value *c;

	if (!v || v->type != JSON_OBJECT)
		return NULL;
	for (c = v->child; c; c = c->next)
		if (!strcmp(c->key, key))
			return c;
	return NULL;
}

const struct json_value *json_at(const struct json_value *v, size_t i)
{
	const struct json_value *c;

	if (!v || v->type != JSON_ARRAY)
		return NULL;
	for (c = v->child; c && i; c = c->next)
		i--;
	return c;
}

const struct json_value *json_path(const struct json_value *v, const char *path)
{
	char step[128];

	while (v && *path) {
		const char *slash = strchr(path, '/');
		size_t n = slash ? (size_t)(slash - path) : strlen(path);

		if (n >= sizeof(step))
			return NULL;
		memcpy(step, path, n);
		step[n] = '\0';
		if (v->type == JSON_ARRAY) {
			char *end;
			unsigned long i = strtoul(step, &end, 10);

			if (!n || *end)
				return NULL;
			v = json_at(v, i);
		} else {
			v = json_get(v, step);
		}
		path += n + (slash ? 1 : 0);
	}
	return v;
}
