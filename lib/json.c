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
 * jansson helpers shared by the JSON formats: one place that turns a
 * jansson error into a located struct sr_error, and typed getters whose
 * messages name the offending key.  jansson is used only here and in the
 * JSON format readers.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include <jansson.h>

#include "compat.h"
#include "json.h"
#include "sr-private.h"

static void
set_loc(struct sr_loc *dst, const struct sr_loc *loc)
{
	if (loc != NULL)
		*dst = *loc;
	else
		sr_loc_clear(dst);
}

int
sr_json_parse(const char *buf, size_t len, size_t max, size_t flags,
    const struct sr_loc *loc, json_t **out, struct sr_error *e)
{
	json_error_t je;
	struct sr_loc l;
	json_t *v;

	*out = NULL;
	set_loc(&l, loc);
	if (len > max)
		return (sr_error_set(e, SR_FAILED, SR_E_LIMIT, NULL, &l,
		    "JSON text of %zu bytes exceeds the line limit of %zu", len,
		    max));
	v = json_loadb(buf, len, flags | JSON_DECODE_ANY, &je);
	if (v == NULL) {
		if (l.offset >= 0 && je.position >= 0)
			l.offset += je.position;
		/* jansson says "end of file" for a line cut short. */
		return (sr_error_set(e, SR_FAILED, SR_E_FORMAT, NULL, &l,
		    "invalid JSON: %s at column %d", je.text,
		    je.column > 0 ? je.column : je.position + 1));
	}
	*out = v;
	return (SR_OK);
}

/* Looks key up; SR_EOF when absent or null. */
static int
lookup(const json_t *obj, const char *key, json_t **v)
{
	*v = json_object_get(obj, key);
	if (*v == NULL || json_is_null(*v))
		return (SR_EOF);
	return (SR_OK);
}

static int
bad_type(const char *key, const char *what, const struct sr_loc *loc,
    struct sr_error *e)
{
	struct sr_loc l;

	set_loc(&l, loc);
	return (sr_error_set(e, SR_FAILED, SR_E_FORMAT, NULL, &l,
	    "key '%s' is not %s", key, what));
}

int
sr_json_get_str(const json_t *obj, const char *key, const char **s, size_t *len,
    const struct sr_loc *loc, struct sr_error *e)
{
	json_t *v;

	if (lookup(obj, key, &v) != SR_OK)
		return (SR_EOF);
	if (!json_is_string(v))
		return (bad_type(key, "a string", loc, e));
	*s = json_string_value(v);
	if (len != NULL)
		*len = json_string_length(v);
	return (SR_OK);
}

int
sr_json_get_int(const json_t *obj, const char *key, int64_t min, int64_t max,
    int64_t *out, const struct sr_loc *loc, struct sr_error *e)
{
	json_int_t n;
	json_t *v;
	struct sr_loc l;

	if (lookup(obj, key, &v) != SR_OK)
		return (SR_EOF);
	if (!json_is_integer(v))
		return (bad_type(key, "an integer", loc, e));
	n = json_integer_value(v);
	if ((int64_t)n < min || (int64_t)n > max) {
		set_loc(&l, loc);
		return (sr_error_set(e, SR_FAILED, SR_E_FORMAT, NULL, &l,
		    "key '%s' is out of range: %lld", key, (long long)n));
	}
	*out = (int64_t)n;
	return (SR_OK);
}

int
sr_json_seconds_to_ns(double sec, int64_t *ns)
{
	double v;

	if (isnan(sec) || sec < 0)
		return (-1);
	v = sec * (double)SR_NSEC_PER_SEC + 0.5;
	/* 2^63 is exactly representable; anything at or above overflows. */
	if (v >= 9223372036854775808.0)
		return (-1);
	*ns = (int64_t)v;
	return (0);
}

int
sr_json_get_seconds(const json_t *obj, const char *key, int64_t *ns,
    const struct sr_loc *loc, struct sr_error *e)
{
	json_t *v;
	struct sr_loc l;

	if (lookup(obj, key, &v) != SR_OK)
		return (SR_EOF);
	if (json_is_integer(v)) {
		json_int_t n = json_integer_value(v);

		if (n < 0 || n > INT64_MAX / SR_NSEC_PER_SEC)
			goto range;
		*ns = (int64_t)n * SR_NSEC_PER_SEC;
		return (SR_OK);
	}
	if (!json_is_real(v))
		return (bad_type(key, "a number", loc, e));
	if (sr_json_seconds_to_ns(json_real_value(v), ns) != 0)
		goto range;
	return (SR_OK);
range:
	set_loc(&l, loc);
	return (sr_error_set(e, SR_FAILED, SR_E_FORMAT, NULL, &l,
	    "key '%s' is not a valid number of seconds", key));
}

int
sr_json_get_obj(const json_t *obj, const char *key, json_t **out,
    const struct sr_loc *loc, struct sr_error *e)
{
	json_t *v;

	if (lookup(obj, key, &v) != SR_OK)
		return (SR_EOF);
	if (!json_is_object(v))
		return (bad_type(key, "an object", loc, e));
	*out = v;
	return (SR_OK);
}

int
sr_json_get_arr(const json_t *obj, const char *key, json_t **out,
    const struct sr_loc *loc, struct sr_error *e)
{
	json_t *v;

	if (lookup(obj, key, &v) != SR_OK)
		return (SR_EOF);
	if (!json_is_array(v))
		return (bad_type(key, "an array", loc, e));
	*out = v;
	return (SR_OK);
}
