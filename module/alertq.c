// SPDX-License-Identifier: GPL-2.0
/*
 * Alerts are built in probe context and sent from process context, in
 * batches: one multicast skb carries several VIGIL_CMD_ALERT messages.
 *
 * The engine's alert callback runs in atomic context with an engine lock
 * held.  It writes the complete VIGIL_CMD_ALERT message straight into
 * the batch at the tail of a queue (a new batch is allocated GFP_ATOMIC,
 * never waiting, when the tail has no room); an alert bigger than a batch
 * is built in an skb of its own before taking the lock.  A work item
 * multicasts the queued batches to the "alerts" group with GFP_KERNEL,
 * one datagram per batch, so a listener does one recvmsg() per batch.
 * The work runs a jiffy after the first alert of a quiet queue, so that
 * a burst shares datagrams, and at once when many batches are waiting.
 *
 * Accounting, so that alerts_dropped is exactly the alerts a listener
 * did not get:
 *   - every alert built for a listener takes the next sequence number
 *     first, so a loss anywhere later leaves a gap;
 *   - more than alert_queue_max alerts queued, or the batch allocation
 *     failed: dropped;
 *   - netlink_broadcast() -ENOBUFS (a listener's receive buffer was
 *     full): every alert of the batch dropped, none sent;
 *   - delivered: every alert of the batch sent;
 *   - -ESRCH (the last listener left while the batch was queued):
 *     neither;
 *   - when nobody listens at all (genl_has_listeners() is false), no
 *     message is built and no sequence number is used.  Rule hit
 *     counters still count the match.
 */
#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <linux/atomic.h>
#include <net/genetlink.h>
#include "detect.h"

/* An event nest must fit the 16-bit nla_len. */
#define VIGIL_ALERT_EVENT_MAX ((U16_MAX - NLA_HDRLEN) & ~(NLA_ALIGNTO - 1))

/*
 * A batch skb: 8 KiB of data and skb_shared_info, one kmalloc-8k
 * object.  An alert bigger than that gets a batch of its own.
 */
#define VIGIL_ALERT_BATCH SKB_WITH_OVERHEAD(8192)

/* Send at once, without the one-jiffy wait, from this many batches. */
#define VIGIL_ALERT_BATCHES_NOW 32

/* A queued batch: how many alerts it carries.  Cleared before sending. */
struct alertq_cb {
	u32 alerts;
};

#define ALERTQ_CB(skb) ((struct alertq_cb *)(skb)->cb)

static struct sk_buff_head vigil_alertq; /* lock: also guards below */
static unsigned int vigil_alertq_alerts; /* alerts in vigil_alertq */
static struct delayed_work vigil_alertq_work;
static atomic64_t vigil_alert_seq = ATOMIC64_INIT(0);

static void drop_one(void)
{
	atomic64_inc(&vigil_alert_seq);
	vigil_stat_inc(VIGIL_STAT_ALERTS_DROPPED);
}

/* Fields 1..VIGIL_F_MAX, and those of them that are numbers. */
static u64 vigil_alert_fields, vigil_alert_num_fields;

/* Upper bound of what vigil_event_encode() writes for @ev. */
static u32 event_size(const struct vigil_event *ev)
{
	u64 bits = ev->present & vigil_alert_fields;
	u64 nums = bits & vigil_alert_num_fields;
	/* each number, and the flags attribute a truncation may add */
	u32 size = (hweight64(nums) + 1) * nla_total_size(sizeof(u64));

	/* only the fields present, not every field id */
	for (bits &= ~nums; bits; bits &= bits - 1)
		size += nla_total_size(ev->v[__ffs64(bits)].len);
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

/* What an alert needs, worked out before the queue lock is taken. */
struct alert_desc {
	const struct vigil_match *m;
	struct vigil_rule_info ri;
	u32 cap; /* room reserved for the final event */
	u32 size; /* the whole netlink message, aligned */
};

static int alert_size(struct vigil_engine *e, const struct vigil_match *m,
		      struct alert_desc *d)
{
	size_t payload;
	u32 i;

	d->m = m;
	vigil_engine_rule_info(e, m->rule, &d->ri);
	d->cap = event_size(m->event);
	payload = 2 * nla_total_size_64bit(sizeof(u64)) + nla_total_size(0) +
		  4 * nla_total_size(sizeof(u8)) +
		  nla_total_size(strlen(d->ri.id) + 1) +
		  nla_total_size(strlen(d->ri.name ?: "") + 1) +
		  nla_total_size(strlen(d->ri.threat ?: "") + 1) +
		  nla_total_size(d->cap);
	for (i = 0; i < m->n_prior && i < VIGIL_RS_MAX_STEPS; i++) {
		if (m->prior_len[i] > VIGIL_ALERT_EVENT_MAX)
			return -EMSGSIZE;
		payload += nla_total_size(m->prior_len[i]);
	}
	d->size = nlmsg_total_size(GENL_HDRLEN + payload);
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
	void *hdr;
	u32 i;

	hdr = vigil_netlink_alert_put(skb);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, VIGIL_A_ALERT_SEQ, seq, VIGIL_A_PAD) ||
	    nla_put_u64_64bit(skb, VIGIL_A_ALERT_DROPPED,
			      vigil_stat_read(VIGIL_STAT_ALERTS_DROPPED),
			      VIGIL_A_PAD) ||
	    vigil_netlink_put_rule(skb, &d->ri, NULL, 0))
		goto err_cancel;
	for (i = 0; i < m->n_prior && i < VIGIL_RS_MAX_STEPS; i++) {
		struct nlattr *nla;

		nla = nla_reserve(skb, VIGIL_A_EVENT | NLA_F_NESTED,
				  m->prior_len[i]);
		if (!nla)
			goto err_cancel;
		memcpy(nla_data(nla), m->prior[i], m->prior_len[i]);
	}
	if (put_event(skb, m->event, d->cap))
		goto err_cancel;
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
 * at most a batch.  Return: 0 when queued, -ENOSPC when the queue is
 * full, -EAGAIN when a new batch is needed and @fresh is NULL,
 * -EMSGSIZE.  *@batches is the number of batches queued.
 */
static int alert_queue(const struct alert_desc *d, struct sk_buff **fresh,
		       u32 *batches)
{
	struct sk_buff *skb;
	unsigned long flags;
	int err = 0;

	spin_lock_irqsave(&vigil_alertq.lock, flags);
	if (vigil_alertq_alerts >= READ_ONCE(vigil_alert_queue_max)) {
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
		WRITE_ONCE(vigil_alertq_alerts, vigil_alertq_alerts + 1);
	}
	*batches = skb_queue_len(&vigil_alertq);
out_unlock:
	spin_unlock_irqrestore(&vigil_alertq.lock, flags);
	return err;
}

/*
 * An alert bigger than a batch gets a batch of its own, built before the
 * lock is taken so that interrupts stay enabled while up to
 * VIGIL_RS_MAX_STEPS events are copied.  Return: 0 when queued, -ENOMEM,
 * -EMSGSIZE, or -ENOBUFS when the queue filled up meanwhile.
 */
static int alert_queue_alone(const struct alert_desc *d, u32 *batches)
{
	struct sk_buff *skb;
	unsigned long flags;
	int err;

	skb = alloc_skb(d->size, GFP_ATOMIC | __GFP_NOWARN);
	if (!skb)
		return -ENOMEM;
	err = alert_put(skb, d);
	if (err)
		goto err_free;
	ALERTQ_CB(skb)->alerts = 1;
	spin_lock_irqsave(&vigil_alertq.lock, flags);
	if (vigil_alertq_alerts >= READ_ONCE(vigil_alert_queue_max)) {
		err = -ENOBUFS;
	} else {
		__skb_queue_tail(&vigil_alertq, skb);
		WRITE_ONCE(vigil_alertq_alerts, vigil_alertq_alerts + 1);
	}
	*batches = skb_queue_len(&vigil_alertq);
	spin_unlock_irqrestore(&vigil_alertq.lock, flags);
	if (err)
		goto err_free;
	return 0;

err_free:
	kfree_skb(skb);
	return err;
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
	struct sk_buff *fresh = NULL;
	struct alert_desc d = {};
	u32 batches = 0;
	bool full;
	int err;

	if (!vigil_netlink_has_listeners())
		return;
	full = READ_ONCE(vigil_alertq_alerts) >=
	       READ_ONCE(vigil_alert_queue_max);
	if (full || alert_size(e, m, &d)) {
		/* Still uses a sequence number: the gap shows the loss. */
		drop_one();
		return;
	}
	if (d.size > VIGIL_ALERT_BATCH) {
		err = alert_queue_alone(&d, &batches);
	} else {
		err = alert_queue(&d, &fresh, &batches);
		if (err == -EAGAIN) {
			/* Allocated unlocked; the second try cannot say EAGAIN. */
			fresh = alloc_skb(VIGIL_ALERT_BATCH,
					  GFP_ATOMIC | __GFP_NOWARN);
			err = fresh ? alert_queue(&d, &fresh, &batches) :
				      -ENOMEM;
			kfree_skb(fresh);
		}
	}
	if (err == -EMSGSIZE || err == -ENOBUFS) {
		/* its sequence number was taken: the gap is there */
		vigil_stat_inc(VIGIL_STAT_ALERTS_DROPPED);
		return;
	}
	if (err) {
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
		WRITE_ONCE(vigil_alertq_alerts, vigil_alertq_alerts - n);
		spin_unlock_irqrestore(&vigil_alertq.lock, flags);
		if (!skb)
			break;
		/* The control block is netlink's from here on. */
		memset(skb->cb, 0, sizeof(skb->cb));
		if (!n) {
			kfree_skb(skb);
			continue;
		}
		err = vigil_netlink_multicast(skb);
		if (!err)
			vigil_stat_add(VIGIL_STAT_ALERTS_SENT, n);
		else if (err != -ESRCH)
			vigil_stat_add(VIGIL_STAT_ALERTS_DROPPED, n);
		/* Not after every batch: a woken listener reads several. */
		if (!(++sent % VIGIL_ALERT_BATCHES_NOW))
			cond_resched();
	}
}

/**
 * vigil_alertq_pending() - alerts queued and not yet sent
 *
 * Return: the number of alerts in the queued batches now.
 */
u64 vigil_alertq_pending(void)
{
	return READ_ONCE(vigil_alertq_alerts);
}

/**
 * vigil_alertq_flush() - send what is queued and stop the work
 *
 * Called once capture is stopped, so no new alert can be queued; on
 * return nothing of the queue is in flight.
 */
void vigil_alertq_flush(void)
{
	flush_delayed_work(&vigil_alertq_work);
	cancel_delayed_work_sync(&vigil_alertq_work);
	skb_queue_purge(&vigil_alertq);
	WRITE_ONCE(vigil_alertq_alerts, 0);
}

/**
 * vigil_alertq_init() - set up the empty queue
 *
 * Return: 0.
 */
int vigil_alertq_init(void)
{
	int f;

	BUILD_BUG_ON(sizeof(struct alertq_cb) >
		     sizeof_field(struct sk_buff, cb));
	BUILD_BUG_ON(VIGIL_F_MAX >= 64);
	for (f = VIGIL_F_UNSPEC + 1; f <= VIGIL_F_MAX; f++) {
		vigil_alert_fields |= 1ULL << f;
		if (vigil_field_type(f) == VIGIL_FT_NUM)
			vigil_alert_num_fields |= 1ULL << f;
	}
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
