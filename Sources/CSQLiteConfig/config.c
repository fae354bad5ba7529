#include <sqlite3.h>
#include "CSQLiteConfig.h"

int eddy_sqlite3_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
