// SPDX-License-Identifier: GPL-2.0
/*
 * Alerts are built in probe context and sent from process context, in
 * batches: one multicast skb carries several VIGIL_CMD_ALERT messages.
 *
 * The engine's alert callback runs in atomic context with an engine lock
 * held.  It writes the complete VIGIL_CMD_ALERT message straight into
 * the batch at the tail of a queue (a new batch, one 8 KiB object, is
 * allocated GFP_ATOMIC, never waiting, when the tail has no room).  No
 * alert is bigger than VIGIL_ALERT_MAX_SIZE, so every one fits a batch:
 * the event values are shared out by water-filling (every event, and in
 * it every value, gets a fair share, a long argv cannot crowd out the
 * rest) and the alert says VIGIL_ALERT_F_CUT when something was cut.
 * A work item
 * multicasts the queued batches to the "alerts" group with GFP_KERNEL,
 * one datagram per batch, so a listener does one recvmsg() per batch.
 * The work runs a jiffy after the first alert of a quiet queue, so that
 * a burst shares datagrams, and at once when many batches are waiting.
 *
 * Fairness, so that one user's cheap alerts cannot push out real ones:
 *   - each rule may alert alert_rate times a second; more are suppressed,
 *     counted in alerts_suppressed, and the rule's next alert carries
 *     their number (VIGIL_A_ALERT_SUPPRESSED, the "suppressed N"
 *     summary).  Suppressed alerts take no sequence number;
 *   - low and medium alerts may fill the queue only up to
 *     alert_queue_max less alert_reserve_pct percent; the rest is kept
 *     for high and critical ones.
 *
 * Accounting, so that alerts_dropped is exactly the alerts a listener
 * did not get (and every match while someone listens is sent,
 * suppressed or dropped):
 *   - every alert built for a listener takes the next sequence number
 *     first, so a loss anywhere later leaves a gap;
 *   - the queue full for its severity, or the batch allocation failed:
 *     dropped;
 *   - netlink_broadcast() -ENOBUFS (a listener's receive buffer was
 *     full): every alert of the batch dropped, none sent;
 *   - -ESRCH (the last listener left while the batch was queued):
 *     every alert of the batch dropped;
 *   - delivered: every alert of the batch sent.  So every sequence
 *     number is either sent or dropped; a listener killed with sent
 *     alerts unread in its socket loses them after the kernel's count;
 *   - when nobody listens at all (genl_has_listeners() is false), no
 *     message is built and no sequence number is used.  Rule hit
 *     counters still count the match.
 */
#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/moduleparam.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <linux/atomic.h>
#include <net/genetlink.h>
#include "detect.h"

/*
 * A batch skb: 8 KiB of data and skb_shared_info, one kmalloc-8k
 * object.  Every alert fits one (VIGIL_ALERT_MAX_SIZE): the event values
 * are cut to fit, so no alert needs a bigger atomic allocation.
 */
#define VIGIL_ALERT_BATCH SKB_WITH_OVERHEAD(8192)

/* Send at once, without the one-jiffy wait, from this many batches. */
#define VIGIL_ALERT_BATCHES_NOW 32

/* Below this much room per event, the rule's own strings are too long. */
#define VIGIL_ALERT_EVENT_MIN 256

static unsigned int alert_queue_max = 4096;
module_param(alert_queue_max, uint, 0444);
MODULE_PARM_DESC(
	alert_queue_max,
	"Alerts queued for sending before new ones are dropped (default 4096)");

static unsigned int alert_reserve_pct = 25;
module_param(alert_reserve_pct, uint, 0444);
MODULE_PARM_DESC(
	alert_reserve_pct,
	"Percent of alert_queue_max kept for high and critical alerts: low and medium ones are dropped when the rest is full (0..90, default 25)");

static unsigned int alert_rate = 100;
module_param(alert_rate, uint, 0444);
MODULE_PARM_DESC(
	alert_rate,
	"Alerts per rule per second; more are suppressed and summarized in the rule's next alert (0: no limit; default 100)");

/* A queued batch: how many alerts it carries.  Cleared before sending. */
struct alertq_cb {
	u32 alerts;
};

#define ALERTQ_CB(skb) ((struct alertq_cb *)(skb)->cb)

static struct sk_buff_head vigil_alertq; /* lock: also guards below */
static unsigned int vigil_alertq_alerts; /* alerts in vigil_alertq */
static unsigned int vigil_alertq_low_max; /* limit for low and medium */
static struct delayed_work vigil_alertq_work;
static atomic64_t vigil_alert_seq = ATOMIC64_INIT(0);

/**
 * struct rule_rate - the rate limit of one rule (by index in the engine)
 * @window: jiffies at which the current one-second window began
 * @sent: alerts let through in the current window
 * @held: alerts suppressed since the rule's last alert went out; carried
 *        by the next one as VIGIL_A_ALERT_SUPPRESSED
 *
 * Lock-free: probes on several CPUs may race on a window change and let
 * one or two alerts more through, never fewer.
 */
struct rule_rate {
	unsigned long window;
	atomic_t sent;
	atomic_t held;
};

static struct rule_rate vigil_rule_rates[VIGIL_RS_MAX_RULES];

/*
 * Alerts queued changed by @n: the count the limit is checked against,
 * and the alerts_pending gauge.  Under vigil_alertq.lock.
 */
static void queued_add(int n)
{
	lockdep_assert_held(&vigil_alertq.lock);
	WRITE_ONCE(vigil_alertq_alerts, vigil_alertq_alerts + n);
	vigil_stat_add(VIGIL_STAT_ALERTS_PENDING, (u64)(s64)n);
}

static void drop_one(void)
{
	atomic64_inc(&vigil_alert_seq);
	vigil_stat_inc(VIGIL_STAT_ALERTS_DROPPED);
}

/* Low and medium alerts leave alert_reserve_pct of the queue free. */
static unsigned int queue_limit(u8 severity)
{
	return severity >= VIGIL_SEV_HIGH ? READ_ONCE(alert_queue_max) :
					    READ_ONCE(vigil_alertq_low_max);
}

/*
 * May rule @rule alert now?  When it may, *@summary is what it held back
 * since its last alert, for this alert to carry.
 */
static bool rate_allow(u32 rule, u32 *summary)
{
	unsigned int rate = READ_ONCE(alert_rate);
	unsigned long now = jiffies, w;
	struct rule_rate *r;

	*summary = 0;
	if (!rate || rule >= ARRAY_SIZE(vigil_rule_rates))
		return true;
	r = &vigil_rule_rates[rule];
	w = READ_ONCE(r->window);
	if (time_after_eq(now, w + HZ) && cmpxchg(&r->window, w, now) == w)
		atomic_set(&r->sent, 0);
	if (atomic_inc_return(&r->sent) > rate) {
		atomic_inc(&r->held);
		vigil_stat_inc(VIGIL_STAT_ALERTS_SUPPRESSED);
		return false;
	}
	*summary = atomic_xchg(&r->held, 0);
	return true;
}

/* The alert that was to carry @summary did not go out: the next one will. */
static void rate_give_back(u32 rule, u32 summary)
{
	if (summary && rule < ARRAY_SIZE(vigil_rule_rates))
		atomic_add(summary, &vigil_rule_rates[rule].held);
}

/* Whole attributes of an encoded event that fit @cap; to @out if not NULL. */
static u32 prior_fit(const u8 *ev, u32 len, u32 cap, u8 *out)
{
	u32 off = 0, n = 0;

	while (len - off >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)(ev + off);
		u32 sz = NLA_ALIGN(a->nla_len);

		if (a->nla_len < NLA_HDRLEN || sz > len - off)
			break; /* cannot happen: vigil_event_encode() wrote it */
		if (sz <= cap - n) {
			if (out)
				memcpy(out + n, a, sz);
			n += sz;
		}
		off += sz;
	}
	return n;
}

/* What an alert needs, worked out before the queue lock is taken. */
struct alert_desc {
	const struct vigil_match *m;
	struct vigil_rule_info ri;
	u32 suppressed; /* the "suppressed N" summary, or 0 */
	u32 flags; /* VIGIL_ALERT_F_* */
	u32 n_events; /* the priors, then the final event */
	u32 cap[VIGIL_RS_MAX_STEPS]; /* room for each event's payload */
	u32 size; /* the whole netlink message, aligned */
};

/*
 * Shares @budget among @n events that need @need bytes each, by
 * water-filling: an event that needs less than an equal share gets all
 * it needs, the rest share what is left.  Caps are 4-byte multiples.
 * Return: true when some event got less than it needs.
 */
static bool share_room(const u32 *need, u32 *cap, u32 n, u32 budget)
{
	u32 done = 0, left = n, share, i;
	bool again = true;

	while (again && left) {
		again = false;
		share = budget / left;
		for (i = 0; i < n; i++) {
			if (done & BIT(i) || need[i] > share)
				continue;
			cap[i] = need[i];
			budget -= need[i];
			done |= BIT(i);
			left--;
			again = true;
		}
	}
	for (i = 0; i < n; i++)
		if (!(done & BIT(i)))
			cap[i] = (budget / left) & ~(NLA_ALIGNTO - 1);
	return left;
}

/* Bytes of a threshold alert's VIGIL_A_THRESHOLD nest. */
static u32 thr_size(const struct vigil_thr_result *r)
{
	if (!r)
		return 0;
	return nla_total_size(0) + 2 * nla_total_size_64bit(sizeof(u64)) +
	       nla_total_size(VIGIL_RS_MAX_THR_FIELDS) +
	       nla_total_size(sizeof(u8));
}

static int put_threshold(struct sk_buff *skb, const struct vigil_thr_result *r)
{
	const struct vigil_rs_threshold *t = r->spec;
	struct nlattr *nest = nla_nest_start(skb, VIGIL_A_THRESHOLD);

	if (!nest ||
	    nla_put_u64_64bit(skb, VIGIL_THA_COUNT, r->count, VIGIL_THA_PAD) ||
	    (t->n_fields &&
	     nla_put(skb, VIGIL_THA_FIELDS, t->n_fields, t->fields)) ||
	    (t->card_value &&
	     (nla_put_u64_64bit(skb, VIGIL_THA_CARDINALITY, r->cardinality,
				VIGIL_THA_PAD) ||
	      nla_put_u8(skb, VIGIL_THA_CARD_FIELD, t->card_field))))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int alert_size(const struct vigil_match *m, struct alert_desc *d)
{
	u32 need[VIGIL_RS_MAX_STEPS], i, n_prior, fixed, budget;

	d->m = m;
	n_prior = min_t(u32, m->n_prior, VIGIL_RS_MAX_STEPS - 1);
	d->n_events = n_prior + 1;
	for (i = 0; i < n_prior; i++)
		need[i] = NLA_ALIGN(m->prior_len[i]);
	need[n_prior] = vigil_event_encoded_size(m->event);
	fixed = 2 * nla_total_size_64bit(sizeof(u64)) + nla_total_size(0) +
		4 * nla_total_size(sizeof(u8)) +
		nla_total_size(strlen(d->ri.id) + 1) +
		nla_total_size(strlen(d->ri.name ?: "") + 1) +
		nla_total_size(strlen(d->ri.threat ?: "") + 1) +
		nla_total_size_64bit(sizeof(u64)) +
		nla_total_size(sizeof(u32)) + d->n_events * NLA_HDRLEN +
		thr_size(m->thr);
	fixed = nlmsg_total_size(GENL_HDRLEN + fixed);
	if (fixed + d->n_events * VIGIL_ALERT_EVENT_MIN > VIGIL_ALERT_MAX_SIZE)
		return -EMSGSIZE;
	budget = VIGIL_ALERT_MAX_SIZE - fixed;
	if (share_room(need, d->cap, d->n_events, budget))
		d->flags |= VIGIL_ALERT_F_CUT;
	d->size = fixed;
	for (i = 0; i < n_prior; i++) {
		if (d->cap[i] < need[i])
			d->cap[i] = prior_fit(m->prior[i], m->prior_len[i],
					      d->cap[i], NULL);
		d->size += d->cap[i];
	}
	d->size += d->cap[n_prior];
	return 0;
}

/*
 * Appends the message to @skb, which has room for d->size.  Takes the
 * alert's sequence number, also when it fails.
 */
static int alert_put(struct sk_buff *skb, const struct alert_desc *d)
{
	u64 seq = atomic64_inc_return(&vigil_alert_seq);
	const struct vigil_match *m = d->m;
	u32 i, last = d->n_events - 1, n;
	struct nlattr *nla;
	void *hdr;

	hdr = vigil_netlink_alert_put(skb);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, VIGIL_A_ALERT_SEQ, seq, VIGIL_A_PAD) ||
	    nla_put_u64_64bit(skb, VIGIL_A_ALERT_DROPPED,
			      vigil_stat_read(VIGIL_STAT_ALERTS_DROPPED),
			      VIGIL_A_PAD) ||
	    (d->suppressed && nla_put_u64_64bit(skb, VIGIL_A_ALERT_SUPPRESSED,
						d->suppressed, VIGIL_A_PAD)) ||
	    (d->flags && nla_put_u32(skb, VIGIL_A_ALERT_FLAGS, d->flags)) ||
	    vigil_netlink_put_rule(skb, &d->ri, NULL, 0) ||
	    (m->thr && put_threshold(skb, m->thr)))
		goto err_cancel;
	for (i = 0; i < last; i++) {
		nla = nla_reserve(skb, VIGIL_A_EVENT | NLA_F_NESTED, d->cap[i]);
		if (!nla)
			goto err_cancel;
		if (d->cap[i] == NLA_ALIGN(m->prior_len[i]))
			memcpy(nla_data(nla), m->prior[i], m->prior_len[i]);
		else
			prior_fit(m->prior[i], m->prior_len[i], d->cap[i],
				  nla_data(nla));
	}
	/* The final event, encoded straight into the message. */
	nla = nla_reserve(skb, VIGIL_A_EVENT | NLA_F_NESTED, d->cap[last]);
	if (!nla)
		goto err_cancel;
	n = vigil_event_encode(m->event, nla_data(nla), d->cap[last]);
	if (WARN_ON_ONCE(n > d->cap[last]))
		goto err_cancel;
	/* Give back the reserved space the encoding did not use. */
	memset((u8 *)nla_data(nla) + n, 0, nla_padlen(n));
	nla->nla_len = nla_attr_size(n);
	skb_trim(skb, (unsigned char *)nla + nla_total_size(n) - skb->data);
	genlmsg_end(skb, hdr);
	return 0;

err_cancel:
	/* Cannot happen: d->size is an upper bound. */
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/*
 * Appends to the tail batch, or to @fresh (then queued) when the tail has
 * no room; the message is built under the lock, in stream order, and is
 * at most VIGIL_ALERT_MAX_SIZE.  Return: 0 when queued, -ENOSPC when the
 * queue is full for this severity, -EAGAIN when a new batch is needed
 * and @fresh is NULL, -EMSGSIZE.  *@batches is the number of batches
 * queued.
 */
static int alert_queue(const struct alert_desc *d, struct sk_buff **fresh,
		       u32 *batches)
{
	struct sk_buff *skb;
	unsigned long flags;
	int err = 0;

	spin_lock_irqsave(&vigil_alertq.lock, flags);
	if (vigil_alertq_alerts >= queue_limit(d->ri.severity)) {
		err = -ENOSPC;
		goto out_unlock;
	}
	skb = skb_peek_tail(&vigil_alertq);
	if (!skb || skb_tailroom(skb) < d->size) {
		skb = *fresh;
		if (!skb) {
			err = -EAGAIN;
			goto out_unlock;
		}
		*fresh = NULL;
		ALERTQ_CB(skb)->alerts = 0;
		__skb_queue_tail(&vigil_alertq, skb);
	}
	err = alert_put(skb, d);
	if (!err) {
		ALERTQ_CB(skb)->alerts++;
		queued_add(1);
	}
	*batches = skb_queue_len(&vigil_alertq);
out_unlock:
	spin_unlock_irqrestore(&vigil_alertq.lock, flags);
	return err;
}

/**
 * vigil_alertq_alert() - queue an alert for the "alerts" group
 * @e: the engine that matched
 * @m: the match
 *
 * Engine alert callback: atomic context, an engine lock held.  Never
 * waits; a full queue or a failed allocation counts the alert dropped,
 * the rule's rate limit counts it suppressed.
 */
void vigil_alertq_alert(struct vigil_engine *e, const struct vigil_match *m)
{
	struct sk_buff *fresh = NULL;
	struct alert_desc d = {};
	u32 batches = 0;
	int err;

	if (!vigil_netlink_has_listeners())
		return;
	if (!rate_allow(m->rule, &d.suppressed))
		return;
	vigil_engine_rule_info(e, m->rule, &d.ri);
	if (READ_ONCE(vigil_alertq_alerts) >= queue_limit(d.ri.severity) ||
	    alert_size(m, &d)) {
		/* Still uses a sequence number: the gap shows the loss. */
		rate_give_back(m->rule, d.suppressed);
		drop_one();
		return;
	}
	err = alert_queue(&d, &fresh, &batches);
	if (err == -EAGAIN) {
		/* Allocated unlocked; the second try cannot say EAGAIN. */
		fresh = alloc_skb(VIGIL_ALERT_BATCH, GFP_ATOMIC | __GFP_NOWARN);
		err = fresh ? alert_queue(&d, &fresh, &batches) : -ENOMEM;
		kfree_skb(fresh);
	}
	if (err) {
		rate_give_back(m->rule, d.suppressed);
		if (err == -EMSGSIZE)
			/* its sequence number was taken: the gap is there */
			vigil_stat_inc(VIGIL_STAT_ALERTS_DROPPED);
		else
			drop_one();
		return;
	}
	/*
	 * A jiffy's wait lets a burst share datagrams; several full batches
	 * go at once (the racy checks only spare mod_delayed_work() calls).
	 */
	if (batches < VIGIL_ALERT_BATCHES_NOW)
		schedule_delayed_work(&vigil_alertq_work, 1);
	else if (!delayed_work_pending(&vigil_alertq_work) ||
		 timer_pending(&vigil_alertq_work.timer))
		mod_delayed_work(system_wq, &vigil_alertq_work, 0);
}

static void alertq_send(struct work_struct *work)
{
	struct sk_buff *skb;
	unsigned long flags;
	u32 n, sent = 0;
	int err;

	for (;;) {
		spin_lock_irqsave(&vigil_alertq.lock, flags);
		skb = __skb_dequeue(&vigil_alertq);
		n = skb ? ALERTQ_CB(skb)->alerts : 0;
		queued_add(-(int)n);
		spin_unlock_irqrestore(&vigil_alertq.lock, flags);
		if (!skb)
			break;
		/* The control block is netlink's from here on. */
		memset(skb->cb, 0, sizeof(skb->cb));
		if (!n) {
			kfree_skb(skb);
			continue;
		}
		/*
		 * -ESRCH (the last listener left since the alerts were
		 * queued) drops them too: they have sequence numbers.
		 */
		err = vigil_netlink_multicast(skb);
		vigil_stat_add(err ? VIGIL_STAT_ALERTS_DROPPED :
				     VIGIL_STAT_ALERTS_SENT,
			       n);
		/* Not after every batch: a woken listener reads several. */
		if (!(++sent % VIGIL_ALERT_BATCHES_NOW))
			cond_resched();
	}
}

/**
 * vigil_alertq_rules_changed() - a new ruleset was published
 *
 * Rule indexes mean other rules from now on: every rule's rate limit
 * starts afresh.  A summary not yet sent is lost with the old ruleset;
 * its alerts stay counted in alerts_suppressed.  Process context; probes
 * racing with this may see a half-reset slot, which only lets an alert
 * more through.
 */
void vigil_alertq_rules_changed(void)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(vigil_rule_rates); i++) {
		WRITE_ONCE(vigil_rule_rates[i].window, jiffies);
		atomic_set(&vigil_rule_rates[i].sent, 0);
		atomic_set(&vigil_rule_rates[i].held, 0);
	}
}

/**
 * vigil_alertq_flush() - send what is queued and stop the work
 *
 * Called once capture is stopped, so no new alert can be queued; on
 * return nothing of the queue is in flight.
 */
void vigil_alertq_flush(void)
{
	unsigned long flags;

	flush_delayed_work(&vigil_alertq_work);
	cancel_delayed_work_sync(&vigil_alertq_work);
	spin_lock_irqsave(&vigil_alertq.lock, flags);
	__skb_queue_purge(&vigil_alertq);
	queued_add(-(int)vigil_alertq_alerts);
	spin_unlock_irqrestore(&vigil_alertq.lock, flags);
}

/**
 * vigil_alertq_init() - set up the empty queue
 *
 * Return: 0, or -EINVAL for a bad module parameter.
 */
int vigil_alertq_init(void)
{
	if (!alert_queue_max || alert_reserve_pct > 90) {
		pr_err("vigil: alert_queue_max must be > 0 and alert_reserve_pct at most 90\n");
		return -EINVAL;
	}
	BUILD_BUG_ON(sizeof(struct alertq_cb) >
		     sizeof_field(struct sk_buff, cb));
	BUILD_BUG_ON(VIGIL_ALERT_MAX_SIZE > VIGIL_ALERT_BATCH);
	BUILD_BUG_ON(VIGIL_RS_MAX_STEPS > 32);
	vigil_alertq_low_max =
		alert_queue_max -
		(u32)div_u64((u64)alert_queue_max * alert_reserve_pct, 100);
	if (!vigil_alertq_low_max)
		vigil_alertq_low_max = 1;
	vigil_alertq_rules_changed();
	skb_queue_head_init(&vigil_alertq);
	INIT_DELAYED_WORK(&vigil_alertq_work, alertq_send);
	return 0;
}

/**
 * vigil_alertq_uninit() - drop whatever is left
 */
void vigil_alertq_uninit(void)
{
	vigil_alertq_flush();
}
