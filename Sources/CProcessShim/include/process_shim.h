// Process-wide hardening for tcadmin, for TCCrypto's ProcessHardening.
// prctl() is variadic and RLIMIT_* are glibc enums: both stay in process_shim.c.
#ifndef TCADMIN_CPROCESSSHIM_H
#define TCADMIN_CPROCESSSHIM_H

#include <stdint.h>

/// Sets RLIMIT_CORE to 0 (soft and hard) and marks the process not dumpable
/// (PR_SET_DUMPABLE 0: no core file, no ptrace attach by the same user, and
/// /proc/<pid>/ files such as environ and mem owned by root).
/// Returns 0, or the errno of the first call that failed (both are attempted).
int tc_process_disable_core_dumps(void);

/// The current state, read back: RLIMIT_CORE soft and hard limits
/// (UINT64_MAX for unlimited) and prctl(PR_GET_DUMPABLE).
/// Returns 0, or the errno of the failed call.
int tc_process_core_dump_state(uint64_t *soft, uint64_t *hard, int32_t *dumpable);

#endif
