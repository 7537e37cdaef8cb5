// TCAdminCLI
