// SPDX-License-Identifier: GPL-2.0-or-later
/* json.h: a small streaming JSON writer; output code only */
#ifndef TWTUNE_JSON_H
#define TWTUNE_JSON_H

#include <stdbool.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
};

/* `key` is the member name inside an object and NULL inside an array or at top level. */
void json_init(struct json *j, FILE *f);
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *val); /* NULL writes null */
void json_int(struct json *j, const char *key, long long val);
void json_uint(struct json *j, const char *key, unsigned long long val);
void json_double(struct json *j, const char *key, double val, int decimals); /* NAN: null */
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);
/* val, or null when val < 0 (not known: a count the kernel did not give) */
void json_count(struct json *j, const char *key, long long val);
/* Ends the document with a newline. */
void json_end(struct json *j);

#endif
