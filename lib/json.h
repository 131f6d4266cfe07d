/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The sessrec authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * jansson helpers shared by the JSON formats (tlog, asciicast, sudo's
 * log.json).  They turn jansson's errors into struct sr_error values that
 * carry the location inside the recording, and give typed getters whose
 * messages name the key, so that every JSON reader words its complaints
 * the same way.
 *
 * Every json_t returned here is owned by the caller (json_decref());
 * values handed out by the getters are borrowed from the object.
 */
#ifndef SR_JSON_H
#define SR_JSON_H

#include <jansson.h>

#include "sessrec.h"

/*
 * Parses buf[0..len) as exactly one JSON value (a line of a JSON Lines
 * file; trailing white space is fine).  flags are jansson decoding flags
 * (JSON_DECODE_ANY is added; JSON_ALLOW_NUL is up to the caller).  A text
 * longer than max is refused with SR_E_LIMIT before any parsing.  On
 * success *out is owned by the caller.  On failure returns SR_FAILED with
 * e filled: category SR_E_FORMAT, loc copied from loc (may be NULL) with
 * offset advanced to the error position when loc->offset is known, and a
 * message "invalid JSON: <detail> at column N".
 */
int sr_json_parse(const char *buf, size_t len, size_t max, size_t flags,
    const struct sr_loc *loc, json_t **out, struct sr_error *e);

/*
 * Typed getters.  Each returns SR_OK when obj holds key with the wanted
 * type, SR_EOF when the key is absent or null, and SR_FAILED with e filled
 * (SR_E_FORMAT, "key 'K' is not a string", loc copied) when the type or
 * range is wrong.  obj must be an object.
 */

/* *s borrowed from obj; *len is its length in bytes (may hold NULs). */
int sr_json_get_str(const json_t *obj, const char *key, const char **s,
    size_t *len, const struct sr_loc *loc, struct sr_error *e);
/* An integer in [min, max]. */
int sr_json_get_int(const json_t *obj, const char *key, int64_t min,
    int64_t max, int64_t *v, const struct sr_loc *loc, struct sr_error *e);
/*
 * A non-negative number of seconds (integer or real) converted to
 * nanoseconds, rounded to the nearest; refused when NaN, negative or
 * beyond INT64_MAX ns.
 */
int sr_json_get_seconds(const json_t *obj, const char *key, int64_t *ns,
    const struct sr_loc *loc, struct sr_error *e);
/* An object or array (borrowed). */
int sr_json_get_obj(const json_t *obj, const char *key, json_t **v,
    const struct sr_loc *loc, struct sr_error *e);
int sr_json_get_arr(const json_t *obj, const char *key, json_t **v,
    const struct sr_loc *loc, struct sr_error *e);

/*
 * Converts seconds (a JSON real) to nanoseconds, rounded to the nearest.
 * Returns 0, or -1 when NaN, negative or out of range.
 */
int sr_json_seconds_to_ns(double sec, int64_t *ns);

#endif /* SR_JSON_H */
