// TeamCal
