/* SPDX-License-Identifier: MIT */
/*
 * bench_dkim.c - DKIM timings for bench/dkim/run.sh (see README.md).
 *
 *   bench_dkim gen DIR N       N signed messages (~5.6 KB, RSA-2048,
 *                              relaxed/relaxed) as DIR/msg-NNNN.eml, the
 *                              key DIR/key.pem, records DIR/keys.zone
 *   bench_dkim run DIR         in one process, over those messages:
 *                              inkan verify (warm key cache), the crypto
 *                              floor (SHA-256 of the message + one
 *                              RSA-2048 verify, OpenSSL alone), inkan sign
 *                              and the sign floor (SHA-256 + one sign)
 *   bench_dkim big DIR MB      DIR/big.eml: one signed MB-megabyte message
 *   bench_dkim rss INKAN DIR   peak RSS of `INKAN verify` on one small
 *                              message and on DIR/big.eml
 *
 * The floor uses OpenSSL directly: it is the yardstick, not inkan code.
 * Output lines are "name value" so run.sh can compute ratios.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <inkan/dkim.h>
#include <inkan/keys.h>
#include <inkan/msg.h>

#define MAX_MSGS 100000

static double
now_s(void)
{
	struct timespec ts;

	/* CPU time of this thread: fair on a machine shared with others */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	fprintf(stderr, "bench_dkim: %s\n", what);
	exit(1);
}

/* deterministic filler text, so every run sees the same messages */
static unsigned long rng = 12345;

static unsigned
next_rand(void)
{
	rng = rng * 6364136223846793005ul + 1442695040888963407ul;
	return (unsigned)(rng >> 33);
}

static const char *words[] = {
	"the", "quarterly", "report", "shows", "that", "our", "dinner",
	"plans", "are", "on", "track", "and", "everyone", "is", "hungry",
	"please", "review", "attached", "numbers", "before", "Friday",
	"meeting", "with", "team", "about", "budget", "for", "next", "year"
};

/* one line of about 70 characters, sometimes with a double space */
static size_t
text_line(char *out, size_t cap)
{
	size_t n = 0, w;

	while (n < 66 && n + 20 < cap) {
		w = next_rand() % (sizeof(words) / sizeof(words[0]));
		n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? " " : "",
			words[w]);
		if (next_rand() % 17 == 0 && n + 1 < cap)
			out[n++] = ' ';
	}
	n += (size_t)snprintf(out + n, cap - n, "\r\n");
	return n;
}

static size_t
make_message(char *buf, size_t cap, int i, size_t body_bytes)
{
	size_t n;

	n = (size_t)snprintf(buf, cap,
		"Received: from mail.example.net (mail.example.net "
		"[192.0.2.%d])\r\n\tby mx.example.com with ESMTPS id %08x;\r\n"
		"\tFri, 11 Jul 2003 21:00:37 -0700\r\n"
		"From: Joe SixPack <joe@example.com>\r\n"
		"To: Suzie Q <suzie@shopping.example.net>\r\n"
		"Cc: team@example.com\r\n"
		"Subject: Quarterly dinner report number %d\r\n"
		"Date: Fri, 11 Jul 2003 21:00:37 -0700\r\n"
		"Message-ID: <%d.%08x@example.com>\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: text/plain; charset=us-ascii\r\n"
		"Content-Transfer-Encoding: 7bit\r\n\r\n",
		i % 250, next_rand(), i, i, next_rand());
	while (n < body_bytes && n + 200 < cap)
		n += text_line(buf + n, cap - n);
	return n;
}

static char *
sign_message(inkan_dkim *d, inkan_ctx *ctx, const inkan_key *key,
	const char *msg, size_t len, size_t *out_len)
{
	inkan_msg *m = NULL;
	inkan_dkim_sign *s = NULL;
	inkan_dkim_sign_key sk;
	const char *h;
	size_t hl;
	char *out;

	memset(&sk, 0, sizeof(sk));
	sk.domain = "example.com";
	sk.selector = "bench";
	sk.key = key;
	if (inkan_msg_new(ctx, &m) || inkan_dkim_sign_new(d, m, &s) ||
	    inkan_dkim_sign_add(s, &sk) || inkan_msg_feed(m, msg, len) ||
	    inkan_msg_finish(m) || inkan_dkim_sign_eom(s))
		die("sign failed");
	h = inkan_dkim_sign_header(s, 0, &hl);
	out = malloc(hl + len);
	if (out == NULL)
		die("out of memory");
	memcpy(out, h, hl);
	memcpy(out + hl, msg, len);
	*out_len = hl + len;
	inkan_dkim_sign_free(s);
	inkan_msg_free(m);
	return out;
}

static void
write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		die(path);
}

static int
cmd_gen(const char *dir, int n)
{
	inkan_ctx *ctx = NULL;
	inkan_dkim *d = NULL;
	inkan_key *key = NULL;
	char path[4096], rec[1100], *buf = malloc(16384), *signed_msg;
	size_t len, slen = 0;
	int i;
	FILE *z;

	if (buf == NULL || inkan_ctx_new(NULL, &ctx) ||
	    inkan_dkim_new(ctx, &d) ||
	    inkan_key_generate(ctx, INKAN_KEY_RSA, 2048, &key))
		die("setup");
	snprintf(path, sizeof(path), "%s/key.pem", dir);
	unlink(path);
	if (inkan_key_save_private(key, path) != INKAN_OK)
		die(path);
	if (inkan_key_dns_record(key, rec, sizeof(rec), &len))
		die("record");
	snprintf(path, sizeof(path), "%s/keys.zone", dir);
	z = fopen(path, "w");
	if (z == NULL)
		die(path);
	fprintf(z, "bench._domainkey.example.com %s\n", rec);
	fclose(z);
	for (i = 0; i < n; i++) {
		len = make_message(buf, 16384, i, 5600 - 480);
		signed_msg = sign_message(d, ctx, key, buf, len, &slen);
		snprintf(path, sizeof(path), "%s/msg-%04d.eml", dir, i);
		write_file(path, signed_msg, slen);
		free(signed_msg);
	}
	printf("generated %d messages of ~%zu bytes in %s\n", n, slen, dir);
	inkan_key_free(key);
	inkan_dkim_free(d);
	inkan_ctx_free(ctx);
	free(buf);
	return 0;
}

struct corpus {
	char **data;
	size_t *len;
	int n;
	size_t bytes;
};

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n)
		die(path);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void
load(const char *dir, struct corpus *c)
{
	char path[4096];

	c->data = calloc(MAX_MSGS, sizeof(*c->data));
	c->len = calloc(MAX_MSGS, sizeof(*c->len));
	for (c->n = 0; c->n < MAX_MSGS; c->n++) {
		snprintf(path, sizeof(path), "%s/msg-%04d.eml", dir, c->n);
		c->data[c->n] = read_file(path, &c->len[c->n]);
		if (c->data[c->n] == NULL)
			break;
		c->bytes += c->len[c->n];
	}
	if (c->n == 0)
		die("no messages (run gen first)");
}

static int
verify_one(inkan_dkim *d, inkan_ctx *ctx, const char *msg, size_t len)
{
	inkan_msg *m = NULL;
	inkan_dkim_verify *v = NULL;
	int pass;

	if (inkan_msg_new(ctx, &m) || inkan_dkim_verify_new(d, m, &v) ||
	    inkan_msg_feed(m, msg, len) || inkan_msg_finish(m) ||
	    inkan_dkim_verify_eom(v))
		die("verify call failed");
	pass = inkan_dkim_verify_count(v) == 1 &&
		inkan_dkim_verify_result(v, 0)->verdict == INKAN_DKIM_PASS;
	inkan_dkim_verify_free(v);
	inkan_msg_free(m);
	return pass;
}

/* OpenSSL alone: SHA-256 of the message, one RSA-2048 verify or sign,
 * with the key parsed and the contexts set up once (the best case) */
struct floor {
	EVP_PKEY_CTX *sctx, *vctx;
	EVP_MD *md;
	EVP_MD_CTX *mctx;
	unsigned char sig[512];
	size_t slen;
};

static void
floor_init(struct floor *f, EVP_PKEY *pkey)
{
	unsigned char hash[32] = { 0 };

	f->sctx = EVP_PKEY_CTX_new(pkey, NULL);
	f->vctx = EVP_PKEY_CTX_new(pkey, NULL);
	f->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	f->mctx = EVP_MD_CTX_new();
	f->slen = sizeof(f->sig);
	if (EVP_PKEY_sign_init(f->sctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(f->sctx, RSA_PKCS1_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(f->sctx, f->md) != 1 ||
	    EVP_PKEY_sign(f->sctx, f->sig, &f->slen, hash, 32) != 1 ||
	    EVP_PKEY_verify_init(f->vctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(f->vctx, RSA_PKCS1_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(f->vctx, f->md) != 1)
		die("floor setup");
}

static void
floor_free(struct floor *f)
{
	EVP_MD_CTX_free(f->mctx);
	EVP_MD_free(f->md);
	EVP_PKEY_CTX_free(f->sctx);
	EVP_PKEY_CTX_free(f->vctx);
}

static void
floor_one(struct floor *f, const char *msg, size_t len, int sign)
{
	unsigned char hash[32], sig[512];
	size_t slen = sizeof(sig);
	unsigned hl;

	EVP_DigestInit_ex(f->mctx, f->md, NULL);
	EVP_DigestUpdate(f->mctx, msg, len);
	EVP_DigestFinal_ex(f->mctx, hash, &hl);
	if (sign)
		EVP_PKEY_sign(f->sctx, sig, &slen, hash, 32);
	else	/* mostly "bad signature": the same work as a good one */
		(void)EVP_PKEY_verify(f->vctx, f->sig, f->slen, hash, 32);
}

static double
floor_rate(const struct corpus *c, EVP_PKEY *pkey, int sign, int rounds)
{
	struct floor f;
	double t0;
	int r, i;

	floor_init(&f, pkey);
	t0 = now_s();
	for (r = 0; r < rounds; r++)
		for (i = 0; i < c->n; i++)
			floor_one(&f, c->data[i], c->len[i], sign);
	t0 = now_s() - t0;
	floor_free(&f);
	return (double)rounds * c->n / t0;
}

#define BLOCK 50

/*
 * inkan and the floor in alternating blocks of BLOCK messages, so that
 * both see the same machine (frequency, neighbours); returns the two
 * rates through @ink and @flo.
 */
static void
interleaved(const struct corpus *c, inkan_dkim *d, inkan_ctx *ctx,
	const inkan_key *key, EVP_PKEY *pkey, int sign, int rounds,
	double *ink, double *flo)
{
	struct floor f;
	double ti = 0, tf = 0, t0;
	int r, i, j, n = 0;
	size_t slen;

	floor_init(&f, pkey);
	for (r = 0; r < rounds; r++)
		for (i = 0; i < c->n; i += BLOCK) {
			int end = i + BLOCK < c->n ? i + BLOCK : c->n;
			t0 = now_s();
			for (j = i; j < end; j++) {
				if (sign)
					free(sign_message(d, ctx, key,
						c->data[j], c->len[j], &slen));
				else if (!verify_one(d, ctx, c->data[j],
				    c->len[j]))
					die("a message did not pass");
			}
			ti += now_s() - t0;
			t0 = now_s();
			for (j = i; j < end; j++)
				floor_one(&f, c->data[j], c->len[j], sign);
			tf += now_s() - t0;
			n += end - i;
		}
	floor_free(&f);
	*ink = n / ti;
	*flo = n / tf;
}

static int
cmd_run(const char *dir)
{
	struct corpus c;
	inkan_ctx *ctx = NULL;
	inkan_dkim *d = NULL;
	inkan_key *key = NULL;
	EVP_PKEY *pkey;
	FILE *f;
	char path[4096];
	double verify_rate, sign_rate, vfloor, sfloor;
	int i;

	memset(&c, 0, sizeof(c));
	load(dir, &c);
	if (inkan_ctx_new(NULL, &ctx) || inkan_dkim_new(ctx, &d))
		die("setup");
	snprintf(path, sizeof(path), "%s/keys.zone", dir);
	if (inkan_dkim_load_key_file(d, path))
		die(path);
	snprintf(path, sizeof(path), "%s/key.pem", dir);
	f = fopen(path, "r");
	pkey = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	if (pkey == NULL || inkan_key_load_file(ctx, path, &key))
		die(path);
	/* warm the key cache (and the allocator) */
	for (i = 0; i < c.n && i < 50; i++)
		verify_one(d, ctx, c.data[i], c.len[i]);
	interleaved(&c, d, ctx, key, pkey, 0, 3, &verify_rate, &vfloor);
	interleaved(&c, d, ctx, key, pkey, 1, 1, &sign_rate, &sfloor);

	printf("messages %d\n", c.n);
	printf("avg_message_bytes %zu\n", c.bytes / (size_t)c.n);
	printf("inkan_verify_per_s %.0f\n", verify_rate);
	printf("floor_verify_per_s %.0f\n", vfloor);
	printf("verify_vs_floor %.2f\n", verify_rate / vfloor);
	printf("inkan_sign_per_s %.0f\n", sign_rate);
	printf("floor_sign_per_s %.0f\n", sfloor);
	printf("sign_vs_floor %.2f\n", sign_rate / sfloor);
	EVP_PKEY_free(pkey);
	inkan_key_free(key);
	inkan_dkim_free(d);
	inkan_ctx_free(ctx);
	return 0;
}

/* a signed message of @mb megabytes, written and signed in one stream:
 * the signer sees it through inkan_msg as a milter would feed it */
static int
cmd_big(const char *dir, int mb)
{
	inkan_ctx *ctx = NULL;
	inkan_dkim *d = NULL;
	inkan_key *key = NULL;
	inkan_msg *m = NULL;
	inkan_dkim_sign *s = NULL;
	inkan_dkim_sign_key sk;
	char path[4096], tmp[4096], line[256], head[2048];
	size_t hl, n, total = 0, want = (size_t)mb * 1024 * 1024;
	const char *h;
	FILE *body, *out;

	snprintf(path, sizeof(path), "%s/key.pem", dir);
	if (inkan_ctx_new(NULL, &ctx) || inkan_dkim_new(ctx, &d) ||
	    inkan_key_load_file(ctx, path, &key))
		die("setup (run gen first)");
	memset(&sk, 0, sizeof(sk));
	sk.domain = "example.com";
	sk.selector = "bench";
	sk.key = key;
	snprintf(tmp, sizeof(tmp), "%s/big.body", dir);
	body = fopen(tmp, "w+b");
	if (body == NULL || inkan_msg_new(ctx, &m) ||
	    inkan_dkim_sign_new(d, m, &s) || inkan_dkim_sign_add(s, &sk))
		die("setup");
	hl = make_message(head, sizeof(head), 0, 0);
	fwrite(head, 1, hl, body);
	if (inkan_msg_feed(m, head, hl))
		die("feed");
	while (total < want) {
		n = text_line(line, sizeof(line));
		fwrite(line, 1, n, body);
		if (inkan_msg_feed(m, line, n))
			die("feed");
		total += n;
	}
	if (inkan_msg_finish(m) || inkan_dkim_sign_eom(s))
		die("sign");
	h = inkan_dkim_sign_header(s, 0, &hl);
	snprintf(path, sizeof(path), "%s/big.eml", dir);
	out = fopen(path, "wb");
	if (out == NULL)
		die(path);
	fwrite(h, 1, hl, out);
	rewind(body);
	while ((n = fread(line, 1, sizeof(line), body)) > 0)
		fwrite(line, 1, n, out);
	fclose(out);
	fclose(body);
	unlink(tmp);
	printf("wrote %s (%zu body bytes)\n", path, total);
	inkan_dkim_sign_free(s);
	inkan_msg_free(m);
	inkan_key_free(key);
	inkan_dkim_free(d);
	inkan_ctx_free(ctx);
	return 0;
}

/* peak RSS (KiB) of INKAN verify --keys DIR/keys.zone FILE */
static long
child_rss(const char *inkan, const char *dir, const char *file)
{
	char keys[4096];
	struct rusage ru;
	int status, fd;
	pid_t pid;

	snprintf(keys, sizeof(keys), "%s/keys.zone", dir);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, 1);
		execl(inkan, inkan, "verify", "--keys", keys, file,
			(char *)NULL);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		die("inkan verify did not pass");
	return ru.ru_maxrss;
}

static int
cmd_rss(const char *inkan, const char *dir)
{
	char small[4096], big[4096];
	long a, b;

	snprintf(small, sizeof(small), "%s/msg-0000.eml", dir);
	snprintf(big, sizeof(big), "%s/big.eml", dir);
	a = child_rss(inkan, dir, small);
	b = child_rss(inkan, dir, big);
	printf("rss_small_kib %ld\nrss_big_kib %ld\nrss_added_kib %ld\n",
		a, b, b - a);
	return 0;
}

/* verification only, for profiling: bench_dkim verify DIR ROUNDS */
static int
cmd_verify(const char *dir, int rounds)
{
	struct corpus c;
	inkan_ctx *ctx = NULL;
	inkan_dkim *d = NULL;
	char path[4096];
	double t0;
	int i, r, pass = 0;

	memset(&c, 0, sizeof(c));
	load(dir, &c);
	snprintf(path, sizeof(path), "%s/keys.zone", dir);
	if (inkan_ctx_new(NULL, &ctx) || inkan_dkim_new(ctx, &d) ||
	    inkan_dkim_load_key_file(d, path))
		die("setup");
	t0 = now_s();
	for (r = 0; r < rounds; r++)
		for (i = 0; i < c.n; i++)
			pass += verify_one(d, ctx, c.data[i], c.len[i]);
	t0 = now_s() - t0;
	printf("inkan_verify_per_s %.0f (%d passed)\n", rounds * c.n / t0,
		pass);
	inkan_dkim_free(d);
	inkan_ctx_free(ctx);
	return 0;
}

/* the verify floor only, for profiling: bench_dkim floor DIR ROUNDS */
static int
cmd_floor(const char *dir, int rounds)
{
	struct corpus c;
	char path[4096];
	EVP_PKEY *pkey;
	FILE *f;

	memset(&c, 0, sizeof(c));
	load(dir, &c);
	snprintf(path, sizeof(path), "%s/key.pem", dir);
	f = fopen(path, "r");
	pkey = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	if (pkey == NULL)
		die(path);
	printf("floor_verify_per_s %.0f\n", floor_rate(&c, pkey, 0, rounds));
	EVP_PKEY_free(pkey);
	return 0;
}

static int
number(const char *s, int dflt)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *s != '\0' && *end == '\0' && v > 0 && v < 1000000 ?
		(int)v : dflt;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "gen") == 0)
		return cmd_gen(argv[2], number(argv[3], 1000));
	if (argc == 3 && strcmp(argv[1], "run") == 0)
		return cmd_run(argv[2]);
	if (argc == 4 && strcmp(argv[1], "floor") == 0)
		return cmd_floor(argv[2], number(argv[3], 3));
	if (argc == 4 && strcmp(argv[1], "verify") == 0)
		return cmd_verify(argv[2], number(argv[3], 3));
	if (argc == 4 && strcmp(argv[1], "big") == 0)
		return cmd_big(argv[2], number(argv[3], 50));
	if (argc == 4 && strcmp(argv[1], "rss") == 0)
		return cmd_rss(argv[2], argv[3]);
	fprintf(stderr, "usage: bench_dkim gen DIR N | run DIR | "
		"verify DIR ROUNDS | big DIR MB | rss INKAN DIR\n");
	return 2;
}
