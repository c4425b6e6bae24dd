int plugdep(void) { return 5; }
