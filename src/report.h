/* report.h: rendering an assessment as text, JSON or Prometheus metrics */
#ifndef TWTUNE_REPORT_H
#define TWTUNE_REPORT_H

#include <stdio.h>

#include "risk.h"

struct collect_result;

#define REPORT_SCHEMA_VERSION 1

struct report {
	const char *kernel;               /* uname release */
	const char *netns;                /* --netns argument, or "current" */
	const char *netns_id;             /* "net:[4026531840]" */
	const struct settings *current;
	const struct settings *target;    /* suggested, or the profile's */
	const struct observation *obs;
	const struct collect_result *collected; /* how obs->socks were read, or NULL */
	const struct assessment *before;  /* rules on current */
	const struct assessment *after;   /* rules on target, same sockets */
	const char *profile;              /* profile name, or NULL for the suggestion */
	const char *const *unsupported;   /* keys the profile sets that this kernel lacks */
	size_t top;                       /* destinations to list */
	const struct obs_window *observed; /* audit --observe: the eBPF window, or NULL */
	const char *observe_skipped;      /* --observe given, but why it could not run */
};

void report_text(FILE *f, const struct report *r);
void report_json(FILE *f, const struct report *r);
void report_prometheus(FILE *f, const struct report *r);
struct json;
/* The object report_json() (report_diff_json()) prints, written into J as
 * member KEY (NULL: an array element or the top level). */
void report_json_member(struct json *j, const char *key, const struct report *r);
void report_diff_json_member(struct json *j, const char *key, const struct report *r);
/* Only the diff and the predicted effect (twtune diff). */
void report_diff_text(FILE *f, const struct report *r);
void report_diff_json(FILE *f, const struct report *r);

/* One changed key as diff lines: "- NAME = BEFORE" (none when before is
 * NULL) and "+ NAME = AFTER", coloured. For apply, rollback and diff. */
void report_diff_line(FILE *f, enum sysctl_id key, const char *before, const char *after);

/* Number of keys whose value differs between current and target. */
size_t report_ndiff(const struct report *r);

#endif
