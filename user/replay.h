/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replaying recorded ECS events (JSON lines) through the engine; used by
 * `vigilctl replay` and the replay tests.
 */
#ifndef VIGIL_REPLAY_H
#define VIGIL_REPLAY_H

#include <stdio.h>
#include "engine.h"

enum {
	VIGIL_REPLAY_JSON,
	VIGIL_REPLAY_TEXT,
	VIGIL_REPLAY_QUIET,
	VIGIL_REPLAY_MODE = 0xff,
	/* or'ed in: an event of a kind vigil does not capture is an error */
	VIGIL_REPLAY_STRICT = 0x100,
};

int vigil_replay_stream(struct vigil_engine *e, FILE *in, const char *name,
			FILE *out, int mode, u64 *n_events, u64 *n_alerts);

#endif
