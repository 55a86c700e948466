// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_allnetns.h: --all-netns, shared by the loop (cmd_allnetns.c) and
 * the audit and diff of every namespace (cmd_allnetns_audit.c) */
#ifndef TWTUNE_CMD_ALLNETNS_H
#define TWTUNE_CMD_ALLNETNS_H

#include "json.h"
#include "nsscan.h"

enum ns_status {
	NS_READ,   /* entered and read */
	NS_GONE,   /* it went away between the scan and its turn */
	NS_DENIED, /* a way to it exists but may not be opened or entered */
	NS_FAILED, /* entered, but the command's reading failed */
};

/* One namespace's turn. */
struct ns_visit {
	const struct nsscan *scan;
	const struct netns_info *ns;
	enum ns_status status;
	char why[600];  /* for every status but NS_READ */
	int rc;         /* the exit code the namespace's reading earns */
	bool lost_home; /* the thread could not go back to its namespace */
};

/* Called for each namespace, host first: entered when v->status is
 * NS_READ (back in the original namespace after it returns); it may set
 * NS_FAILED with why, and rc. */
typedef void (*ns_visit_fn)(struct ns_visit *v, void *arg);

/* Scans the namespaces and visits each. Returns the highest rc of the
 * namespaces read, or EXIT_SYSTEM (after one line on stderr) when none
 * could be read or the thread could not go back. */
int all_netns_each(const char *cmd, ns_visit_fn fn, void *arg);
/* The same with one shared measuring window: pre visits every namespace
 * first (its rc and status are not counted), then seconds pass from the
 * first visit's start, then fn visits every namespace. */
int all_netns_each_window(const char *cmd, ns_visit_fn pre, double seconds, ns_visit_fn fn,
			  void *arg);

/* "read", "gone", "denied", "failed". */
const char *ns_status_name(enum ns_status s);

/* The document's start: {"schema_version": N, "namespaces": [ */
void all_netns_json_begin(struct json *j);
void all_netns_json_end(struct json *j);
/* An element's start: {"netns": {inode, paths, label, owner}, "status",
 * "reason"; the caller adds its member and closes the object. */
void all_netns_json_entry(struct json *j, const struct ns_visit *v);
/* "== LABEL (netns INODE) ==" and, when not read, "STATUS: WHY". */
void all_netns_text_header(FILE *f, const struct ns_visit *v);

#endif
