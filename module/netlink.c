// SPDX-License-Identifier: GPL-2.0
/*
 * The "vigil" generic netlink family: control commands and the "alerts"
 * multicast group.  The attribute trees are described in uapi/vigil.h.
 *
 * Access: the family lives in the initial network namespace only
 * (netnsok is false).  Every command requires CAP_NET_ADMIN or
 * CAP_SYS_ADMIN in the initial user namespace, checked against the
 * socket's opener and the caller (netlink_capable()); joining "alerts"
 * requires CAP_NET_ADMIN (GENL_MCAST_CAP_NET_ADMIN, checked by the genl
 * core against the initial user namespace).
 *
 * The family is parallel_ops: no handler runs under the global
 * genl_mutex, so a long ruleset build never holds up another family's
 * requests (nlctrl, nl80211, ...).  The commands that change state
 * (LOAD, ENABLE, DISABLE, TERMS_IMPORT) are serialized by vigil_nl_mutex
 * instead, taken before vigil_detect_mutex: two loads never build at
 * once, and each load's sysfs rebuild reflects the ruleset it published.
 * The dumps and STATS only read, under vigil_detect_mutex or RCU.
 * genl_unregister_family() waits for the handlers in flight, so nothing
 * runs here once vigil_netlink_uninit() returned.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include "compat.h"
#include "detect.h"

static const struct nla_policy vigil_term_policy[VIGIL_TA_MAX + 1] = {
	[VIGIL_TA_HASH] = { .type = NLA_U64 },
	[VIGIL_TA_LAST_SEEN] = { .type = NLA_U64 },
};

static const struct nla_policy vigil_policy[VIGIL_A_MAX + 1] = {
	[VIGIL_A_RULESET] = { .type = NLA_BINARY },
	[VIGIL_A_RULE_ID] = { .type = NLA_NUL_STRING,
			      .len = VIGIL_RULE_ID_MAX },
	[VIGIL_A_TERM] = NLA_POLICY_NESTED(vigil_term_policy),
	[VIGIL_A_LEARN_S] = { .type = NLA_U32 },
};

static struct genl_family vigil_genl_family;

/* Serializes the commands that change state; see the top of the file. */
static DEFINE_MUTEX(vigil_nl_mutex);

static bool vigil_nl_admin(const struct sk_buff *skb,
			   struct netlink_ext_ack *extack)
{
	if (netlink_capable(skb, CAP_NET_ADMIN) ||
	    netlink_capable(skb, CAP_SYS_ADMIN))
		return true;
	NL_SET_ERR_MSG(
		extack,
		"vigil: need CAP_NET_ADMIN or CAP_SYS_ADMIN in the initial user namespace");
	return false;
}

/**
 * vigil_netlink_put_rule() - put a VIGIL_A_RULE nest
 * @skb: message
 * @ri: the rule's description
 * @e: engine for the ENABLED and HITS attributes, or NULL to omit them
 * @rule: rule index in @e
 *
 * Return: 0 or -EMSGSIZE (the nest is cancelled).
 */
int vigil_netlink_put_rule(struct sk_buff *skb,
			   const struct vigil_rule_info *ri,
			   const struct vigil_engine *e, u32 rule)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, VIGIL_A_RULE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, VIGIL_RA_ID, ri->id) ||
	    nla_put_string(skb, VIGIL_RA_NAME, ri->name ?: "") ||
	    nla_put_u8(skb, VIGIL_RA_SEVERITY, ri->severity) ||
	    nla_put_u8(skb, VIGIL_RA_RISK_SCORE, ri->risk_score) ||
	    nla_put_u8(skb, VIGIL_RA_TYPE, ri->kind) ||
	    nla_put_string(skb, VIGIL_RA_THREAT, ri->threat ?: "") ||
	    (ri->building_block && nla_put_u8(skb, VIGIL_RA_BUILDING_BLOCK, 1)))
		goto err_cancel;
	if (e &&
	    (nla_put_u8(skb, VIGIL_RA_ENABLED, vigil_engine_enabled(e, rule)) ||
	     nla_put_u64_64bit(skb, VIGIL_RA_HITS, vigil_engine_hits(e, rule),
			       VIGIL_RA_PAD)))
		goto err_cancel;
	nla_nest_end(skb, nest);
	return 0;

err_cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int nl_load(struct sk_buff *skb, struct genl_info *info)
{
	const struct nlattr *nla, *learn = info->attrs[VIGIL_A_LEARN_S];
	u32 len = 0, off = 0, learn_s = learn ? nla_get_u32(learn) : 0;
	u8 *blob;
	int rem, err;

	if (!vigil_nl_admin(skb, info->extack))
		return -EPERM;
	if (learn && (!learn_s || learn_s > VIGIL_LEARN_MAX_S)) {
		NL_SET_ERR_MSG_ATTR(
			info->extack, learn,
			"vigil: learn time not 1..VIGIL_LEARN_MAX_S seconds");
		return -EINVAL;
	}
	/* The blob may come in several VIGIL_A_RULESET chunks, in order. */
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) != VIGIL_A_RULESET)
			continue;
		if (nla_len(nla) > VIGIL_RS_MAX_SIZE - len) {
			NL_SET_ERR_MSG_ATTR(
				info->extack, nla,
				"vigil: ruleset larger than VIGIL_RS_MAX_SIZE");
			return -E2BIG;
		}
		len += nla_len(nla);
	}
	if (!len) {
		NL_SET_ERR_MSG(info->extack,
			       "vigil: VIGIL_A_RULESET missing or empty");
		return -EINVAL;
	}
	/* Failure is the loader's -ENOMEM, not an allocation splat. */
	blob = kvmalloc(len, GFP_KERNEL | __GFP_NOWARN);
	if (!blob)
		return -ENOMEM;
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) != VIGIL_A_RULESET)
			continue;
		memcpy(blob + off, nla_data(nla), nla_len(nla));
		off += nla_len(nla);
	}
	mutex_lock(&vigil_nl_mutex);
	err = vigil_detect_load(blob, len, learn_s, info->extack);
	if (!err) {
		vigil_sysfs_rules_rebuild();
		/* the new rules see the processes already running */
		vigil_capture_already_running();
	}
	mutex_unlock(&vigil_nl_mutex);
	kvfree(blob);
	return err;
}

static int nl_toggle(struct sk_buff *skb, struct genl_info *info, bool on)
{
	struct nlattr *id = info->attrs[VIGIL_A_RULE_ID];
	int err;

	if (!vigil_nl_admin(skb, info->extack))
		return -EPERM;
	if (!id) {
		NL_SET_ERR_MSG(info->extack, "vigil: VIGIL_A_RULE_ID missing");
		return -EINVAL;
	}
	mutex_lock(&vigil_nl_mutex);
	err = vigil_detect_set_enabled(nla_data(id), on);
	mutex_unlock(&vigil_nl_mutex);
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, id,
				    "vigil: no loaded rule has this rule_id");
	return err;
}

static int nl_enable(struct sk_buff *skb, struct genl_info *info)
{
	return nl_toggle(skb, info, true);
}

static int nl_disable(struct sk_buff *skb, struct genl_info *info)
{
	return nl_toggle(skb, info, false);
}

static int nl_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;
	int s;

	if (!vigil_nl_admin(skb, info->extack))
		return -EPERM;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vigil_genl_family, 0,
				VIGIL_CMD_STATS);
	if (!hdr)
		goto err_free;
	nest = nla_nest_start(msg, VIGIL_A_STATS);
	if (!nest)
		goto err_free;
	for (s = VIGIL_STAT_UNSPEC + 1; s < __VIGIL_STAT_LAST; s++)
		if (s != VIGIL_STAT_PAD &&
		    nla_put_u64_64bit(msg, s, vigil_detect_stat_read(s),
				      VIGIL_STAT_PAD))
			goto err_free;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int nl_dump_start(struct netlink_callback *cb)
{
	return vigil_nl_admin(cb->skb, cb->extack) ? 0 : -EPERM;
}

static int nl_list_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vigil_rule_info ri;
	struct vigil_engine *e;
	u32 i, n;
	void *hdr;

	mutex_lock(&vigil_detect_mutex);
	e = vigil_detect_engine_locked();
	n = e ? vigil_engine_rule_count(e) : 0;
	cb->seq = vigil_detect_generation() + 1;
	for (i = cb->args[0]; i < n; i++) {
		memset(&ri, 0, sizeof(ri));
		vigil_engine_rule_info(e, i, &ri);
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &vigil_genl_family,
				  NLM_F_MULTI, VIGIL_CMD_LIST);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (vigil_netlink_put_rule(skb, &ri, e, i)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	mutex_unlock(&vigil_detect_mutex);
	cb->args[0] = i;
	/* An empty message would end the dump: say it did not fit. */
	return i < n && !skb->len ? -EMSGSIZE : skb->len;
}

struct terms_ctx {
	struct sk_buff *skb;
	u64 skip;
	u64 n;
};

static int term_put(void *ctx, u64 hash, u64 last_seen_ns)
{
	struct terms_ctx *c = ctx;
	struct nlattr *nest;

	if (c->skip) {
		c->skip--;
		return 0;
	}
	nest = nla_nest_start(c->skb, VIGIL_A_TERM);
	if (!nest)
		return 1;
	if (nla_put_u64_64bit(c->skb, VIGIL_TA_HASH, hash, VIGIL_TA_PAD) ||
	    nla_put_u64_64bit(c->skb, VIGIL_TA_LAST_SEEN, last_seen_ns,
			      VIGIL_TA_PAD)) {
		nla_nest_cancel(c->skb, nest);
		return 1;
	}
	nla_nest_end(c->skb, nest);
	c->n++;
	return 0;
}

/*
 * One message per new_terms rule with learned terms, continued in more
 * messages when it does not fit: cb->args[0] is the rule, cb->args[1]
 * the number of that rule's terms already sent.
 */
static int nl_terms_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct terms_ctx ctx = { .skb = skb };
	struct vigil_rule_info ri;
	struct vigil_engine *e;
	bool full = false;
	u32 i, n;
	void *hdr;

	mutex_lock(&vigil_detect_mutex);
	e = vigil_detect_engine_locked();
	n = e ? vigil_engine_rule_count(e) : 0;
	cb->seq = vigil_detect_generation() + 1;
	for (i = cb->args[0]; i < n && !full; i++) {
		memset(&ri, 0, sizeof(ri));
		vigil_engine_rule_info(e, i, &ri);
		if (ri.kind != VIGIL_RULE_NEW_TERMS)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &vigil_genl_family,
				  NLM_F_MULTI, VIGIL_CMD_TERMS_EXPORT);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (nla_put_string(skb, VIGIL_A_RULE_ID, ri.id)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		ctx.skip = cb->args[1];
		ctx.n = 0;
		full = vigil_engine_terms_walk(e, i, term_put, &ctx) > 0;
		if (ctx.n)
			genlmsg_end(skb, hdr);
		else
			genlmsg_cancel(skb, hdr);
		if (full) {
			cb->args[1] += ctx.n;
			break;
		}
		cb->args[1] = 0;
	}
	mutex_unlock(&vigil_detect_mutex);
	cb->args[0] = i;
	return i < n && !skb->len ? -EMSGSIZE : skb->len;
}

static int nl_terms_import(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *id = info->attrs[VIGIL_A_RULE_ID];
	struct nlattr *tb[VIGIL_TA_MAX + 1];
	struct vigil_rule_info ri = {};
	const struct nlattr *nla;
	struct vigil_engine *e;
	int rem, idx, err = 0;

	if (!vigil_nl_admin(skb, info->extack))
		return -EPERM;
	if (!id) {
		NL_SET_ERR_MSG(info->extack, "vigil: VIGIL_A_RULE_ID missing");
		return -EINVAL;
	}
	/* Every term is checked before any is applied. */
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) != VIGIL_A_TERM)
			continue;
		err = nla_parse_nested(tb, VIGIL_TA_MAX, nla, vigil_term_policy,
				       info->extack);
		if (err)
			return err;
		if (!tb[VIGIL_TA_HASH] || !tb[VIGIL_TA_LAST_SEEN]) {
			NL_SET_ERR_MSG_ATTR(
				info->extack, nla,
				"vigil: term needs VIGIL_TA_HASH and VIGIL_TA_LAST_SEEN");
			return -EINVAL;
		}
	}

	mutex_lock(&vigil_nl_mutex);
	mutex_lock(&vigil_detect_mutex);
	e = vigil_detect_engine_locked();
	idx = e ? vigil_engine_find_rule(e, nla_data(id)) : -ENOENT;
	if (idx < 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, id,
				    "vigil: no loaded rule has this rule_id");
		err = -ENOENT;
		goto out_unlock;
	}
	vigil_engine_rule_info(e, idx, &ri);
	if (ri.kind != VIGIL_RULE_NEW_TERMS) {
		NL_SET_ERR_MSG_ATTR(info->extack, id,
				    "vigil: rule is not a new_terms rule");
		err = -EINVAL;
		goto out_unlock;
	}
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) != VIGIL_A_TERM)
			continue;
		if (nla_parse_nested(tb, VIGIL_TA_MAX, nla, vigil_term_policy,
				     NULL))
			continue; /* cannot happen: checked above */
		err = vigil_engine_terms_add(
			e, idx, nla_get_u64(tb[VIGIL_TA_HASH]),
			nla_get_u64(tb[VIGIL_TA_LAST_SEEN]));
		if (err) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "vigil: engine refused a term");
			break;
		}
	}
out_unlock:
	mutex_unlock(&vigil_detect_mutex);
	mutex_unlock(&vigil_nl_mutex);
	return err;
}

static const struct genl_ops vigil_genl_ops[] = {
	{ .cmd = VIGIL_CMD_LOAD, .doit = nl_load },
	{ .cmd = VIGIL_CMD_LIST,
	  .start = nl_dump_start,
	  .dumpit = nl_list_dump },
	{ .cmd = VIGIL_CMD_ENABLE, .doit = nl_enable },
	{ .cmd = VIGIL_CMD_DISABLE, .doit = nl_disable },
	{ .cmd = VIGIL_CMD_STATS, .doit = nl_stats },
	{ .cmd = VIGIL_CMD_TERMS_EXPORT,
	  .start = nl_dump_start,
	  .dumpit = nl_terms_dump },
	{ .cmd = VIGIL_CMD_TERMS_IMPORT, .doit = nl_terms_import },
};

static const struct genl_multicast_group vigil_genl_mcgrps[] = {
	{ .name = VIGIL_GENL_MCGRP_ALERTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static struct genl_family vigil_genl_family __ro_after_init = {
	.name = VIGIL_GENL_NAME,
	.version = VIGIL_GENL_VERSION,
	.maxattr = VIGIL_A_MAX,
	.policy = vigil_policy,
	.netnsok = false,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = vigil_genl_ops,
	.n_ops = ARRAY_SIZE(vigil_genl_ops),
	.resv_start_op = VIGIL_CMD_TERMS_IMPORT + 1,
	.mcgrps = vigil_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(vigil_genl_mcgrps),
};

/**
 * vigil_netlink_has_listeners() - does anyone listen to "alerts"?
 *
 * Return: true when at least one socket joined the group.
 */
bool vigil_netlink_has_listeners(void)
{
	return genl_has_listeners(&vigil_genl_family, &init_net, 0);
}

/**
 * vigil_netlink_alert_put() - start a VIGIL_CMD_ALERT message in @skb
 * @skb: a batch of alert messages
 *
 * Atomic context; never waits.  End the message with genlmsg_end().
 *
 * Return: the genl header, or NULL when @skb has no room.
 */
void *vigil_netlink_alert_put(struct sk_buff *skb)
{
	return genlmsg_put(skb, 0, 0, &vigil_genl_family, 0, VIGIL_CMD_ALERT);
}

/**
 * vigil_netlink_multicast() - send a batch of alerts to "alerts"
 * @skb: one or more finished messages, one datagram; always consumed
 *
 * Process context.
 *
 * Return: 0 when delivered, -ESRCH when nobody listens, -ENOBUFS when a
 * listener's receive buffer was full.
 */
int vigil_netlink_multicast(struct sk_buff *skb)
{
	return genlmsg_multicast(&vigil_genl_family, skb, 0, 0, GFP_KERNEL);
}

/**
 * vigil_netlink_init() - register the family
 *
 * Return: 0 or -errno.
 */
int vigil_netlink_init(void)
{
	return genl_register_family(&vigil_genl_family);
}

/**
 * vigil_netlink_uninit() - unregister the family
 */
void vigil_netlink_uninit(void)
{
	genl_unregister_family(&vigil_genl_family);
}
