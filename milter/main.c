/* SPDX-License-Identifier: MIT */
/*
 * main.c - inkan-milter: options, --check-config, --stats, start-up
 * (keys loaded and socket bound as root, then privileges dropped),
 * signals, reload and shutdown. See inkan-milter(8).
 *
 * Signals: libmilter runs a thread of its own that sigwait()s for SIGHUP,
 * SIGTERM and SIGINT and stops the milter on any of them. We keep those
 * signals for ourselves: every thread but the main one blocks them, and
 * the main thread leaves them unblocked with handlers; Linux delivers a
 * process-directed signal to the thread it was sent to (the main thread,
 * whose id is the process id) whenever that thread does not block it, so
 * libmilter's thread never sees them. The handlers only write a byte to
 * a pipe; the main loop does the work.
 */
#define _DEFAULT_SOURCE /* initgroups */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "mail_from.h"
#include "milter.h"

struct options {
	const char *config;
	int foreground;
	int check;
	int stats;
};

static int sig_pipe[2] = { -1, -1 };

static void
on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	int saved = errno;

	if (write(sig_pipe[1], &b, 1) < 0)
		errno = saved;
	errno = saved;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: inkan-milter -c FILE [-f]\n"
		"       inkan-milter --check-config -c FILE\n"
		"       inkan-milter --stats -c FILE\n"
		"       inkan-milter --version\n");
}

static int
parse_args(int argc, char **argv, struct options *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			o->config = argv[++i];
		else if (strcmp(argv[i], "-f") == 0)
			o->foreground = 1;
		else if (strcmp(argv[i], "--check-config") == 0 ||
		    strcmp(argv[i], "-n") == 0)
			o->check = 1;
		else if (strcmp(argv[i], "--stats") == 0)
			o->stats = 1;
		else if (strcmp(argv[i], "--version") == 0) {
			printf("inkan-milter %s\n", inkan_version());
			exit(0);
		} else if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			exit(0);
		} else {
			fprintf(stderr, "inkan-milter: unknown option %s\n",
				argv[i]);
			usage(stderr);
			return -1;
		}
	}
	if (o->config == NULL) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* --check-config: print, load every key, test DNS; exit status 0 only
 * when there is no problem at all. */
static int
check_config(struct mt_config *cfg)
{
	struct mt_state *st = NULL;
	int problems;

	mt_config_print(cfg, stdout);
	fflush(stdout);
	problems = mt_state_build(cfg, &st, stdout, stderr);
	if (problems == 0) {
		problems += mt_state_test_resolver(st, stderr);
		if (problems == 0)
			problems += mt_mail_from_check(st, stderr);
		if (problems == 0 && st->cfg->report_store != NULL) {
			static struct mt_daemon probe;

			if (mt_report_open(&probe, st->cfg, stderr) != 0)
				problems++;
			else
				printf("# report store %s open\n",
					inkan_report_store_backend_name(
					probe.report));
			mt_report_close(&probe);
		}
		if (st->keys->ndomains == 0)
			printf("# no signing keys: messages to sign go out "
				"unsigned\n");
	}
	mt_state_unref(st);
	if (problems > 0) {
		fprintf(stderr, "inkan-milter: %d problem%s\n", problems,
			problems == 1 ? "" : "s");
		return 1;
	}
	printf("# configuration OK\n");
	return 0;
}

/* Refuse root unless told which user to become; become it. */
static int
drop_privileges(const struct mt_config *c)
{
	struct passwd *pw;

	if (getuid() != 0 && geteuid() != 0)
		return 0;
	if (c->user == NULL) {
		fprintf(stderr, "inkan-milter: refusing to run as root; set "
			"user = NAME in the configuration\n");
		return -1;
	}
	pw = getpwnam(c->user);
	if (pw == NULL || pw->pw_uid == 0) {
		fprintf(stderr, "inkan-milter: user %s: %s\n", c->user,
			pw == NULL ? "no such user" : "is root");
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	    setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0 ||
	    setuid(0) == 0) {
		fprintf(stderr, "inkan-milter: cannot become %s: %s\n",
			c->user, strerror(errno));
		return -1;
	}
	return 0;
}

static int
socket_access(const struct mt_config *c)
{
	const char *path;
	struct group *gr;

	if (strncmp(c->socket, "unix:", 5) != 0)
		return 0;
	path = c->socket + 5;
	if (c->socket_group != NULL) {
		gr = getgrnam(c->socket_group);
		if (gr == NULL || chown(path, (uid_t)-1, gr->gr_gid) != 0) {
			fprintf(stderr, "inkan-milter: socket group %s: %s\n",
				c->socket_group, gr == NULL ? "no such group" :
				strerror(errno));
			return -1;
		}
	}
	if (chmod(path, (mode_t)c->socket_mode) != 0) {
		fprintf(stderr, "inkan-milter: chmod %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	/* the user we become must own it to remove it at exit */
	if (c->user != NULL && getuid() == 0) {
		struct passwd *pw = getpwnam(c->user);

		if (pw != NULL && chown(path, pw->pw_uid, (gid_t)-1) != 0)
			return -1;
	}
	return 0;
}

static int
daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return chdir("/");
}

static void *
milter_thread(void *arg)
{
	int *rc = arg;

	*rc = smfi_main();
	return NULL;
}

static void
reload(struct mt_daemon *d, const char *path)
{
	struct mt_config *cfg = NULL;
	struct mt_state *st = NULL, *old;
	char err[1024], *text = NULL;
	size_t len = 0;
	FILE *errs;
	int problems;

	if (mt_config_load(path, &cfg, err, sizeof(err)) != 0) {
		mt_log(d, MT_ERR, "reload refused, old configuration kept: %s",
			err);
		mt_stats_bump(&d->stats, MT_C_RELOAD_FAILURES);
		return;
	}
	errs = open_memstream(&text, &len);
	if (errs == NULL) {
		mt_config_free(cfg);
		return;
	}
	problems = mt_state_build(cfg, &st, NULL, errs);
	fclose(errs);
	if (problems > 0) {
		mt_log(d, MT_ERR, "reload refused, old configuration kept: "
			"%s", text != NULL ? text : "");
		mt_stats_bump(&d->stats, MT_C_RELOAD_FAILURES);
		free(text);
		return;
	}
	free(text);
	old = mt_daemon_state(d);
	st->generation = old->generation + 1;
	if (strcmp(old->cfg->socket, st->cfg->socket) != 0)
		mt_log(d, MT_WARNING, "reload: a new socket takes a restart; "
			"still listening on %s", old->cfg->socket);
	mt_state_unref(old);
	mt_mail_from_check(st, NULL);
	mt_daemon_swap(d, st);
	mt_stats_bump(&d->stats, MT_C_RELOADS);
	mt_log(d, MT_INFO, "reloaded %s (generation %u, %zu signing "
		"domain%s)", path, st->generation, st->keys->ndomains,
		st->keys->ndomains == 1 ? "" : "s");
}

static void
check_mail_from(struct mt_daemon *d)
{
	struct mt_state *st = mt_daemon_state(d);
	char *text = NULL, *line, *end;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f != NULL) {
		mt_mail_from_check(st, f);
		fclose(f);
		/* one log line per broken entry */
		for (line = text; line != NULL && *line != '\0'; line = end) {
			end = strchr(line, '\n');
			if (end != NULL)
				*end++ = '\0';
			mt_log(d, MT_WARNING, "%s", line);
		}
		free(text);
	}
	mt_state_unref(st);
}

static void
main_loop(struct mt_daemon *d, const char *path)
{
	struct pollfd p = { sig_pipe[0], POLLIN, 0 };
	unsigned char sig;
	time_t next, next_report = time(NULL);
	unsigned interval;
	struct mt_state *st;

	st = mt_daemon_state(d);
	next = time(NULL) + st->cfg->mail_from_check_interval;
	mt_state_unref(st);
	for (;;) {
		st = mt_daemon_state(d);
		interval = st->cfg->mail_from_check_interval;
		mt_state_unref(st);
		if (time(NULL) >= next) {
			check_mail_from(d);
			next = time(NULL) + interval;
		}
		if (time(NULL) >= next_report) {
			mt_report_check(d);
			next_report = time(NULL) + 60;
		}
		if (poll(&p, 1, 1000) <= 0)
			continue;
		if (read(sig_pipe[0], &sig, 1) != 1)
			continue;
		if (sig == SIGHUP || sig == SIGUSR1) {
			reload(d, path);
			next = time(NULL);
		} else if (sig == SIGTERM || sig == SIGINT) {
			return;
		}
	}
}

/*
 * libmilter aborts every session at its next command once smfi_stop() is
 * called, so the messages in flight are let finish first: new messages
 * are refused (421 4.3.2 at MAIL FROM, see callbacks.c), and smfi_stop()
 * waits until none is left or shutdown_wait has passed. Idle sessions
 * between messages lose nothing.
 */
static void
shutdown_gracefully(struct mt_daemon *d, unsigned wait)
{
	time_t end = time(NULL) + wait;

	atomic_store(&d->stopping, 1);
	mt_log(d, MT_INFO, "stopping: finishing %d message%s in flight",
		atomic_load(&d->active_messages),
		atomic_load(&d->active_messages) == 1 ? "" : "s");
	while (atomic_load(&d->active_messages) > 0 && time(NULL) < end) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	smfi_stop();
	mt_log(d, MT_INFO, "stopped (%d message%s unfinished)",
		atomic_load(&d->active_messages),
		atomic_load(&d->active_messages) == 1 ? "" : "s");
}

static int
set_signals(void)
{
	struct sigaction sa;
	sigset_t set;

	if (pipe(sig_pipe) != 0)
		return -1;
	fcntl(sig_pipe[0], F_SETFD, FD_CLOEXEC);
	fcntl(sig_pipe[1], F_SETFD, FD_CLOEXEC);
	fcntl(sig_pipe[1], F_SETFL, O_NONBLOCK);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* block them for the threads created next; the main thread
	 * unblocks them again after */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	return pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static int
run(struct mt_config *cfg, const struct options *o)
{
	static struct mt_daemon d;
	struct mt_state *st = NULL;
	pthread_t t;
	sigset_t set;
	int rc = 0, milter_rc = 0;
	unsigned wait;

	if ((getuid() == 0 || geteuid() == 0) && cfg->user == NULL) {
		fprintf(stderr, "inkan-milter: refusing to run as root; set "
			"user = NAME in the configuration\n");
		mt_config_free(cfg);
		return 1;
	}
	/* a SIGHUP before the handlers are in place (keys loading, socket
	 * binding) must not end the process: ignored until then */
	signal(SIGHUP, SIG_IGN);
	pthread_mutex_init(&d.lock, NULL);
	d.log_stderr = cfg->log == MT_LOG_STDERR;
	d.log_debug = cfg->log_debug;
	if (!d.log_stderr)
		openlog("inkan-milter", LOG_PID, LOG_MAIL);
	/* keys are read now, as root if started as root, before any
	 * thread or privilege drop */
	if (mt_state_build(cfg, &st, NULL, stderr) != 0)
		return 1;
	d.cur = st;
	mt_callbacks_init(&d);
	if (smfi_register(*mt_callbacks_desc()) != MI_SUCCESS ||
	    smfi_setconn(st->cfg->socket) != MI_SUCCESS ||
	    smfi_settimeout(60) != MI_SUCCESS ||
	    smfi_setbacklog(128) != MI_SUCCESS ||
	    smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "inkan-milter: cannot listen on %s\n",
			st->cfg->socket);
		return 1;
	}
	if (socket_access(st->cfg) != 0)
		return 1;
	if (mt_stats_serve(&d.stats, st->cfg->stats_port) != 0) {
		fprintf(stderr, "inkan-milter: cannot listen on "
			"127.0.0.1:%u for stats\n", st->cfg->stats_port);
		return 1;
	}
	if (!o->foreground && daemonize() != 0)
		return 1;
	if (st->cfg->pid_file != NULL) {
		FILE *f = fopen(st->cfg->pid_file, "w");

		if (f != NULL) {
			fprintf(f, "%ld\n", (long)getpid());
			fclose(f);
		}
	}
	if (drop_privileges(st->cfg) != 0)
		return 1;
	/* the store is opened as the user we became: its files are that
	 * user's */
	if (mt_report_open(&d, st->cfg, stderr) != 0)
		return 1;
	/* the MAIL FROM records are known before the first message, so no
	 * message meets the fallback only because the check had not run */
	check_mail_from(&d);
	if (set_signals() != 0 ||
	    pthread_create(&t, NULL, milter_thread, &milter_rc) != 0) {
		fprintf(stderr, "inkan-milter: cannot start\n");
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	mt_log(&d, MT_INFO, "started on %s (pid %ld, %zu signing domain%s)",
		st->cfg->socket, (long)getpid(), st->keys->ndomains,
		st->keys->ndomains == 1 ? "" : "s");
	main_loop(&d, o->config);
	st = mt_daemon_state(&d);
	wait = st->cfg->shutdown_wait;
	mt_state_unref(st);
	shutdown_gracefully(&d, wait);
	pthread_join(t, NULL);
	mt_report_close(&d);
	if (milter_rc != MI_SUCCESS)
		rc = 1;
	return rc;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct mt_config *cfg = NULL;
	char err[1024];

	if (parse_args(argc, argv, &o) != 0)
		return 2;
	if (mt_config_load(o.config, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "inkan-milter: %s\n", err);
		return 1;
	}
	if (o.check)
		return check_config(cfg);
	if (o.stats) {
		unsigned port = cfg->stats_port;

		mt_config_free(cfg);
		if (port == 0) {
			fprintf(stderr, "inkan-milter: stats_port is not set "
				"in %s\n", o.config);
			return 1;
		}
		if (mt_stats_fetch(port, stdout) != 0) {
			fprintf(stderr, "inkan-milter: no answer on "
				"127.0.0.1:%u\n", port);
			return 1;
		}
		return 0;
	}
	return run(cfg, &o);
}
