// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: bytes in as a rule file -> compile.  Must never crash
 * or leak; whatever compiles must pass the engine's validator.
 */
#include <errno.h>
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
	if (!vigil_compiler_add_buf(c, (const char *)data, size, &err)) {
		int ret = vigil_compiler_emit(c, &blob, &len, &err);

		/* one rule within its limits: the kernel must accept it */
		if (ret == -EINVAL)
			abort();
		if (!ret)
			free(blob);
	}
	vigil_compiler_free(c);
	return 0;
}
