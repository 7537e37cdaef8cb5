// TCDatabase
