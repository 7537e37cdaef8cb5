// TCCrypto
