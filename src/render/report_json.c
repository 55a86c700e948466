// SPDX-License-Identifier: GPL-2.0-or-later
/* report_json.c: the audit report for tools: the view (view.h) as one
 * JSON document (schema REPORT_SCHEMA_VERSION) */
#include "report_json.h"

#include "conntrack_render.h"

#include <math.h>
#include <string.h>

#include "observe_render.h"
#include "sockets_render.h"

static void json_evidence(struct json *j, const struct finding *fd)
{
	json_obj_begin(j, "evidence");
	for (size_t i = 0; i < fd->nev; i++) {
		const struct evidence *e = &fd->ev[i];
		size_t same = 0;
		bool first = true;

		for (size_t k = 0; k < fd->nev; k++)
			if (strcmp(fd->ev[k].name, e->name) == 0) {
				same++;
				if (k < i)
					first = false;
			}
		if (!first)
			continue;
		/* numbers are scalars; listed things are arrays, even of one */
		if (e->is_num && same == 1) {
			json_double(j, e->name, e->num, e->num == floor(e->num) ? 0 : 4);
			continue;
		}
		json_arr_begin(j, e->name);
		for (size_t k = i; k < fd->nev; k++) {
			if (strcmp(fd->ev[k].name, e->name) != 0)
				continue;
			if (fd->ev[k].is_num)
				json_double(j, NULL, fd->ev[k].num, 4);
			else
				json_str(j, NULL, fd->ev[k].text);
		}
		json_arr_end(j);
	}
	json_obj_end(j);
}

/* Every finding, crit first (the view's order). */
static void json_findings(struct json *j, const struct report *r)
{
	char name[96];

	json_arr_begin(j, "findings");
	for (size_t i = 0; i < r->before->n; i++) {
		const struct finding *fd = r->by_severity[i];

		json_obj_begin(j, NULL);
		json_str(j, "id", fd->id);
		json_str(j, "severity", severity_name(fd->sev));
		json_str(j, "title", fd->title);
		json_evidence(j, fd);
		json_str(j, "why", fd->why);
		json_str(j, "advice", fd->advice);
		json_str(j, "application_fix", fd->app_fix[0] ? fd->app_fix : NULL);
		json_obj_begin(j, "fix");
		for (size_t k = 0; k < fd->nfix; k++)
			if (fd->fix[k].key >= 0)
				json_str(j, sysctl_fullname(&sysctl_table[fd->fix[k].key], name,
							    sizeof(name)),
					 fd->fix[k].value);
		json_obj_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void json_diff(struct json *j, const struct report *r)
{
	char name[96];

	json_arr_begin(j, "diff");
	for (size_t i = 0; i < sysctl_count; i++) {
		if (!r->differs[i])
			continue;
		json_obj_begin(j, NULL);
		json_str(j, "key", sysctl_fullname(&sysctl_table[i], name, sizeof(name)));
		json_str(j, "current", r->current->have[i] ? r->current->val[i].text : NULL);
		json_str(j, "target", r->target->val[i].text);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_arr_begin(j, "prediction");
	for (size_t i = 0; i < r->before->n; i++) {
		json_obj_begin(j, NULL);
		json_str(j, "id", r->before->f[i].id);
		json_str(j, "before", severity_name(r->before->f[i].sev));
		json_str(j, "after", severity_name(r->after->f[i].sev));
		json_bool(j, "application_fix_only", r->after->f[i].app_only);
		json_str(j, "effect", r->after->f[i].effect[0] ? r->after->f[i].effect : NULL);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_str(j, "predicted_risk", severity_name(r->after->risk));
	json_arr_begin(j, "unsupported");
	for (const char *const *k = r->unsupported; k && *k; k++)
		json_str(j, NULL, *k);
	json_arr_end(j);
}

void report_diff_json_member(struct json *j, const char *key, const struct report *r)
{
	json_obj_begin(j, key);
	json_int(j, "schema_version", REPORT_SCHEMA_VERSION);
	json_str(j, "profile", r->profile);
	json_str(j, "risk", severity_name(r->before->risk));
	json_diff(j, r);
	json_obj_end(j);
}

void report_diff_json(FILE *f, const struct report *r)
{
	struct json j;

	json_init(&j, f);
	report_diff_json_member(&j, NULL, r);
	json_end(&j);
}

void report_json(FILE *f, const struct report *r)
{
	struct json j;

	json_init(&j, f);
	report_json_member(&j, NULL, r);
	json_end(&j);
}

void report_json_member(struct json *j, const char *key, const struct report *r)
{
	char name[96];

	json_obj_begin(j, key);
	json_int(j, "schema_version", REPORT_SCHEMA_VERSION);
	json_str(j, "kernel", r->kernel);
	json_obj_begin(j, "netns");
	json_str(j, "name", r->netns);
	json_str(j, "id", r->netns_id);
	json_obj_end(j);
	json_obj_begin(j, "sysctl");
	for (size_t i = 0; i < sysctl_count; i++)
		json_sysval(j, sysctl_fullname(&sysctl_table[i], name, sizeof(name)),
			    r->current->have[i] ? &r->current->val[i] : NULL);
	json_obj_end(j);
	json_obj_begin(j, "ephemeral");
	json_uint(j, "low", r->eph.low);
	json_uint(j, "high", r->eph.high);
	json_uint(j, "reserved_in_range", r->eph.high - r->eph.low + 1 - r->usable);
	json_uint(j, "usable", r->usable);
	json_double(j, "capacity_per_second", r->usable / 60.0, 2);
	json_obj_end(j);
	json_obj_begin(j, "close_rate");
	json_double(j, "per_second", r->obs->close_rate, 2);
	json_bool(j, "measured", r->obs->close_rate_measured);
	json_double(j, "interval", r->obs->interval, 1);
	json_obj_end(j);
	if (r->socks)
		sockets_json(j, "sockets", r->socks);
	else
		json_null(j, "sockets");
	if (r->observed)
		observe_json(j, "observed", r->observed, r->top);
	else
		json_null(j, "observed");
	json_str(j, "observed_skipped", r->observe_skipped);
	json_findings(j, r);
	json_str(j, "risk", severity_name(r->before->risk));
	json_obj_begin(j, "suggested");
	for (size_t i = 0; i < sysctl_count && !r->profile; i++)
		if (r->differs[i])
			json_str(j, sysctl_fullname(&sysctl_table[i], name, sizeof(name)),
				 r->target->val[i].text);
	json_obj_end(j);
	json_str(j, "profile", r->profile);
	json_diff(j, r);
	conntrack_json(j, "conntrack", r->nat);
	json_obj_end(j);
}
