print("tcadmin")
