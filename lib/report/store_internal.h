/* SPDX-License-Identifier: MIT */
/*
 * store_internal.h - the report store's backend seam.
 *
 * Both backends speak the same SQL (placeholders are "?"; the PostgreSQL
 * backend renumbers them to $1..$n). What differs between them is behind
 * ik_report_db_ops: how to run a statement, how to insert a batch of rows
 * fast (prepared statement vs COPY), and how to take a lock that only one
 * host may hold (flock vs advisory lock).
 *
 * Every query result is materialised (ik_report_res): rows of text cells,
 * NULL for SQL NULL. Queries that could return a lot (grouped records)
 * are grouped in SQL first, so results stay small.
 */
#ifndef INKAN_REPORT_STORE_INTERNAL_H
#define INKAN_REPORT_STORE_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include <inkan/report.h>

/* ---- parameters and results ---- */

typedef enum ik_report_ptype {
	IK_RP_NULL = 0,
	IK_RP_INT = 1,
	IK_RP_TEXT = 2
} ik_report_ptype;

typedef struct ik_report_param {
	ik_report_ptype type;
	int64_t i;
	const char *s;		/* borrowed for the call */
} ik_report_param;

static inline ik_report_param
IK_RP_I(int64_t v)
{
	ik_report_param p = { IK_RP_INT, v, NULL };
	return p;
}

/* text, or SQL NULL for a NULL pointer */
static inline ik_report_param
IK_RP_S(const char *v)
{
	ik_report_param p = { v ? IK_RP_TEXT : IK_RP_NULL, 0, v };
	return p;
}

typedef struct ik_report_res {
	const inkan_ctx *ctx;	/* the cells' allocator */
	size_t nrows;
	size_t ncols;
	char **cells;		/* nrows * ncols, NULL for SQL NULL */
} ik_report_res;

void ik_report_res_free(ik_report_res *r);
const char *ik_report_res_get(const ik_report_res *r, size_t row,
	size_t col);
int64_t ik_report_res_int(const ik_report_res *r, size_t row, size_t col);

/* ---- a row as stored: flat, owned, already validated ---- */

typedef struct ik_report_rec {
	struct ik_report_rec *next;	/* queue link */
	int64_t time;
	char *source_ip;
	char *header_from;
	char *envelope_from;	/* NULL: unknown */
	char *envelope_to;
	char *spf_domain;
	int spf_scope_mfrom;
	int spf_result;
	char *spf_human;
	char *dkim;		/* encoded list, see row.c; "" when none */
	int dmarc;
	int dkim_aligned;
	int spf_aligned;
	int disposition;
	char *reasons;		/* encoded list; "" when none */
	char *policy_domain;
	int p, sp, np;
	char adkim[2], aspf[2];
	char *fo;
	int testing;
	int discovery;
	char *rua;
	char *ruf;
	int64_t ri;
	char *error;
	unsigned flags;
	/* the strings above all live in this one allocation */
} ik_report_rec;

/* Validate @row and copy it into one allocation (free with ik_free). */
inkan_status ik_report_rec_new(const inkan_ctx *ctx,
	const inkan_report_row *row, ik_report_rec **out);

/* An hour of a policy domain that holds new rows (report_windows). */
typedef struct ik_report_mark {
	const char *domain;	/* borrowed from a record */
	int64_t hour;		/* time / 3600, rounded down */
} ik_report_mark;

/* The distinct (domain, hour) pairs of @n records, into @marks (room for
 * @n); returns how many. Backends upsert them with the rows, in the same
 * transaction, so a claim never misses a committed row. */
size_t ik_report_marks(ik_report_rec *const *recs, size_t n,
	ik_report_mark *marks);

/* Field and record separators of the encoded DKIM/reason lists. They
 * cannot occur in input (control characters are replaced). */
#define IK_REPORT_FS '\x1f'
#define IK_REPORT_RS '\x1e'

/* ---- backends ---- */

typedef struct ik_report_db_ops {
	const char *name;		/* "sqlite", "postgresql" */
	/* run SQL without parameters or results (several statements) */
	inkan_status (*exec)(void *db, const char *sql);
	/* run one statement; *out (may be NULL) gets its rows (free with
	 * ik_report_res_free); *changes (may be NULL) the rows changed */
	inkan_status (*query)(void *db, const char *sql,
		const ik_report_param *params, size_t nparams,
		ik_report_res *out, int64_t *changes);
	/* insert a batch into report_rows, inside the caller's transaction */
	inkan_status (*insert_rows)(void *db, ik_report_rec *const *recs,
		size_t n);
	/* non-blocking: *got = 1 when this process now holds lock @key
	 * (held until unlock or close); 0 when someone else holds it */
	inkan_status (*try_lock)(void *db, int64_t key, int *got);
	void (*unlock)(void *db, int64_t key);
	/* the last error text (borrowed until the next call) */
	const char *(*errmsg)(void *db);
	void (*close)(void *db);
} ik_report_db_ops;

/* Open a backend connection. @target from the URI parser. */
inkan_status ik_report_sqlite_open(inkan_ctx *ctx, const char *path,
	unsigned flags, const ik_report_db_ops **ops, void **db, char *err,
	size_t errlen);
inkan_status ik_report_pg_open(inkan_ctx *ctx, const char *conninfo,
	const ik_report_db_ops **ops, void **db, char *err, size_t errlen);

/* ---- schema ---- */

/*
 * One migration: from version (number - 1) to @number. The DDL differs
 * only where the two SQL dialects do (keys, blobs); @sql_pg NULL means
 * "the same as @sql_sqlite". Append new migrations at the end of the list
 * in schema.c (the owner-side intake adds its tables there).
 */
typedef struct ik_report_migration {
	int number;
	const char *what;
	const char *sql_sqlite;
	const char *sql_pg;
} ik_report_migration;

extern const ik_report_migration ik_report_migrations[];
extern const size_t ik_report_nmigrations;

/* Bring the schema to the newest version; *version gets it. */
inkan_status ik_report_schema_migrate(struct inkan_report_store *s,
	int *version, char *err, size_t errlen);

/* ---- the store handle ---- */

struct inkan_report_store {
	inkan_ctx *ctx;			/* borrowed */
	inkan_report_backend backend;
	const ik_report_db_ops *ops;
	void *db;			/* owned by the backend (ops->close) */
	/* a second connection for the writer thread, so readers and the
	 * writer never share a connection */
	void *wdb;
	int schema_version;

	pthread_mutex_t mu;
	pthread_cond_t cv_work;		/* rows waiting or closing */
	pthread_cond_t cv_done;		/* a batch finished */
	ik_report_rec *head, *tail;
	size_t qlen, qmax;
	int closing;
	/* while set (under mu) the writer takes no rows: lets a test fill
	 * the queue deterministically */
	int hold;
	int writer_started;
	pthread_t writer;
	inkan_report_store_stats st;
	uint64_t done_seq;		/* rows finished (written or lost) */
	uint64_t lost_seen;
};

/* Run with the store's main connection. */
inkan_status ik_report_exec(inkan_report_store *s, const char *sql);
inkan_status ik_report_query(inkan_report_store *s, const char *sql,
	const ik_report_param *params, size_t nparams, ik_report_res *out,
	int64_t *changes);

/* The writer thread (writer.c) */
inkan_status ik_report_writer_start(inkan_report_store *s);
void ik_report_writer_stop(inkan_report_store *s);

#endif
