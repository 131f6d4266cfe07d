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
 * lib/filter/mask.c: input masking at record time (SECURITY.md 6).  Each
 * case is a policy and a script of output and input steps as the
 * recorder would relay them; every input step states the runs that
 * sr_mask_input() must cut it into ("m8 c3": 8 masked bytes, then 3
 * clear) and optionally sr_mask_lines() afterwards.  Tables also cover
 * the default prompt regex line by line and the regexes sr_mask_new()
 * refuses; properties check that splitting output anywhere changes
 * nothing and that random bytes keep the run contract.
 */
#include <string.h>

#include "unit.h"

enum step_kind {
	S_END = 0,
	S_OUT,	 /* output data */
	S_FILL,	 /* output len copies of data[0], in pieces of 1000 */
	S_FILL1, /* the same in one piece */
	S_IN,	 /* input data, echo_off; runs want, lines */
};

struct step {
	enum step_kind kind;
	const char *data;
	size_t len; /* 0: strlen(data) */
	int echo_off;
	const char *want; /* S_IN: the runs */
	int lines;	  /* S_IN: sr_mask_lines() after, -1: not checked */
};

/* clang-format off */
#define OUT(s)		 { S_OUT, (s), 0, 0, NULL, -1 }
#define FILL(c, n)	 { S_FILL, (c), (n), 0, NULL, -1 }
#define FILL1(c, n)	 { S_FILL1, (c), (n), 0, NULL, -1 }
#define IN(s, eo, w)	 { S_IN, (s), 0, (eo), (w), -1 }
#define INL(s, eo, w, l) { S_IN, (s), 0, (eo), (w), (l) }
#define INN(s, n, eo, w) { S_IN, (s), (n), (eo), (w), -1 }
/* clang-format on */

#define P_OFF	 SR_MASK_OFF
#define P_ECHO	 SR_MASK_ECHO_OFF
#define P_PROMPT SR_MASK_ECHO_OFF_PROMPT

static const struct mask_case {
	const char *name;
	enum sr_mask_policy policy;
	const char *prompt; /* NULL: default */
	struct step steps[12];
} cases[] = {
	{ "sudo with echo off", P_PROMPT, NULL,
	    { OUT("$ "), INL("sudo ls\r", 0, "c8", 0),
		OUT("sudo ls\r\n[sudo] password for root: "),
		INL("hunter2\r", 1, "m8", 1), OUT("\r\nfile\r\n$ "),
		INL("ls\r", 0, "c3", 0) } },
	{ "sudo prompt seen over ssh (raw pty)", P_PROMPT, NULL,
	    { OUT("\r\n[sudo] password for root: "), IN("h", 0, "m1"),
		IN("unter", 0, "m5"), INL("2\r", 0, "m2", 1), OUT("\r\n"),
		INL("ls\r", 0, "c3", 0) } },
	{ "ssh passphrase prompt", P_PROMPT, NULL,
	    { OUT("Enter passphrase for key '/root/.ssh/id_ed25519': "),
		IN("s", 0, "m1"), IN("ecret", 0, "m5"), INL("\r", 0, "m1", 1),
		OUT("\r\nuser@host:~$ "), INL("id\r", 0, "c3", 0) } },
	{ "git https password prompt", P_PROMPT, NULL,
	    { OUT("Password for 'https://x@github.com': "),
		IN("ghp_abc\r", 0, "m8") } },
	{ "read -s: echo off without a prompt", P_ECHO, NULL,
	    { OUT("$ "), INL("abc\r", 1, "m4", 1), OUT("\r\n$ "),
		INL("ls\r", 0, "c3", 0) } },
	{ "echo-off policy ignores prompts", P_ECHO, NULL,
	    { OUT("Password: "), IN("pw\r", 0, "c3"), IN("pw\r", 1, "m3") } },
	{ "echo comes back mid-line: still masked to CR", P_ECHO, NULL,
	    { IN("ab", 1, "m2"), IN("cd", 0, "m2"), INL("e\r", 0, "m2", 1),
		IN("ls\r", 0, "c3") } },
	{ "echo goes off mid-line", P_ECHO, NULL,
	    { IN("ab", 0, "c2"), INL("cd\r", 1, "m3", 1) } },
	{ "prompt split across chunks in SGR colour", P_PROMPT, NULL,
	    { OUT("\r\n\x1b[1;3"), OUT("1mPass"), OUT("wor\x1b[0"), OUT("md"),
		OUT(": \x1b[0m"), IN("pw\r", 0, "m3") } },
	{ "prompt inside an OSC title is no prompt", P_PROMPT, NULL,
	    { OUT("\x1b]0;Password: "), OUT("\x07$ "), IN("ls\r", 0, "c3") } },
	{ "OSC ended by ST split across reads", P_PROMPT, NULL,
	    { OUT("\x1b]2;x\x1b"), OUT("\\Password: "), IN("pw\r", 0, "m3") } },
	{ "DCS with newline and prompt text", P_PROMPT, NULL,
	    { OUT("Password: \x1bP$q\r\nm"), OUT("\x1b\\"),
		IN("pw\r", 0, "m3") } },
	{ "CSI split inside parameters", P_PROMPT, NULL,
	    { OUT("PIN\x1b["), OUT("3"), OUT("8;5;1"), OUT("96m:"), OUT(" "),
		IN("1234\r", 0, "m5") } },
	{ "CAN aborts a sequence", P_PROMPT, NULL,
	    { OUT("\x1b]0;x\x18Passcode: "), IN("1\r", 0, "m2") } },
	{ "ESC inside OSC starts a new sequence", P_PROMPT, NULL,
	    { OUT("\x1b]0;x\x1b[0mOTP: "), IN("9\r", 0, "m2") } },
	{ "two-byte ESC sequences are dropped", P_PROMPT, NULL,
	    { OUT("\x1b"
		  "7Pass\x1b(Bword: \x1b"
		  "8"),
		IN("p\r", 0, "m2") } },
	{ "C0 controls are dropped, BS erases", P_PROMPT, NULL,
	    { OUT("Pass\twor\adx\b: "), IN("p\r", 0, "m2") } },
	{ "BS erases a whole UTF-8 character", P_PROMPT, NULL,
	    { OUT("Pass\xc3\xa9\bword: "), IN("p\r", 0, "m2") } },
	{ "BEL ends an OSC", P_PROMPT, NULL,
	    { OUT("\x1b]0;t\x07Password: "), IN("p\r", 0, "m2") } },
	{ "ESC intermediate takes '[' as its final", P_PROMPT, NULL,
	    { OUT("\x1b([Password: "), IN("p\r", 0, "m2") } },
	{ "CR starts the line afresh", P_PROMPT, NULL,
	    { OUT("xx\rPIN: "), IN("1\r", 0, "m2") } },
	{ "CR overwrite leaves the shell prompt", P_PROMPT, NULL,
	    { OUT("Password: \r$ "), IN("ls\r", 0, "c3") } },
	{ "pwfeedback stars and backspaces keep masking", P_PROMPT, NULL,
	    { OUT("[sudo] password for root: "), IN("h", 0, "m1"), OUT("*"),
		IN("u", 0, "m1"), OUT("*"), IN("\x7f", 0, "m1"), OUT("\b \b"),
		OUT("\x1b[K\x1b[1D\x1b[0m\x1b[?25l\x07"), IN("x", 0, "m1"),
		OUT("*"), INL("\r", 0, "m1", 1) } },
	{ "prompt then echo ends masking early", P_PROMPT, NULL,
	    { OUT("Password: "), IN("a", 0, "m1"), OUT("a"),
		INL("bc\r", 0, "c3", 0) } },
	{ "prompt then unrelated output ends masking", P_PROMPT, NULL,
	    { OUT("Password: "), IN("x", 0, "m1"),
		OUT("\r\nerror: not a tty\r\n$ "), IN("ls\r", 0, "c3") } },
	{ "new prompt after unrelated output masks again", P_PROMPT, NULL,
	    { OUT("Password: "), IN("x", 0, "m1"),
		OUT("\r\nSorry, try again.\r\nPassword: "),
		INL("pw\r", 0, "m3", 1) } },
	{ "cursor save ends a prompt span", P_PROMPT, NULL,
	    { OUT("Password: "), IN("x", 0, "m1"),
		OUT("\x1b"
		    "7"),
		IN("y\r", 0, "c2") } },
	{ "feedback then cursor save: the prompt is used up", P_PROMPT, NULL,
	    { OUT("Password: "), IN("x", 0, "m1"),
		OUT("*\b\x1b"
		    "7"),
		IN("y\r", 0, "c2") } },
	{ "non-private mode set ends a prompt span", P_PROMPT, NULL,
	    { OUT("Password: "), IN("x", 0, "m1"), OUT("\x1b[4h"),
		IN("y\r", 0, "c2") } },
	{ "CSI K with an intermediate ends a prompt span", P_PROMPT, NULL,
	    { OUT("Password: "), IN("x", 0, "m1"), OUT("\x1b[2 K"),
		IN("y\r", 0, "c2") } },
	{ "OSC ends a prompt span", P_PROMPT, NULL,
	    { OUT("Password: "), IN("x", 0, "m1"), OUT("\x1b]0;t\x07"),
		IN("y\r", 0, "c2") } },
	{ "echo-off span ignores output", P_PROMPT, NULL,
	    { OUT("Password: "), IN("x", 1, "m1"), OUT("oops"),
		IN("y\r", 0, "m2") } },
	{ "prompt span becomes echo-off span", P_PROMPT, NULL,
	    { OUT("Password: "), IN("x", 0, "m1"), IN("y", 1, "m1"), OUT("z"),
		IN("w\r", 0, "m2") } },
	{ "prompt is used up by one line", P_PROMPT, NULL,
	    { OUT("Password: "), INL("pw\r", 0, "m3", 1),
		INL("ls\r", 0, "c3", 0), OUT("\r\nPassword: "),
		INL("x\r", 0, "m2", 1) } },
	{ "redrawn prompt masks again", P_PROMPT, NULL,
	    { OUT("Password: "), IN("pw\r", 0, "m3"), OUT("\rPassword: "),
		IN("pw\r", 0, "m3") } },
	{ "two passwords in one read, echo off", P_PROMPT, NULL,
	    { OUT("New password: "), INL("pw1\rpw2\r", 1, "m4 m4", 2) } },
	{ "typeahead for a prompt not printed yet is clear", P_PROMPT, NULL,
	    { OUT("New password: "), INL("pw1\rpw2\r", 0, "m4 c4", 0) } },
	{ "retype prompt", P_PROMPT, NULL,
	    { OUT("New password: "), IN("a\r", 1, "m2"),
		OUT("\r\nRetype new password: "), INL("a\r", 1, "m2", 2),
		OUT("\r\npasswd: password updated successfully\r\n$ "),
		INL("ls\r", 0, "c3", 0) } },
	{ "input CRLF in one read", P_PROMPT, NULL,
	    { OUT("Password: "), INL("pw\r\nls\r\n", 0, "m4 c4", 0) } },
	{ "input CRLF split after CR", P_PROMPT, NULL,
	    { OUT("Password: "), INL("pw\r", 0, "m3", 1),
		INL("\nls\r\n", 0, "m1 c4", 0) } },
	{ "lone LF with echo off is an empty masked line", P_ECHO, NULL,
	    { IN("ls\r", 0, "c3"), IN("\n", 1, "m1") } },
	{ "LF ends a masked line too", P_ECHO, NULL,
	    { INL("pw\nls\n", 1, "m3 m3", 2) } },
	{ "clear lines stay one run", P_PROMPT, NULL,
	    { OUT("$ "), INL("ls\rpwd\rcd /\r", 0, "c12", 0) } },
	{ "echo off masks every line of the read", P_ECHO, NULL,
	    { INL("ls\rpw\r", 1, "m3 m3", 2) } },
	{ "no masking for ordinary commands", P_PROMPT, NULL,
	    { OUT("root@host:~# "), IN("ls -l /etc/pin\r", 0, "c15"),
		OUT("\r\n-rw-r--r-- 1 root root 0 password\r\nroot@host:~# "),
		IN("vi", 0, "c2"), IN("\r", 0, "c1") } },
	{ "policy off masks nothing", P_OFF, NULL,
	    { OUT("Password: "), INL("pw\r", 1, "c3", 0),
		IN("pw\r", 0, "c3") } },
	{ "custom regex", P_PROMPT, "token:[[:blank:]]*$",
	    { OUT("Token: "), IN("t0k\r", 0, "m4"), OUT("\r\nPassword: "),
		IN("pw\r", 0, "c3") } },
	{ "line over 4 KiB keeps its tail", P_PROMPT, NULL,
	    { FILL("x", 10000), OUT(" Password: "), IN("pw\r", 0, "m3") } },
	{ "prompt pushed out of the 4 KiB window", P_PROMPT, NULL,
	    { OUT("Password:"), FILL(" ", 4096), IN("pw\r", 0, "c3") } },
	{ "prompt with blanks still in the window", P_PROMPT, NULL,
	    { OUT("Password:"), FILL(" ", 4000), IN("pw\r", 0, "m3") } },
	{ "prompt pushed out in one piece", P_PROMPT, NULL,
	    { OUT("Password:"), FILL1(" ", 4096), IN("pw\r", 0, "c3") } },
	{ "prompt after a line of exactly 4 KiB", P_PROMPT, NULL,
	    { FILL1("x", 4096 - 6), OUT(" PIN: "), IN("pw\r", 0, "m3") } },
	{ "huge line in one chunk then a prompt", P_PROMPT, NULL,
	    { FILL1("\x1b", 9000), FILL1("y", 1 << 20), OUT("\r\nPIN: "),
		IN("1\r", 0, "m2") } },
	{ "NUL and high bytes in input", P_PROMPT, NULL,
	    { OUT("Password: "), INN("\0\xff\r", 3, 0, "m3"),
		INN("\0\xff\r", 3, 0, "c3") } },
	{ "lines counter", P_ECHO, NULL,
	    { INL("a\r", 1, "m2", 1), INL("b\r", 1, "m2", 2),
		INL("c\r", 1, "m2", 3), INL("d\re\r", 1, "m2 m2", 5),
		INL("ls", 0, "c2", 5), INL("\r", 0, "c1", 0),
		INL("f\r", 1, "m2", 1) } },
};

static void
append_run(char *got, size_t size, int masked, size_t n)
{
	size_t l = strlen(got);

	(void)snprintf(got + l, size - l, "%s%c%zu", l ? " " : "",
	    masked ? 'm' : 'c', n);
}

/* Cuts all of buf into runs, checking the run contract as it goes. */
static void
runs(struct sr_mask *m, const char *buf, size_t len, int echo_off, char *got,
    size_t size, const char *name)
{
	size_t off = 0, n;
	int masked;

	got[0] = '\0';
	while (off < len) {
		masked = -1;
		n = sr_mask_input(m, buf + off, len - off, echo_off, &masked);
		if (n == 0 || n > len - off || (masked != 0 && masked != 1))
			fail_msg("%s: run %zu of %zu bytes, masked %d", name, n,
			    len - off, masked);
		append_run(got, size, masked, n);
		off += n;
	}
}

static void
test_cases(void **state)
{
	static char fill[(1 << 20) + 1];
	struct sr_error err;
	struct sr_mask *m;
	char got[256];
	size_t i, j, len, off, piece;
	int masked;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		const struct mask_case *c = &cases[i];

		sr_error_clear(&err);
		if (sr_mask_new(c->policy, c->prompt, &m, &err) != SR_OK)
			fail_msg("%s: sr_mask_new: %s", c->name, err.msg);
		if (sr_mask_input(m, "x", 0, 1, &masked) != 0)
			fail_msg("%s: empty input gave a run", c->name);
		for (j = 0; j < nitems(c->steps); j++) {
			const struct step *s = &c->steps[j];

			if (s->kind == S_END)
				break;
			len = s->len ? s->len : strlen(s->data);
			switch (s->kind) {
			case S_OUT:
				sr_mask_output(m, s->data, len);
				break;
			case S_FILL:
			case S_FILL1:
				assert_true(len <= sizeof(fill));
				memset(fill, s->data[0], len);
				for (off = 0; off < len; off += piece) {
					piece = s->kind == S_FILL1 ? len : 1000;
					if (piece > len - off)
						piece = len - off;
					sr_mask_output(m, fill + off, piece);
				}
				break;
			case S_IN:
				runs(m, s->data, len, s->echo_off, got,
				    sizeof(got), c->name);
				if (strcmp(got, s->want) != 0)
					fail_msg("%s: step %zu: runs \"%s\", "
						 "want \"%s\"",
					    c->name, j, got, s->want);
				if (s->lines >= 0 &&
				    sr_mask_lines(m) != (unsigned)s->lines)
					fail_msg("%s: step %zu: lines %u, "
						 "want %d",
					    c->name, j, sr_mask_lines(m),
					    s->lines);
				break;
			case S_END:
				break;
			}
		}
		sr_mask_free(m);
	}
}

/* The default prompt regex, one output line at a time. */
static const struct prompt_case {
	const char *line;
	int want;
} prompt_cases[] = {
	{ "[sudo] password for root: ", 1 },
	{ "Password:", 1 },
	{ "password: ", 1 },
	{ "PASSWORD:  ", 1 },
	{ "Enter passphrase for key '/root/.ssh/id_ed25519': ", 1 },
	{ "Enter passphrase (empty for no passphrase): ", 1 },
	{ "PIN:", 1 },
	{ "Enter PIN for 'PIV Card Holder pin (PIV_II)': ", 1 },
	{ "Verification code: ", 1 },
	{ "Passcode:", 1 },
	{ "OTP:", 1 },
	{ "One-time code: ", 1 },
	{ "New password: ", 1 },
	{ "Retype new password: ", 1 },
	{ "Current password: ", 1 },
	{ "Password for 'https://x@github.com': ", 1 },
	{ "root@db1's password: ", 1 },
	{ "(current) UNIX password: ", 1 },
	{ "Enter password?", 1 },
	{ "Enter Auth Password:", 1 },
	{ "password policy updated", 0 },
	{ "Password:x", 0 },
	{ "$ ", 0 },
	{ "root@host:~# ", 0 },
	{ "user@pin:~$ ", 0 },
	{ "Pinned packages:", 0 },
	{ "Spinning: ", 0 },
	{ "Passwords: ", 0 },
	{ "passwd: password updated successfully", 0 },
	{ "Last password change\t\t\t\t\t: Jan 01, 2026", 0 },
	{ "Topinambur:", 0 },
	{ "Repository: ", 0 },
	{ "", 0 },
};

static void
test_default_prompt(void **state)
{
	struct sr_mask *m;
	size_t i;
	int masked;

	(void)state;
	for (i = 0; i < nitems(prompt_cases); i++) {
		const struct prompt_case *c = &prompt_cases[i];

		assert_int_equal(sr_mask_new(P_PROMPT, NULL, &m, NULL), SR_OK);
		sr_mask_output(m, "\r\n", 2);
		sr_mask_output(m, c->line, strlen(c->line));
		(void)sr_mask_input(m, "x", 1, 0, &masked);
		if (masked != c->want)
			fail_msg("prompt \"%s\": masked %d, want %d", c->line,
			    masked, c->want);
		sr_mask_free(m);
	}
}

static const struct bad_case {
	enum sr_mask_policy policy;
	const char *prompt;
	enum sr_errcat cat;
} bad_cases[] = {
	{ P_PROMPT, "(", SR_E_FORMAT },
	{ P_PROMPT, "a{1", SR_E_FORMAT },
	{ P_PROMPT, "[z-a]", SR_E_FORMAT },
	{ P_ECHO, "(", SR_E_FORMAT }, /* refused under any policy */
	{ P_OFF, "[", SR_E_FORMAT },
	{ P_PROMPT, "", SR_E_FORMAT },
	{ P_PROMPT, "(a)\\1", SR_E_UNSUPPORTED },
	{ P_PROMPT, "(a|b){1,1024}$", SR_E_LIMIT },
	{ P_PROMPT, "(a|b){,100}$", SR_E_LIMIT },
	{ P_PROMPT, "(a|b){65}", SR_E_LIMIT },
	{ P_PROMPT, "((a{1,8}){1,8}){1,8}", SR_E_LIMIT },
	{ P_PROMPT, NULL, SR_E_LIMIT }, /* 1025 bytes, built below */
	{ (enum sr_mask_policy)7, NULL, SR_E_MISUSE },
};

static const char *good_prompts[] = {
	"a{1,64}",
	"[{]9999",
	"\\{9999\\}",
	"[[:alpha:]{]{2,32}:$",
	"x{0}y{,8}z{8}",
	"^(Password|Token):[[:blank:]]*$",
};

static void
test_bad_regex(void **state)
{
	char longre[1026];
	struct sr_error err;
	struct sr_mask *m;
	const char *re;
	size_t i;

	(void)state;
	memset(longre, 'a', sizeof(longre) - 1);
	longre[sizeof(longre) - 1] = '\0';
	for (i = 0; i < nitems(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];

		re = c->prompt != NULL || c->cat != SR_E_LIMIT ? c->prompt
							       : longre;
		sr_error_clear(&err);
		m = (struct sr_mask *)(uintptr_t)1; /* must become NULL */
		if (sr_mask_new(c->policy, re, &m, &err) != SR_FAILED)
			fail_msg("bad case %zu: not refused", i);
		if (m != NULL || err.cat != c->cat || err.msg[0] == '\0')
			fail_msg("bad case %zu: m %p, cat %s, msg \"%s\"", i,
			    (void *)m, sr_errcat_name(err.cat), err.msg);
	}
	for (i = 0; i < nitems(good_prompts); i++) {
		sr_error_clear(&err);
		if (sr_mask_new(P_PROMPT, good_prompts[i], &m, &err) != SR_OK)
			fail_msg("good prompt \"%s\" refused: %s",
			    good_prompts[i], err.msg);
		sr_mask_free(m);
	}
	/* The default itself passes the checks a user regex gets. */
	assert_int_equal(sr_mask_new(P_PROMPT, SR_MASK_DEFAULT_PROMPT, &m,
			     NULL),
	    SR_OK);
	sr_mask_free(m);
	sr_mask_free(NULL);
	assert_int_equal(sr_mask_new(P_PROMPT, NULL, NULL, NULL), SR_FAILED);
}

/*
 * Output cut at any byte gives the same decision as output in one piece:
 * the line and escape state carry across calls.
 */
static const char *split_outputs[] = {
	"\r\n\x1b[1;31mPass\x1b[0mword: \x1b[0m",
	"\x1b]0;Password: \x07$ ",
	"\x1b]0;t\x1b\\Password: ",
	"\x1bP$q\r\nPassword: \x1b\\x",
	"Pass\xc3\xa9\bword: ",
	"\x1b]0;t\x07Password: ",
	"Passwordx\x1b[1D\x1b[K\b: ",
	"PIN: \rroot@host:~# ",
	"\x1b[?2004hEnter PIN for 'x': \x1b[?2004l",
	"Password: \x1b"
	"7\x1b"
	"8",
};
static const int split_want[] = { 1, 0, 1, 0, 1, 1, 1, 0, 1, 1 };

static int
decide(const char *out, size_t cut)
{
	struct sr_mask *m;
	int masked;

	assert_int_equal(sr_mask_new(P_PROMPT, NULL, &m, NULL), SR_OK);
	sr_mask_output(m, out, cut);
	sr_mask_output(m, out + cut, strlen(out) - cut);
	(void)sr_mask_input(m, "pw\r", 3, 0, &masked);
	sr_mask_free(m);
	return (masked);
}

static void
test_split(void **state)
{
	size_t i, cut, len;
	int whole;

	(void)state;
	for (i = 0; i < nitems(split_outputs); i++) {
		len = strlen(split_outputs[i]);
		whole = decide(split_outputs[i], len);
		for (cut = 0; cut < len; cut++)
			if (decide(split_outputs[i], cut) != whole)
				fail_msg("output %zu cut at %zu: masked %d, "
					 "whole %d",
				    i, cut, !whole, whole);
	}
	/* And the unsplit decisions are the expected ones. */
	for (i = 0; i < nitems(split_outputs); i++)
		if (decide(split_outputs[i], 0) != split_want[i])
			fail_msg("output %zu: masked %d", i, !split_want[i]);
}

/* Random bytes: no crash, runs cover the input, masked runs end right. */
static void
test_random(void **state)
{
	static const char alphabet[] = "\x1b[]P\\\a\b\r\n*: 0;?Kmpassword\x18";
	unsigned char buf[512];
	uint32_t seed = 12345;
	struct sr_mask *m;
	size_t i, k, n, off, len;
	int masked, pol;

	(void)state;
	for (pol = 0; pol < 3; pol++) {
		assert_int_equal(sr_mask_new((enum sr_mask_policy)pol, NULL, &m,
				     NULL),
		    SR_OK);
		for (i = 0; i < 4000; i++) {
			seed = seed * 1103515245 + 12345;
			len = (seed >> 16) % sizeof(buf);
			for (k = 0; k < len; k++) {
				seed = seed * 1103515245 + 12345;
				buf[k] = (seed >> 24) & 1
				    ? (unsigned char)(seed >> 16)
				    : (unsigned char)alphabet[(seed >> 16) %
					  (sizeof(alphabet) - 1)];
			}
			if (i & 1) {
				sr_mask_output(m, buf, len);
				continue;
			}
			for (off = 0; off < len; off += n) {
				n = sr_mask_input(m, buf + off, len - off,
				    (int)(seed >> 20) & 1, &masked);
				assert_true(n > 0 && n <= len - off);
				if (pol == 0)
					assert_int_equal(masked, 0);
				/*
				 * A masked run ends at the first CR/LF (and
				 * the LF of a CRLF) or at the end.
				 */
				if (masked && n < len - off)
					assert_true(buf[off + n - 1] == '\r' ||
					    buf[off + n - 1] == '\n');
				for (k = 0; k + 1 < n; k++)
					if (masked &&
					    (buf[off + k] == '\r' ||
						buf[off + k] == '\n'))
						assert_true(k + 2 == n &&
						    buf[off + k] == '\r' &&
						    buf[off + k + 1] == '\n');
			}
		}
		sr_mask_free(m);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_default_prompt),
		cmocka_unit_test(test_bad_regex),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_random),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
