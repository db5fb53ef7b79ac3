# SPDX-License-Identifier: GPL-2.0
#
# Included by module/Kbuild: generates compat-gen.h for compat.h by probing
# the headers of the kernel being built against.  The probe runs while
# Kbuild reads this file, so the header exists before any object is
# compiled; compat-probe.sh leaves it untouched when nothing changed.

VIGIL_COMPAT_GEN := $(obj)/compat-gen.h
$(shell $(CONFIG_SHELL) $(src)/compat-probe.sh $(srctree) $(objtree) \
	$(VIGIL_COMPAT_GEN))
ccflags-y += -I$(obj)
clean-files += compat-gen.h
