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
		/* per port or pool: the headline and its fix lines, in the text's order */
		json_arr_begin(j, "groups");
		for (size_t g = 0; g < fd->ngroup; g++) {
			json_obj_begin(j, NULL);
			json_str(j, "headline", fd->group[g].head);
			json_arr_begin(j, "fixes");
			for (size_t k = 0; k < fd->group[g].nfix; k++)
				json_str(j, NULL, fd->group[g].fix[k]);
			json_arr_end(j);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_str(j, "more_over_threshold", fd->more[0] ? fd->more : NULL);
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

/* {usable, held, reuse, port_seconds, per_second (null: no limit from
 * TIME_WAIT), knee_per_second (null: none)} */
static void json_capacity(struct json *j, const char *key, const struct pool_capacity *c)
{
	json_obj_begin(j, key);
	json_uint(j, "usable", c->usable);
	json_uint(j, "held", c->held);
	json_bool(j, "reuse", c->reuse);
	json_double(j, "port_seconds", c->port_seconds, 3);
	json_double(j, "per_second", c->tw_capped ? NAN : c->sustain, 2);
	json_double(j, "knee_per_second", c->knee > 0 ? c->knee : NAN, 2);
	json_obj_end(j);
}

static void json_pool_key(struct json *j, const struct pool_view *p)
{
	char name[120];

	json_str(j, "pool", dest_key_str(p->d, name, sizeof(name)));
}

/* demand: {per_second, at_least, source} */
static void json_demand(struct json *j, const struct pool_view *p)
{
	json_obj_begin(j, "demand");
	json_double(j, "per_second", p->demand.rate >= 0 ? p->demand.rate : NAN, 2);
	json_bool(j, "at_least", p->demand.at_least);
	json_str(j, "source", p->source);
	json_obj_end(j);
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
	json_arr_begin(j, "pool_prediction");
	for (size_t i = 0; i < r->npools; i++) {
		const struct pool_view *p = &r->pools[i];

		json_obj_begin(j, NULL);
		json_pool_key(j, p);
		json_demand(j, p);
		json_capacity(j, "capacity_before", &p->now);
		json_capacity(j, "capacity_after", &p->after);
		json_double(j, "failure_share_before", p->demand.fail_share, 3);
		json_double(j, "failure_share_after", p->demand_after.fail_share, 3);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_str(j, "listeners_covered", r->covered[0] ? r->covered : NULL);
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
	json_uint(j, "held", r->cap_now.held);
	json_double(j, "capacity_per_second", r->cap_now.tw_capped ? NAN : r->cap_now.sustain, 2);
	json_double(j, "knee_per_second", r->cap_now.knee > 0 ? r->cap_now.knee : NAN, 2);
	json_obj_end(j);
	json_obj_begin(j, "close_rate");
	json_double(j, "per_second", r->obs->close_rate, 2);
	json_bool(j, "measured", r->obs->close_rate_measured);
	json_double(j, "interval", r->obs->interval, 1);
	json_str(j, "source", r->rate_source);
	json_double(j, "connects_per_second", r->obs->close_rate_measured && r->obs->open_rate >= 0 ? r->obs->open_rate : NAN, 2);
	json_double(j, "reused_per_second", r->obs->close_rate_measured && r->obs->recycled_rate >= 0 ? r->obs->recycled_rate : NAN, 2);
	json_obj_end(j);
	json_arr_begin(j, "pools");
	for (size_t i = 0; i < r->npools; i++) {
		const struct pool_view *p = &r->pools[i];

		json_obj_begin(j, NULL);
		json_pool_key(j, p);
		json_uint(j, "used", p->d->used);
		json_capacity(j, "capacity", &p->now);
		json_demand(j, p);
		json_double(j, "failure_share", p->demand.fail_share, 3);
		json_obj_end(j);
	}
	json_arr_end(j);
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
