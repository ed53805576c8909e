/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tools/pinio/json.h - a tiny JSON writer and a strict RFC 8259 parser.
 *
 * The writer prints fio's layout ("key" : value, indented) and always
 * produces valid JSON: strings are escaped, non-finite numbers become 0,
 * nesting is checked. The parser exists so that tests (and tools) can read
 * the output back; it keeps the document as a tree. Pure: no simulation
 * calls; any subcommand may use it.
 */
#ifndef PINIO_TOOL_JSON_H
#define PINIO_TOOL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH	64

/* ---- writer ---------------------------------------------------------------- */

struct json_writer {
	FILE *f;
	int depth;
	bool has_items[JSON_MAX_DEPTH];
	bool is_array[JSON_MAX_DEPTH];
	bool broken;		/* misuse (too deep, unbalanced): output stays valid */
};

void json_writer_init(struct json_writer *w, FILE *f);
/* @key: the member name inside an object; NULL inside an array or at the top. */
void json_begin_object(struct json_writer *w, const char *key);
void json_end_object(struct json_writer *w);
void json_begin_array(struct json_writer *w, const char *key);
void json_end_array(struct json_writer *w);
void json_string(struct json_writer *w, const char *key, const char *s);
void json_u64(struct json_writer *w, const char *key, uint64_t v);
void json_i64(struct json_writer *w, const char *key, int64_t v);
void json_double(struct json_writer *w, const char *key, double v);
void json_bool(struct json_writer *w, const char *key, bool v);
/* Close whatever is open and end the document with a newline. */
void json_finish(struct json_writer *w);

/* ---- parser ---------------------------------------------------------------- */

enum json_type { JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json_value {
	enum json_type type;
	char *key;			/* member name, inside an object */
	double num;
	char *str;			/* UTF-8, NUL-terminated (may hold \u0000 as "") */
	struct json_value *child;	/* first element or member */
	struct json_value *next;
	size_t nr;			/* elements or members */
};

/* Parse @text (NUL-terminated). NULL and @err set on any error. */
struct json_value *json_parse(const char *text, char *err, size_t errlen);
void json_free(struct json_value *v);
/* Member @key of object @v (the first, if repeated), or NULL. */
const struct json_value *json_get(const struct json_value *v, const char *key);
const struct json_value *json_at(const struct json_value *v, size_t i);
/* Walk "jobs/0/read/clat_ns/percentile/99.000000": '/' separates steps. */
const struct json_value *json_path(const struct json_value *v, const char *path);

#endif /* PINIO_TOOL_JSON_H */
