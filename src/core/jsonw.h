/*
 * jsonw.h - a streaming JSON writer into a strbuf.
 *
 * Lists are the hot path of the API: building a jansson tree for 50 rows
 * and then dumping it costs a malloc per value and a callback per token.
 * This writes the text straight into the response buffer instead. Commas
 * are placed by the writer; strings are escaped, and a byte sequence that
 * is not UTF-8 comes out as U+FFFD, so the output is always valid JSON.
 *
 *     jw_obj(w); jw_key(w, "id"); jw_int(w, 7); jw_end(w);   -> {"id":7}
 */
#pragma once

#include "strbuf.h"

#include <stdbool.h>
#include <stdint.h>

#define JW_MAX_DEPTH 32

struct jw {
    struct strbuf *sb;
    int depth;
    bool after_key;               /* a value follows "key": without a comma */
    bool first[JW_MAX_DEPTH + 1]; /* no item written yet at this depth */
    char close[JW_MAX_DEPTH + 1]; /* '}' or ']' */
};

void jw_init(struct jw *w, struct strbuf *sb);
void jw_obj(struct jw *w);
void jw_arr(struct jw *w);
/* Closes the innermost object or array. */
void jw_end(struct jw *w);
/* key is a name from the code (plain ASCII), never input: it is not
 * escaped. */
void jw_key(struct jw *w, const char *key);
/* A string, or null when s is NULL. */
void jw_str(struct jw *w, const char *s);
void jw_int(struct jw *w, int64_t v);
/* A count of halves (>= 0) as a number: 6 -> 3, 3 -> 1.5 (学时 are kept
 * in halves, never as floating point). */
void jw_halves(struct jw *w, int64_t halves);
/* A finite number, as the JSON answers write a real (jansson's
 * JSON_REAL_PRECISION(10), http_json): "%.10g", with ".0" when it would
 * read as a whole number. */
void jw_real(struct jw *w, double v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* A key and its value in one call: "key":value. */
void jw_kstr(struct jw *w, const char *key, const char *s);
void jw_kint(struct jw *w, const char *key, int64_t v);
void jw_kbool(struct jw *w, const char *key, bool v);
/* "key":v when has, "key":null when not; an id, null when 0 (none). */
void jw_kreal(struct jw *w, const char *key, bool has, double v);
void jw_kid(struct jw *w, const char *key, int64_t id);
/* Appends s to sb as the body of a JSON string (no quotes). */
void jw_escape(struct strbuf *sb, const char *s);
