// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: bytes in as a Sigma rule (YAML) -> compile.  Must
 * never crash or leak; a rejection must say why; whatever compiles must
 * pass the engine's validator.
 */
#include <stdint.h>
#include <stdlib.h>

#include "compiler/compiler.h"
#include "engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vigil_compiler *c = vigil_compiler_new();
	struct vigil_cerror err;
	void *blob;
	__u32 len;

	if (!c)
		return 0;
	if (!vigil_compiler_add_sigma_buf(c, (const char *)data, size, &err)) {
		/* one rule never exceeds the limits, and emit validates */
		if (vigil_compiler_emit(c, &blob, &len, &err))
			abort();
		free(blob);
	} else if (!err.msg[0]) {
		abort();		/* rejected without a reason */
	}
	vigil_compiler_free(c);
	return 0;
}
