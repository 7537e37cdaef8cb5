#include "process_shim.h"

#include <errno.h>
#include <sys/prctl.h>
#include <sys/resource.h>

int tc_process_disable_core_dumps(void) {
    int failure = 0;
    struct rlimit none = { 0, 0 };
    if (setrlimit(RLIMIT_CORE, &none) != 0) {
        failure = errno;
    }
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 && failure == 0) {
        failure = errno;
    }
    return failure;
}

int tc_process_core_dump_state(uint64_t *soft, uint64_t *hard, int32_t *dumpable) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_CORE, &limit) != 0) {
        return errno;
    }
    int state = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
    if (state < 0) {
        return errno;
    }
    *soft = limit.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t)limit.rlim_cur;
    *hard = limit.rlim_max == RLIM_INFINITY ? UINT64_MAX : (uint64_t)limit.rlim_max;
    *dumpable = state;
    return 0;
}
