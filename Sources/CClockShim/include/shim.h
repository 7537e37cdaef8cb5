// Read-only access to the kernel's NTP clock state, for TCClock.
// Only plain fixed-width fields cross this boundary; struct timex stays in shim.c.
#ifndef TCADMIN_CCLOCKSHIM_H
#define TCADMIN_CCLOCKSHIM_H

#include <stdint.h>

typedef struct tc_kernel_clock {
    int32_t clock_state;     // adjtimex() return value: TIME_OK (0) ... TIME_ERROR (5)
    int32_t status;          // STA_* bits
    int64_t offset;          // microseconds, or nanoseconds when STA_NANO is set
    int64_t frequency;       // ppm, scaled by 2^16
    int64_t maxerror_us;     // maximum error, microseconds
    int64_t esterror_us;     // estimated error, microseconds
    int64_t time_constant;   // PLL time constant
    int64_t precision_us;    // clock precision, microseconds
    int64_t tolerance;       // maximum frequency error, ppm scaled by 2^16
    int64_t tick_us;         // microseconds between clock ticks
    int32_t tai_offset;      // TAI - UTC, seconds
} tc_kernel_clock;

/// Fills `out` from adjtimex() with modes = 0, which only reads: nothing in the
/// kernel changes, whatever the caller's privileges.
/// Returns 0 on success, or the errno of the failed call.
int tc_kernel_clock_read(tc_kernel_clock *out);

#endif
