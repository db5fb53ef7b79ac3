/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A model of Elasticsearch's EQL sequence matcher, written for the
 * differential test (test_seq_diff.c) from Elasticsearch's algorithm,
 * x-pack/plugin/eql/.../execution/sequence/SequenceMatcher.java and
 * SequenceGroup.java, not from vigil's code:
 *
 *  - a query's steps are expanded into stages (`with runs=N` is N copies
 *    of the step);
 *  - an event is tried at every stage, from the last down to 0;
 *  - stage 0: trackSequence() starts a new sequence in the group of
 *    (stage 0, key);
 *  - stage s > 0: match() looks in the group of (stage s - 1, key) for
 *    the sequence with the greatest ordinal before the event's
 *    (SequenceGroup.before()), removes it and every older one from the
 *    group (trim), then rejects it when the event is more than maxspan
 *    after the sequence's first event; otherwise puts the event in the
 *    sequence, which completes at the last stage or joins the group of
 *    (stage s, key);
 *  - keys are the values of the step's `by` fields compared by position,
 *    type and value (SequenceKey.equals() over the value array).
 *
 * An ordinal is (timestamp, arrival position).  In ORDERED mode the
 * events are first sorted by timestamp, ties in arrival order, as
 * Elasticsearch sorts a search; groups keep every sequence.  In ARRIVAL
 * mode events are taken as they come, as a kernel sees them, and a group
 * keeps only the sequence added last (a group of one); the ordinal test
 * of before() still applies.
 *
 * Events are records of a few named fields; a step matches when the
 * event's name is in the step's name list.  Everything is small and
 * linear: the streams are short.
 */
#ifndef VIGIL_SEQ_MODEL_H
#define VIGIL_SEQ_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SM_MAX_EVENTS 64
#define SM_MAX_STEPS 4
#define SM_MAX_STAGES 8
#define SM_MAX_BY 2
#define SM_MAX_SEQS 1024

/* the event fields a model step can join on */
enum sm_field {
	SM_ENTITY,	  /* process.entity_id, string */
	SM_PARENT_ENTITY, /* process.parent.entity_id, string */
	SM_PID,		  /* process.pid, number */
	SM_PARENT_PID,	  /* process.parent.pid, number */
	SM_EXE,		  /* process.executable, string */
	SM_NFIELDS,
};

struct sm_event {
	uint64_t ts; /* ns */
	char name[8];
	/* string fields: "" when absent; number fields: has_* */
	char entity[8], parent_entity[8], exe[8];
	uint64_t pid, parent_pid;
	bool has_pid, has_parent_pid;
	int id; /* arrival position, also its command_line "ev<id>" */
};

struct sm_step {
	const char *names[3]; /* matches when the name is one of these */
	int n_by;
	enum sm_field by[SM_MAX_BY];
	int runs;
};

struct sm_rule {
	const char *name;
	uint64_t maxspan_ns;
	int n_steps;
	struct sm_step steps[SM_MAX_STEPS];
};

struct sm_seq {
	bool live;
	int rule, stage; /* the group it is in: (rule, stage, key) */
	char key[64];
	uint64_t start_ts;
	uint64_t ord_ts; /* ordinal of its latest event */
	int ord_pos;
	int ev[SM_MAX_STAGES]; /* event id per stage */
	long seq_no; /* insertion order into its group */
};

struct sm_alert {
	int rule;
	int n;
	int ev[SM_MAX_STEPS]; /* per step: the event of its last stage */
};

struct sm_state {
	struct sm_seq seqs[SM_MAX_SEQS];
	long next_no;
	bool arrival; /* ARRIVAL mode: groups of one */
	int hi; /* seqs[hi..] were never used */
};

static bool sm_key(const struct sm_step *st, const struct sm_event *ev,
		   char *out, size_t len)
{
	size_t o = 0;
	int i;

	out[0] = 0;
	for (i = 0; i < st->n_by; i++) {
		const char *s = NULL;
		uint64_t n = 0;
		bool num = false, has = true;

		switch (st->by[i]) {
		case SM_ENTITY: s = ev->entity; break;
		case SM_PARENT_ENTITY: s = ev->parent_entity; break;
		case SM_EXE: s = ev->exe; break;
		case SM_PID: num = true; n = ev->pid; has = ev->has_pid; break;
		case SM_PARENT_PID:
			num = true;
			n = ev->parent_pid;
			has = ev->has_parent_pid;
			break;
		default: return false;
		}
		if (s && !*s)
			has = false;
		if (!has)
			return false;
		if (num)
			o += snprintf(out + o, len - o, "n:%llu|",
				      (unsigned long long)n);
		else
			o += snprintf(out + o, len - o, "s:%s|", s);
	}
	return true;
}

static bool sm_match(const struct sm_step *st, const struct sm_event *ev)
{
	int i;

	for (i = 0; i < 3 && st->names[i]; i++)
		if (!strcmp(st->names[i], ev->name))
			return true;
	return false;
}

static int sm_stages(const struct sm_rule *r, int *step_of)
{
	int k, c, n = 0;

	for (k = 0; k < r->n_steps; k++)
		for (c = 0; c < r->steps[k].runs; c++)
			step_of[n++] = k;
	return n;
}

/* ordinal a < ordinal b */
static bool sm_before(uint64_t ats, int apos, uint64_t bts, int bpos)
{
	return ats < bts || (ats == bts && apos < bpos);
}

static struct sm_seq *sm_new(struct sm_state *m)
{
	int i;

	for (i = 0; i < SM_MAX_SEQS; i++)
		if (!m->seqs[i].live) {
			memset(&m->seqs[i], 0, sizeof(m->seqs[i]));
			m->seqs[i].live = true;
			if (i >= m->hi)
				m->hi = i + 1;
			return &m->seqs[i];
		}
	fprintf(stderr, "seq_model: out of sequences\n");
	abort();
}

/* SequenceGroup.add(): in ARRIVAL mode the group keeps this one only. */
static void sm_group_add(struct sm_state *m, struct sm_seq *s, int rule,
			 int stage, const char *key)
{
	int i;

	if (m->arrival)
		for (i = 0; i < m->hi; i++) {
			struct sm_seq *o = &m->seqs[i];

			if (o != s && o->live && o->rule == rule &&
			    o->stage == stage && !strcmp(o->key, key))
				o->live = false;
		}
	s->rule = rule;
	s->stage = stage;
	snprintf(s->key, sizeof(s->key), "%s", key);
	s->seq_no = m->next_no++;
}

/*
 * SequenceGroup.before() and trim(): the sequence of (rule, stage, key)
 * with the greatest ordinal before (ts, pos); it and every older one
 * leave the group.
 */
static struct sm_seq *sm_take_before(struct sm_state *m, int rule, int stage,
				     const char *key, uint64_t ts, int pos)
{
	struct sm_seq *best = NULL;
	int i;

	for (i = 0; i < m->hi; i++) {
		struct sm_seq *s = &m->seqs[i];

		if (!s->live || s->rule != rule || s->stage != stage ||
		    strcmp(s->key, key) ||
		    !sm_before(s->ord_ts, s->ord_pos, ts, pos))
			continue;
		if (!best || sm_before(best->ord_ts, best->ord_pos, s->ord_ts,
				       s->ord_pos))
			best = s;
	}
	if (!best)
		return NULL;
	for (i = 0; i < m->hi; i++) {
		struct sm_seq *s = &m->seqs[i];

		if (s != best && s->live && s->rule == rule &&
		    s->stage == stage && !strcmp(s->key, key) &&
		    sm_before(s->ord_ts, s->ord_pos, best->ord_ts,
			      best->ord_pos))
			s->live = false;
	}
	best->live = false; /* the caller re-adds it when it advances */
	return best;
}

/*
 * Runs @n events of @evs (in the order given, positions 0..n-1) through
 * @n_rules rules; fills @alerts (at most @max) in the order they fire.
 * Return: the number of alerts.
 */
static int sm_run(struct sm_state *m, const struct sm_rule *rules,
		  int n_rules, const struct sm_event *evs, int n,
		  struct sm_alert *alerts, int max)
{
	int p, r, s, n_alerts = 0;

	for (p = 0; p < n; p++) {
		const struct sm_event *ev = &evs[p];

		for (r = 0; r < n_rules; r++) {
			const struct sm_rule *ru = &rules[r];
			int step_of[SM_MAX_STAGES];
			int n_st = sm_stages(ru, step_of);

			for (s = n_st - 1; s >= 0; s--) {
				const struct sm_step *st =
					&ru->steps[step_of[s]];
				struct sm_seq *q;
				char key[64];

				if (!sm_match(st, ev) ||
				    !sm_key(st, ev, key, sizeof(key)))
					continue;
				if (s == 0) { /* trackSequence() */
					q = sm_new(m);
					q->start_ts = ev->ts;
					q->ord_ts = ev->ts;
					q->ord_pos = p;
					q->ev[0] = ev->id;
					sm_group_add(m, q, r, 0, key);
					continue;
				}
				q = sm_take_before(m, r, s - 1, key, ev->ts, p);
				if (!q)
					continue;
				if (ev->ts - q->start_ts > ru->maxspan_ns)
					continue; /* rejected, already trimmed */
				q->ev[s] = ev->id;
				q->ord_ts = ev->ts;
				q->ord_pos = p;
				if (s < n_st - 1) {
					q->live = true;
					sm_group_add(m, q, r, s, key);
					continue;
				}
				if (n_alerts < max) {
					struct sm_alert *a = &alerts[n_alerts];
					int k;

					a->rule = r;
					a->n = ru->n_steps;
					for (k = 0; k < n_st; k++)
						a->ev[step_of[k]] = q->ev[k];
				}
				n_alerts++;
			}
		}
	}
	return n_alerts;
}

/* Stable sort by timestamp (insertion sort: streams are short). */
static void sm_sort(struct sm_event *evs, int n)
{
	int i, j;

	for (i = 1; i < n; i++) {
		struct sm_event x = evs[i];

		for (j = i; j > 0 && evs[j - 1].ts > x.ts; j--)
			evs[j] = evs[j - 1];
		evs[j] = x;
	}
}

#endif /* VIGIL_SEQ_MODEL_H */
