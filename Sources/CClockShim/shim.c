#include "shim.h"

#include <errno.h>
#include <string.h>
#include <sys/timex.h>

// TCClock spells these Linux ABI values out in Swift; keep them honest.
_Static_assert(STA_PLL == 0x0001 && STA_PPSFREQ == 0x0002 && STA_PPSTIME == 0x0004 &&
               STA_FLL == 0x0008 && STA_INS == 0x0010 && STA_DEL == 0x0020 &&
               STA_UNSYNC == 0x0040 && STA_FREQHOLD == 0x0080 && STA_PPSSIGNAL == 0x0100 &&
               STA_PPSJITTER == 0x0200 && STA_PPSWANDER == 0x0400 && STA_PPSERROR == 0x0800 &&
               STA_CLOCKERR == 0x1000 && STA_NANO == 0x2000 && STA_MODE == 0x4000 &&
               STA_CLK == 0x8000, "STA_* values differ from TCClock's KernelClockStatus");
_Static_assert(TIME_OK == 0 && TIME_INS == 1 && TIME_DEL == 2 && TIME_OOP == 3 &&
               TIME_WAIT == 4 && TIME_ERROR == 5, "TIME_* values differ from TCClock's KernelClockState");

int tc_kernel_clock_read(tc_kernel_clock *out) {
    struct timex tx;
    memset(&tx, 0, sizeof tx);
    tx.modes = 0;  // read only: never set anything
    int state = adjtimex(&tx);
    if (state == -1) {
        return errno != 0 ? errno : EINVAL;
    }
    memset(out, 0, sizeof *out);
    out->clock_state = state;
    out->status = tx.status;
    out->offset = tx.offset;
    out->frequency = tx.freq;
    out->maxerror_us = tx.maxerror;
    out->esterror_us = tx.esterror;
    out->time_constant = tx.constant;
    out->precision_us = tx.precision;
    out->tolerance = tx.tolerance;
    out->tick_us = tx.tick;
    out->tai_offset = tx.tai;
    return 0;
}
