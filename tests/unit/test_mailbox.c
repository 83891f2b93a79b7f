/* SPDX-License-Identifier: MIT */
/*
 * test_mailbox.c - the mail-folder reader (inkan/mailbox.h): mbox
 * splitting (LF and CRLF), mboxrd and mboxo quoting, a signed message
 * with a body "From " line that must still verify, Maildir, empty and
 * missing files, the message size limit, and the splitter fed in every
 * chunking.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <inkan/dkim.h>
#include <inkan/keys.h>
#include <inkan/mailbox.h>

#include "msg/mailbox_internal.h"
#include "test_dkim_util.h"

#define MAXMSG 8

struct got {
	size_t n;
	char *text[MAXMSG];
	size_t len[MAXMSG];
	inkan_status st[MAXMSG];
	inkan_mailbox_origin origin[MAXMSG];
	char path[MAXMSG][256];
};

struct fixture {
	inkan_ctx *ctx;
	int64_t now;
	char dir[64];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->now = 1700000000;
	f->ctx = tu_ctx(&f->now);
	snprintf(f->dir, sizeof(f->dir), "/tmp/inkan-mbox-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	/* the directory is ours (mkdtemp), its name has no shell bytes */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	inkan_ctx_free(f->ctx);
	free(f);
	return 0;
}

static void
write_file(const char *path, const char *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void
write_str(const char *path, const char *s)
{
	write_file(path, s, strlen(s));
}

static char *
path_in(const struct fixture *f, const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", f->dir, name);
	return buf[i];
}

/* read every message of @path; each message's text is malloc'd */
static void
collect(inkan_ctx *ctx, const char *path, unsigned flags, struct got *g)
{
	inkan_mailbox *mb = NULL;
	const inkan_mailbox_origin *o;
	const char *data;
	size_t len;
	inkan_status st;

	memset(g, 0, sizeof(*g));
	assert_int_equal(inkan_mailbox_open(ctx, path, flags, &mb), INKAN_OK);
	for (;;) {
		st = inkan_mailbox_next(mb, &o);
		if (o == NULL) {
			assert_int_equal(st, INKAN_OK);
			break;
		}
		assert_true(g->n < MAXMSG);
		g->origin[g->n] = *o;
		snprintf(g->path[g->n], sizeof(g->path[0]), "%s", o->path);
		g->st[g->n] = st;
		g->text[g->n] = calloc(1, 1);
		while (st == INKAN_OK &&
		    (st = inkan_mailbox_read(mb, &data, &len)) == INKAN_OK &&
		    len > 0) {
			char *t = realloc(g->text[g->n], g->len[g->n] + len + 1);
			assert_non_null(t);
			memcpy(t + g->len[g->n], data, len);
			g->len[g->n] += len;
			t[g->len[g->n]] = '\0';
			g->text[g->n] = t;
		}
		g->st[g->n] = st;
		g->n++;
	}
	/* after the end, the end again */
	assert_int_equal(inkan_mailbox_next(mb, &o), INKAN_OK);
	assert_null(o);
	inkan_mailbox_free(mb);
}

static void
got_free(struct got *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->text[i]);
}

static const char three[] =
	"From alice@example.com Mon Jan  1 00:00:00 2024\n"
	"From: alice@example.com\n"
	"Subject: one\n"
	"\n"
	"first\n"
	"\n"
	"From bob@example.org Mon Jan  1 00:00:01 2024\n"
	"From: bob@example.org\n"
	"\n"
	"second\n"
	"From inside, not after an empty line\n"
	"\n"
	"From carol@example.net Mon Jan  1 00:00:02 2024\n"
	"From: carol@example.net\n"
	"\n"
	"third\n"
	"\n";

static void
test_three_messages(void **state)
{
	struct fixture *f = *state;
	struct got g;
	const char *p = path_in(f, "three.mbox");

	write_file(p, three, strlen(three));
	collect(f->ctx, p, 0, &g);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.text[0],
		"From: alice@example.com\nSubject: one\n\nfirst\n");
	assert_string_equal(g.text[1], "From: bob@example.org\n\nsecond\n"
		"From inside, not after an empty line\n");
	assert_string_equal(g.text[2], "From: carol@example.net\n\nthird\n");
	assert_int_equal(g.origin[0].format, INKAN_MAILBOX_MBOX);
	assert_int_equal(g.origin[0].index, 1);
	assert_int_equal(g.origin[2].index, 3);
	assert_int_equal(g.origin[2].number, 3);
	assert_int_equal(g.origin[0].offset, 0);
	assert_int_equal(g.origin[1].offset,
		strstr(three, "From bob") - three);
	assert_int_equal(g.origin[2].offset,
		strstr(three, "From carol") - three);
	assert_string_equal(g.path[1], p);
	got_free(&g);
}

static const char quoted[] =
	"From x@example.com Mon Jan  1 00:00:00 2024\n"
	"From: x@example.com\n"
	"\n"
	">From the start\n"
	">>From twice\n"
	">>>From thrice\n"
	">Fro not a From\n"
	">>\n"
	">\n"
	" >From indented\n"
	">From";

static void
test_mboxrd_unquoting(void **state)
{
	struct fixture *f = *state;
	struct got g;
	const char *p = path_in(f, "rd.mbox");

	write_file(p, quoted, strlen(quoted));
	collect(f->ctx, p, INKAN_MAILBOX_MBOXRD, &g);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.text[0], "From: x@example.com\n\n"
		"From the start\n>From twice\n>>From thrice\n>Fro not a From\n"
		">>\n>\n >From indented\n>From");
	got_free(&g);
}

static void
test_mboxo_keeps_lines(void **state)
{
	struct fixture *f = *state;
	struct got g;
	const char *p = path_in(f, "o.mbox");

	write_file(p, quoted, strlen(quoted));
	collect(f->ctx, p, INKAN_MAILBOX_MBOXO, &g);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.text[0], strchr(quoted, '\n') + 1);
	got_free(&g);
}

static void
test_crlf_mbox(void **state)
{
	struct fixture *f = *state;
	struct got g;
	const char *p = path_in(f, "crlf.mbox");
	static const char crlf[] =
		"From a@example.com Mon Jan  1 00:00:00 2024\r\n"
		"From: a@example.com\r\n\r\none\r\n>From quoted\r\n\r\n"
		"From b@example.com Mon Jan  1 00:00:00 2024\r\n"
		"From: b@example.com\r\n\r\ntwo\r\n\r\n\r\n";

	write_file(p, crlf, strlen(crlf));
	collect(f->ctx, p, 0, &g);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.text[0],
		"From: a@example.com\r\n\r\none\r\nFrom quoted\r\n");
	/* one empty line at the end is the separator; the other is text */
	assert_string_equal(g.text[1], "From: b@example.com\r\n\r\ntwo\r\n\r\n");
	got_free(&g);
}

static void
test_single_file_and_empty(void **state)
{
	struct fixture *f = *state;
	struct got g;
	const char *p = path_in(f, "one.eml"), *e = path_in(f, "empty");
	static const char msg[] = "From: a@example.com\n\nFrom me\n\n"
		"From you\n>From\n";

	write_file(p, msg, strlen(msg));
	collect(f->ctx, p, 0, &g);
	/* no From_ line first: one message, every byte as it is */
	assert_int_equal(g.n, 1);
	assert_int_equal(g.origin[0].format, INKAN_MAILBOX_SINGLE);
	assert_string_equal(g.text[0], msg);
	got_free(&g);
	write_file(e, "", 0);
	collect(f->ctx, e, 0, &g);
	assert_int_equal(g.n, 0);
	/* a From_ line and nothing else: one empty message */
	write_file(e, "From x", 6);
	collect(f->ctx, e, 0, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.len[0], 0);
	got_free(&g);
}

static void
test_missing_and_not_maildir(void **state)
{
	struct fixture *f = *state;
	inkan_mailbox *mb = NULL;
	const inkan_mailbox_origin *o;
	const char *p = path_in(f, "no-such-file");
	const char *d = path_in(f, "plain-dir");

	assert_int_equal(inkan_mailbox_open(f->ctx, p, 0, &mb), INKAN_OK);
	assert_int_equal(inkan_mailbox_next(mb, &o), INKAN_ERR_NOT_FOUND);
	assert_non_null(o);
	assert_string_equal(o->path, p);
	assert_int_equal(o->number, 1);
	assert_non_null(strstr(inkan_mailbox_error(mb), "No such file"));
	assert_int_equal(inkan_mailbox_next(mb, &o), INKAN_OK);
	assert_null(o);
	inkan_mailbox_free(mb);

	assert_int_equal(mkdir(d, 0700), 0);
	assert_int_equal(inkan_mailbox_open(f->ctx, d, 0, &mb), INKAN_OK);
	assert_int_equal(inkan_mailbox_next(mb, &o), INKAN_ERR_UNSUPPORTED);
	assert_non_null(o);
	assert_non_null(strstr(inkan_mailbox_error(mb), "Maildir"));
	inkan_mailbox_free(mb);

	assert_int_equal(inkan_mailbox_open(f->ctx, p, 2, &mb),
		INKAN_ERR_INVALID);
	assert_null(mb);
	inkan_mailbox_free(NULL);
}

static void
test_maildir(void **state)
{
	struct fixture *f = *state;
	struct got g;
	char sub[300];
	static const char *const dirs[] = { "md", "md/cur", "md/new",
		"md/tmp" };
	size_t i;

	for (i = 0; i < 4; i++)
		assert_int_equal(mkdir(path_in(f, dirs[i]), 0700), 0);
	write_str(path_in(f, "md/new/2.b"), "From: n2\n\nB\n");
	write_str(path_in(f, "md/new/1.a"), "From: n1\n\nA\n");
	write_str(path_in(f, "md/cur/9.z:2,S"),
		"From x Mon Jan  1 00:00:00 2024\nFrom: c9\n\nFrom Z\n");
	write_str(path_in(f, "md/cur/.hidden"), "x");
	write_str(path_in(f, "md/cur/empty"), "");
	write_str(path_in(f, "md/tmp/partial"), "From: t\n");
	collect(f->ctx, path_in(f, "md"), 0, &g);
	assert_int_equal(g.n, 4);
	/* cur/ before new/, each sorted; a Maildir file is never split */
	snprintf(sub, sizeof(sub), "%s/md/cur/9.z:2,S", f->dir);
	assert_string_equal(g.path[0], sub);
	assert_string_equal(g.text[0], "From: c9\n\nFrom Z\n");
	assert_int_equal(g.origin[0].format, INKAN_MAILBOX_MAILDIR);
	assert_string_equal(g.text[1], "");
	assert_string_equal(g.text[2], "From: n1\n\nA\n");
	assert_string_equal(g.text[3], "From: n2\n\nB\n");
	assert_int_equal(g.origin[3].number, 4);
	assert_int_equal(g.origin[3].index, 1);
	got_free(&g);
	/* cur/ or new/ on its own */
	collect(f->ctx, path_in(f, "md/new/"), 0, &g);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.text[0], "From: n1\n\nA\n");
	got_free(&g);
}

static void
test_size_limit(void **state)
{
	struct fixture *f = *state;
	struct got g;
	const char *p = path_in(f, "big.mbox");
	char *big = malloc(200000);
	size_t n = 0;

	n += (size_t)sprintf(big + n, "From a Mon Jan  1 00:00:00 2024\n"
		"From: a@example.com\n\n");
	memset(big + n, 'x', 150000);
	n += 150000;
	n += (size_t)sprintf(big + n, "\n\nFrom b Mon Jan  1 00:00:00 2024\n"
		"From: b@example.com\n\nsmall\n");
	write_file(p, big, n);
	assert_int_equal(inkan_ctx_set_limit(f->ctx, INKAN_LIMIT_MESSAGE_BYTES,
		100000), INKAN_OK);
	collect(f->ctx, p, 0, &g);
	assert_int_equal(inkan_ctx_set_limit(f->ctx, INKAN_LIMIT_MESSAGE_BYTES,
		64 << 20), INKAN_OK);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.st[0], INKAN_ERR_LIMIT);
	assert_true(g.len[0] <= 100000);
	/* the next message is found and read whole */
	assert_int_equal(g.st[1], INKAN_OK);
	assert_string_equal(g.text[1], "From: b@example.com\n\nsmall\n");
	got_free(&g);
	free(big);
}

/* the splitter gives the same messages however the stream is cut */
static void
split_all(const char *in, size_t len, size_t chunk, int unquote, char *out,
	size_t *outlen)
{
	struct ik_mbox_split s;
	size_t pos = 0, n, take;
	int boundary;

	ik_mbox_split_init(&s, unquote);
	*outlen = 0;
	while (pos < len) {
		take = len - pos < chunk ? len - pos : chunk;
		n = ik_mbox_split_run(&s, in + pos, take, out, outlen,
			&boundary);
		pos += n;
		if (boundary)
			out[(*outlen)++] = '|';
	}
	ik_mbox_split_eof(&s, out, outlen);
}

static void
test_split_any_chunking(void **state)
{
	static const char *const inputs[] = { three, quoted,
		"From a\r\n\r\nFrom b\r\nx\r\n\r\n>>From c\r\n\r\r\n" };
	char whole[1024], part[1024];
	size_t i, chunk, wl, pl;

	(void)state;
	for (i = 0; i < 3; i++) {
		split_all(inputs[i], strlen(inputs[i]), 1 << 20, 1, whole,
			&wl);
		for (chunk = 1; chunk < 12; chunk++) {
			split_all(inputs[i], strlen(inputs[i]), chunk, 1, part,
				&pl);
			assert_int_equal(pl, wl);
			assert_memory_equal(part, whole, wl);
		}
	}
	split_all(inputs[2], strlen(inputs[2]), 1 << 20, 1, whole, &wl);
	whole[wl] = '\0';
	assert_string_equal(whole, "||x\r\n\r\n>From c\r\n\r\r\n");
}

/*
 * A signed message whose body has a "From " line after an empty line, as
 * an mboxrd writer stores it (quoted), still verifies: the quoting is
 * undone before the bytes reach DKIM. Stored in mboxo and read as
 * mboxo, the quoting stays and the body hash fails, which is why mboxrd
 * is the default.
 */
static void
test_signed_body_from_line(void **state)
{
	struct fixture *f = *state;
	static const char msg[] = "From: a@example.com\r\nTo: b@example.org\r\n"
		"Subject: quoting\r\n\r\nHello,\r\n\r\nFrom here on, a line "
		"an mbox writer must quote.\r\n>From this one too.\r\n";
	inkan_key *key = NULL;
	inkan_dkim_sign_key sk;
	inkan_status st;
	struct tu_out out;
	struct got g;
	char *signed_msg, *line, *mbox, *stored, *q;
	const char *p = path_in(f, "signed.mbox");
	const char *s;
	size_t n = 0;

	assert_int_equal(inkan_key_generate(f->ctx, INKAN_KEY_ED25519, 0,
		&key), INKAN_OK);
	memset(&sk, 0, sizeof(sk));
	sk.domain = "example.com";
	sk.selector = "ed";
	sk.key = key;
	signed_msg = tu_sign(f->ctx, msg, strlen(msg), &sk, 1, &st);
	assert_non_null(signed_msg);
	line = tu_key_line(key, "ed", "example.com");
	/* mboxrd: every ^>*From  line gets one more ">" */
	mbox = malloc(strlen(signed_msg) * 2 + 128);
	n = (size_t)sprintf(mbox, "From a@example.com Mon Jan  1 00:00:00 "
		"2024\r\n");
	for (s = signed_msg; *s != '\0';) {
		const char *eol = strchr(s, '\n');
		size_t l = eol ? (size_t)(eol - s) + 1 : strlen(s);
		size_t k = strspn(s, ">");
		if (strncmp(s + k, "From ", 5) == 0)
			mbox[n++] = '>';
		memcpy(mbox + n, s, l);
		n += l;
		s += l;
	}
	n += (size_t)sprintf(mbox + n, "\r\n");
	assert_non_null(strstr(mbox, "\r\n>From here"));
	assert_non_null(strstr(mbox, "\r\n>>From this"));
	write_file(p, mbox, n);

	collect(f->ctx, p, INKAN_MAILBOX_MBOXRD, &g);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.text[0], signed_msg);
	assert_int_equal(tu_verify(f->ctx, 0, line, NULL, g.text[0], g.len[0],
		7, &out), INKAN_OK);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.r[0].verdict, INKAN_DKIM_PASS);
	got_free(&g);

	/* an mboxo writer quotes "From " only; read as mboxo nothing is
	 * undone, so the stored ">From here" breaks the body hash */
	stored = malloc(n + 1);
	memcpy(stored, mbox, n);
	stored[n] = '\0';
	q = strstr(stored, ">>From this");
	memmove(q, q + 1, strlen(q + 1) + 1);
	write_file(p, stored, strlen(stored));
	collect(f->ctx, p, INKAN_MAILBOX_MBOXO, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(tu_verify(f->ctx, 0, line, NULL, g.text[0], g.len[0],
		0, &out), INKAN_OK);
	assert_int_equal(out.r[0].verdict, INKAN_DKIM_FAIL);
	got_free(&g);
	free(stored);
	free(mbox);
	free(line);
	free(signed_msg);
	inkan_key_free(key);
}

/* "-" reads standard input, which the reader does not close */
static void
test_stdin(void **state)
{
	struct fixture *f = *state;
	struct got g;
	const char *p = path_in(f, "stdin.mbox");
	int saved = dup(STDIN_FILENO), fd;

	write_str(p, three);
	fd = open(p, O_RDONLY);
	assert_true(saved >= 0 && fd >= 0);
	assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	collect(f->ctx, "-", 0, &g);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.path[0], "-");
	assert_string_equal(g.text[2], "From: carol@example.net\n\nthird\n");
	got_free(&g);
	/* still open: reading it again gives its end, no message */
	collect(f->ctx, NULL, 0, &g);
	assert_int_equal(g.n, 0);
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
}

/* an allocator that fails the Nth allocation */
struct failing {
	long count, fail_at;	/* fail_at 0: never */
};

static void *
fa_alloc(void *ud, size_t size)
{
	struct failing *fa = ud;

	return ++fa->count == fa->fail_at ? NULL : malloc(size);
}

static void *
fa_realloc(void *ud, void *ptr, size_t size)
{
	struct failing *fa = ud;

	return ++fa->count == fa->fail_at ? NULL : realloc(ptr, size);
}

static void
fa_free(void *ud, void *ptr)
{
	(void)ud;
	free(ptr);
}

/* read every message; returns the number read whole, or -1 when an
 * allocation failed (reported as INKAN_ERR_NOMEM, never anything else) */
static long
count_messages(inkan_ctx *ctx, const char *path)
{
	inkan_mailbox *mb = NULL;
	const inkan_mailbox_origin *o;
	const char *data;
	size_t len;
	inkan_status st;
	long n = 0;

	st = inkan_mailbox_open(ctx, path, 0, &mb);
	if (st == INKAN_ERR_NOMEM)
		return -1;
	assert_int_equal(st, INKAN_OK);
	while ((st = inkan_mailbox_next(mb, &o)), o != NULL) {
		assert_int_equal(st, INKAN_OK);
		while ((st = inkan_mailbox_read(mb, &data, &len)) ==
		    INKAN_OK && len > 0)
			;
		assert_int_equal(st, INKAN_OK);
		n++;
	}
	inkan_mailbox_free(mb);
	if (st == INKAN_ERR_NOMEM)
		return -1;
	assert_int_equal(st, INKAN_OK);
	return n;
}

/* every allocation failed in turn: the same messages, or NOMEM */
static void
test_allocation_failures(void **state)
{
	struct fixture *f = *state;
	struct failing fa = { 0, 0 };
	inkan_allocator al = { fa_alloc, fa_realloc, fa_free, &fa };
	inkan_ctx *ctx = NULL;
	char paths[2][256];
	long clean, got, at, points = 0;
	char name[32];
	size_t i, k;

	write_str(path_in(f, "a.mbox"), three);
	/* copies: path_in() reuses its buffers */
	snprintf(paths[0], sizeof(paths[0]), "%s", path_in(f, "a.mbox"));
	assert_int_equal(mkdir(path_in(f, "fa"), 0700), 0);
	assert_int_equal(mkdir(path_in(f, "fa/new"), 0700), 0);
	for (i = 0; i < 70; i++) {
		/* more names than the list's first allocation holds */
		snprintf(name, sizeof(name), "fa/new/%03zu", i);
		write_str(path_in(f, name), "From: x@example.com\n\nx\n");
	}
	snprintf(paths[1], sizeof(paths[1]), "%s", path_in(f, "fa"));
	assert_int_equal(inkan_ctx_new(&al, &ctx), INKAN_OK);
	for (k = 0; k < 2; k++) {
		fa.fail_at = 0;
		clean = count_messages(ctx, paths[k]);
		assert_int_equal(clean, k == 0 ? 3 : 70);
		for (at = 1;; at++) {
			fa.count = 0;
			fa.fail_at = at;
			got = count_messages(ctx, paths[k]);
			if (fa.count < at)
				break;	/* every allocation was failed once */
			assert_true(got == -1 || got == clean);
			points++;
		}
	}
	print_message("# %ld allocation points failed in turn\n", points);
	assert_true(points > 5);
	fa.fail_at = 0;
	inkan_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_three_messages, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_mboxrd_unquoting, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_mboxo_keeps_lines, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_crlf_mbox, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_single_file_and_empty,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_and_not_maildir,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_maildir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_size_limit, setup,
			teardown),
		cmocka_unit_test(test_split_any_chunking),
		cmocka_unit_test_setup_teardown(test_signed_body_from_line,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_stdin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allocation_failures,
			setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
