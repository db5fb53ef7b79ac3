// SPDX-License-Identifier: GPL-2.0
/*
 * Alerts are built in probe context and sent from process context.
 *
 * The engine's alert callback runs in atomic context with an engine lock
 * held.  It builds the complete VIGIL_CMD_ALERT message at once
 * (GFP_ATOMIC, no waiting) and puts it on a bounded queue; a work item
 * multicasts the queued messages to the "alerts" group with GFP_KERNEL.
 *
 * Accounting, so that alerts_dropped is exactly the alerts a listener
 * did not get:
 *   - every alert built for a listener takes the next sequence number
 *     first, so a loss anywhere later leaves a gap;
 *   - queue full or allocation failure: dropped;
 *   - netlink_broadcast() -ENOBUFS (a listener's receive buffer was
 *     full): dropped, not sent;
 *   - delivered: sent;
 *   - -ESRCH (the last listener left while the alert was queued): neither;
 *   - when nobody listens at all (genl_has_listeners() is false), no
 *     message is built and no sequence number is used.  Rule hit
 *     counters still count the match.
 */
#include <linux/kernel.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <linux/atomic.h>
#include <net/genetlink.h>
#include "detect.h"

/* An event nest must fit the 16-bit nla_len. */
#define VIGIL_ALERT_EVENT_MAX ((U16_MAX - NLA_HDRLEN) & ~(NLA_ALIGNTO - 1))

static struct sk_buff_head vigil_alertq;
static struct work_struct vigil_alertq_work;
static atomic64_t vigil_alert_seq = ATOMIC64_INIT(0);

static void drop_one(void)
{
	vigil_stat_inc(VIGIL_STAT_ALERTS_DROPPED);
}

/* Upper bound of what vigil_event_encode() writes for @ev. */
static u32 event_size(const struct vigil_event *ev)
{
	u32 size = 0;
	int f;

	for (f = VIGIL_F_UNSPEC + 1; f <= VIGIL_F_MAX; f++) {
		if (!(ev->present & (1ULL << f)))
			continue;
		if (vigil_field_type(f) == VIGIL_FT_NUM)
			size += nla_total_size_64bit(sizeof(u64));
		else
			size += nla_total_size(ev->v[f].len);
	}
	size += 64;
	return min_t(u32, size, VIGIL_ALERT_EVENT_MAX);
}

/* The final event, encoded straight into the message. */
static int put_event(struct sk_buff *skb, const struct vigil_event *ev, u32 cap)
{
	struct nlattr *nla;
	u32 n;

	nla = nla_reserve(skb, VIGIL_A_EVENT | NLA_F_NESTED, cap);
	if (!nla)
		return -EMSGSIZE;
	n = vigil_event_encode(ev, nla_data(nla), cap);
	if (WARN_ON_ONCE(n > cap))
		return -EMSGSIZE;
	/* Give back the reserved space the encoding did not use. */
	memset((u8 *)nla_data(nla) + n, 0, nla_padlen(n));
	nla->nla_len = nla_attr_size(n);
	skb_trim(skb, (unsigned char *)nla + nla_total_size(n) - skb->data);
	return 0;
}

static struct sk_buff *alert_build(struct vigil_engine *e,
				   const struct vigil_match *m)
{
	struct vigil_rule_info ri = {};
	struct sk_buff *skb;
	size_t payload;
	u32 cap, i;
	void *hdr;

	vigil_engine_rule_info(e, m->rule, &ri);
	cap = event_size(m->event);
	payload = 2 * nla_total_size_64bit(sizeof(u64)) + nla_total_size(0) +
		  3 * nla_total_size(sizeof(u8)) +
		  nla_total_size(strlen(ri.id) + 1) +
		  nla_total_size(strlen(ri.name) + 1) +
		  nla_total_size(strlen(ri.threat ?: "") + 1) +
		  nla_total_size(cap);
	for (i = 0; i < m->n_prior && i < VIGIL_RS_MAX_STEPS; i++) {
		if (m->prior_len[i] > VIGIL_ALERT_EVENT_MAX)
			return NULL;
		payload += nla_total_size(m->prior_len[i]);
	}

	skb = vigil_netlink_alert_new(payload, &hdr);
	if (!skb)
		return NULL;
	if (nla_put_u64_64bit(skb, VIGIL_A_ALERT_SEQ,
			      atomic64_inc_return(&vigil_alert_seq),
			      VIGIL_A_PAD) ||
	    nla_put_u64_64bit(skb, VIGIL_A_ALERT_DROPPED,
			      vigil_stat_read(VIGIL_STAT_ALERTS_DROPPED),
			      VIGIL_A_PAD) ||
	    vigil_netlink_put_rule(skb, &ri, NULL, 0))
		goto err_free;
	for (i = 0; i < m->n_prior && i < VIGIL_RS_MAX_STEPS; i++) {
		struct nlattr *nla;

		nla = nla_reserve(skb, VIGIL_A_EVENT | NLA_F_NESTED,
				  m->prior_len[i]);
		if (!nla)
			goto err_free;
		memcpy(nla_data(nla), m->prior[i], m->prior_len[i]);
	}
	if (put_event(skb, m->event, cap))
		goto err_free;
	genlmsg_end(skb, hdr);
	return skb;

err_free:
	nlmsg_free(skb);
	return NULL;
}

/**
 * vigil_alertq_alert() - queue an alert for the "alerts" group
 * @e: the engine that matched
 * @m: the match
 *
 * Engine alert callback: atomic context, an engine lock held.  Never
 * waits; a full queue or a failed allocation counts the alert dropped.
 */
void vigil_alertq_alert(struct vigil_engine *e, const struct vigil_match *m)
{
	struct sk_buff *skb;
	unsigned long flags;
	bool queued = false;

	if (!vigil_netlink_has_listeners())
		return;
	if (skb_queue_len_lockless(&vigil_alertq) >=
	    READ_ONCE(vigil_alert_queue_max)) {
		/* Still uses a sequence number: the gap shows the loss. */
		atomic64_inc(&vigil_alert_seq);
		drop_one();
		return;
	}
	skb = alert_build(e, m);
	if (!skb) {
		atomic64_inc(&vigil_alert_seq);
		drop_one();
		return;
	}
	spin_lock_irqsave(&vigil_alertq.lock, flags);
	if (skb_queue_len(&vigil_alertq) < READ_ONCE(vigil_alert_queue_max)) {
		__skb_queue_tail(&vigil_alertq, skb);
		queued = true;
	}
	spin_unlock_irqrestore(&vigil_alertq.lock, flags);
	if (!queued) {
		kfree_skb(skb);
		drop_one();
		return;
	}
	schedule_work(&vigil_alertq_work);
}

static void alertq_send(struct work_struct *work)
{
	struct sk_buff *skb;
	int err;

	while ((skb = skb_dequeue(&vigil_alertq))) {
		err = vigil_netlink_multicast(skb);
		if (!err)
			vigil_stat_inc(VIGIL_STAT_ALERTS_SENT);
		else if (err != -ESRCH)
			drop_one();
		cond_resched();
	}
}

/**
 * vigil_alertq_pending() - alerts queued and not yet sent
 *
 * Return: the queue length now.
 */
u64 vigil_alertq_pending(void)
{
	return skb_queue_len_lockless(&vigil_alertq);
}

/**
 * vigil_alertq_flush() - send what is queued and stop the work
 *
 * Called once capture is stopped, so no new alert can be queued; on
 * return nothing of the queue is in flight.
 */
void vigil_alertq_flush(void)
{
	flush_work(&vigil_alertq_work);
	cancel_work_sync(&vigil_alertq_work);
	skb_queue_purge(&vigil_alertq);
}

/**
 * vigil_alertq_init() - set up the empty queue
 *
 * Return: 0.
 */
int vigil_alertq_init(void)
{
	skb_queue_head_init(&vigil_alertq);
	INIT_WORK(&vigil_alertq_work, alertq_send);
	return 0;
}

/**
 * vigil_alertq_uninit() - drop whatever is left
 */
void vigil_alertq_uninit(void)
{
	vigil_alertq_flush();
}
