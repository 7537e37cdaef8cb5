// TCClock
