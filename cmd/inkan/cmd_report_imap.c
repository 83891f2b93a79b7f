/* SPDX-License-Identifier: MIT */
/*
 * cmd_report_imap.c - fetch report mail over IMAP (RFC 9051) with libcurl.
 *
 * Order matters: a message is fetched, stored, and only then flagged with
 * the keyword $InkanStored and \Seen (and moved). The messages to fetch
 * are those without the keyword (UNKEYWORD, RFC 9051 6.4.4), not the
 * unseen ones: libcurl fetches with BODY[], which sets \Seen itself
 * (there is no PEEK in its URL scheme), and a person reading the mailbox
 * sets it too; neither may make a report look stored. A crash at any
 * point leaves every message either stored and flagged, or unflagged and
 * so fetched again by the next run, where the store's de-duplication
 * makes the second ingest change nothing.
 *
 * The login comes from a file holding "user:password" that only its owner
 * can read (mode 0600 or stricter), or from INKAN_IMAP_USER and
 * INKAN_IMAP_PASSWORD; never from the command line, where ps shows it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <curl/curl.h>

#include "cli.h"
#include "cmd_report_imap.h"

#define IMAP_MAX_UIDS 100000

struct resp {
	char *data;
	size_t len, cap, max;
	int over;
};

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct resp *r = arg;
	size_t add = size * n;

	if (r->len + add > r->max) {
		r->over = 1;
		return 0;	/* aborts the transfer */
	}
	if (r->len + add + 1 > r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 65536;
		while (nc < r->len + add + 1)
			nc *= 2;
		char *nd = realloc(r->data, nc);
		if (nd == NULL)
			return 0;
		r->data = nd;
		r->cap = nc;
	}
	memcpy(r->data + r->len, p, add);
	r->len += add;
	r->data[r->len] = '\0';
	return add;
}

/* wipe a secret; the volatile pointer keeps the compiler from
 * dropping the stores (explicit_bzero is not POSIX) */
static void
wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n-- > 0)
		*v++ = 0;
}

static int
read_login(struct report_imap *im, char *user, size_t ul, char *pass,
	size_t pl)
{
	const char *eu = getenv("INKAN_IMAP_USER");
	const char *ep = getenv("INKAN_IMAP_PASSWORD");
	char line[1024];
	struct stat sb;
	FILE *f;
	char *colon;

	if (im->login_file == NULL) {
		if (eu == NULL || ep == NULL) {
			cli_error(im->cli, "--imap needs --imap-login FILE or "
				"INKAN_IMAP_USER and INKAN_IMAP_PASSWORD");
			return CLI_USAGE;
		}
		if (strlen(eu) >= ul || strlen(ep) >= pl) {
			cli_error(im->cli, "INKAN_IMAP_USER or _PASSWORD too "
				"long");
			return CLI_USAGE;
		}
		memcpy(user, eu, strlen(eu) + 1);
		memcpy(pass, ep, strlen(ep) + 1);
		return CLI_OK;
	}
	if ((f = fopen(im->login_file, "r")) == NULL ||
	    fstat(fileno(f), &sb) != 0) {
		cli_error(im->cli, "%s: cannot read", im->login_file);
		if (f)
			fclose(f);
		return CLI_INPUT;
	}
	if ((sb.st_mode & 077) != 0) {
		fclose(f);
		cli_error(im->cli, "%s: readable by others (mode %03o); "
			"chmod 600 it", im->login_file,
			(unsigned)(sb.st_mode & 0777));
		return CLI_INPUT;
	}
	if (fgets(line, sizeof(line), f) == NULL ||
	    (colon = strchr(line, ':')) == NULL) {
		fclose(f);
		cli_error(im->cli, "%s: expected one line user:password",
			im->login_file);
		return CLI_INPUT;
	}
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	*colon = '\0';
	if (strlen(line) >= ul || strlen(colon + 1) >= pl) {
		wipe(line, sizeof(line));
		cli_error(im->cli, "%s: user or password too long",
			im->login_file);
		return CLI_INPUT;
	}
	memcpy(user, line, strlen(line) + 1);
	memcpy(pass, colon + 1, strlen(colon + 1) + 1);
	wipe(line, sizeof(line));
	return CLI_OK;
}

/* run one command; the untagged responses land in @r */
static CURLcode
imap_cmd(CURL *c, const char *cmd, struct resp *r)
{
	r->len = 0;
	r->over = 0;
	if (r->data)
		r->data[0] = '\0';
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, cmd);
	return curl_easy_perform(c);
}

/* "* SEARCH 1 5 7" -> uids */
static size_t
parse_search(const char *s, unsigned long *uids, size_t max)
{
	const char *p = strstr(s, "* SEARCH");
	size_t n = 0;

	if (p == NULL)
		return 0;
	p += 8;
	while (*p != '\0' && *p != '\r' && *p != '\n' && n < max) {
		char *end;
		unsigned long v = strtoul(p, &end, 10);
		if (end == p) {
			p++;
			continue;
		}
		uids[n++] = v;
		p = end;
	}
	return n;
}

/* fetch message @uid whole: libcurl's URL form (RFC 5092 ";UID=") */
static CURLcode
imap_fetch(CURL *c, const char *base, unsigned long uid, struct resp *r)
{
	char url[2048];
	CURLcode cc;

	snprintf(url, sizeof(url), "%s;UID=%lu", base, uid);
	r->len = 0;
	r->over = 0;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
	cc = curl_easy_perform(c);
	curl_easy_setopt(c, CURLOPT_URL, base);
	return cc;
}

int
report_imap_ingest(struct report_imap *im)
{
	char user[256], pass[512], cmd[512], origin[1024];
	unsigned long *uids = NULL;
	struct resp r = { 0 };
	size_t n;
	CURL *c;
	CURLcode cc;
	int rc;
	const char *die = getenv("INKAN_TEST_IMAP_KILL_AFTER_FETCH");

	if (strncmp(im->url, "imap://", 7) != 0 &&
	    strncmp(im->url, "imaps://", 8) != 0) {
		cli_error(im->cli, "--imap: imap://HOST[:PORT]/MAILBOX or "
			"imaps://...");
		return CLI_USAGE;
	}
	if (im->url[strlen(im->url) - 1] == '/' ||
	    strchr(strchr(im->url, ':') + 3, '/') == NULL) {
		cli_error(im->cli, "--imap: name the mailbox "
			"(imap://HOST/INBOX)");
		return CLI_USAGE;
	}
	if ((rc = read_login(im, user, sizeof(user), pass, sizeof(pass))) !=
	    CLI_OK)
		return rc;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((c = curl_easy_init()) == NULL) {
		curl_global_cleanup();
		return CLI_INTERNAL;
	}
	r.max = report_ingest_max_input(im->run) + 4096;
	curl_easy_setopt(c, CURLOPT_URL, im->url);
	curl_easy_setopt(c, CURLOPT_USERNAME, user);
	curl_easy_setopt(c, CURLOPT_PASSWORD, pass);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "imap,imaps");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	/* big reports take a while; only a stalled transfer is an error */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 120L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	wipe(pass, sizeof(pass));

	rc = CLI_OK;
	if ((cc = imap_cmd(c, "UID SEARCH UNKEYWORD $InkanStored", &r)) !=
	    CURLE_OK) {
		cli_error(im->cli, "%s: %s", im->url, curl_easy_strerror(cc));
		rc = CLI_TEMPFAIL;
		goto out;
	}
	uids = calloc(IMAP_MAX_UIDS, sizeof(*uids));
	if (uids == NULL) {
		rc = CLI_INTERNAL;
		goto out;
	}
	n = parse_search(r.data ? r.data : "", uids, IMAP_MAX_UIDS);
	for (size_t i = 0; i < n; i++) {
		cc = imap_fetch(c, im->url, uids[i], &r);
		if (cc != CURLE_OK || r.len == 0) {
			cli_error(im->cli, "%s: UID %lu: %s", im->url, uids[i],
				r.over ? "larger than the input limit" :
				cc != CURLE_OK ? curl_easy_strerror(cc) :
				"empty FETCH response");
			if (!r.over) {
				rc = CLI_TEMPFAIL;
				goto out;
			}
			continue;	/* left unseen: an operator looks */
		}
		/* fault injection for the crash test: die after the fetch,
		 * before anything is stored or flagged */
		if (die != NULL && strtoul(die, NULL, 10) == i + 1)
			raise(SIGKILL);
		snprintf(origin, sizeof(origin), "%s UID %lu", im->url, uids[i]);
		if (report_ingest_bytes(im->run, r.data, r.len, origin) < 0) {
			rc = CLI_TEMPFAIL;	/* not flagged: fetched again */
			goto out;
		}
		snprintf(cmd, sizeof(cmd), "UID STORE %lu +FLAGS.SILENT "
			"(\\Seen $InkanStored)", uids[i]);
		if ((cc = imap_cmd(c, cmd, &r)) != CURLE_OK) {
			cli_error(im->cli, "%s: UID %lu: flagging: %s", im->url,
				uids[i], curl_easy_strerror(cc));
			rc = CLI_TEMPFAIL;
			goto out;
		}
		if (im->move_to != NULL) {
			snprintf(cmd, sizeof(cmd), "UID MOVE %lu \"%s\"", uids[i],
				im->move_to);
			if ((cc = imap_cmd(c, cmd, &r)) != CURLE_OK) {
				cli_error(im->cli, "%s: UID %lu: moving to %s: "
					"%s", im->url, uids[i], im->move_to,
					curl_easy_strerror(cc));
				rc = CLI_TEMPFAIL;
				goto out;
			}
		}
	}
out:
	free(uids);
	free(r.data);
	curl_easy_cleanup(c);
	curl_global_cleanup();
	return rc;
}
