#ifndef CSQLITECONFIG_H
#define CSQLITECONFIG_H

/// Turns off SQLite's memory statistics (SQLITE_CONFIG_MEMSTATUS), which otherwise take one global
/// mutex around every allocation of every connection. `sqlite3_config` is variadic, so Swift cannot
/// call it. Returns SQLITE_OK, or SQLITE_MISUSE when SQLite was already initialized (nothing changes).
int eddy_sqlite3_disable_memory_statistics(void);

#endif
