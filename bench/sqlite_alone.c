// SQLite alone, in C: the ceiling of Eddy's commit thread on this machine.
//
// Replays the valid events that an `eddy run` stored (SOURCE, its login_events) into a new database
// that `eddy migrate` made (TARGET), with the statements and settings of Eddy's batch transaction and
// nothing else: per batch of BATCH events, ONE transaction that inserts each login_events row, upserts
// login_counts once per distinct key of the batch (aggregated here, as Eddy does while staging), merges
// the batch's login_event_minutes and stores each partition's next offset. With `counts`, the counts
// and the offsets only (`eddy run --store-events false`). No Kafka, no parsing, no
// Swift: what SQLite itself costs for Eddy's rows. The failed rows (5 % of the bench's messages) are
// left out, so the figure is an upper bound. A second connection checkpoints the WAL after commits, as
// Eddy's background checkpointer does. Prints one JSON object.
//
//     cc -O2 -o sqlite_alone bench/sqlite_alone.c -lsqlite3 -lpthread
//     sqlite_alone SOURCE TARGET [BATCH [counts]]

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    const char *topic, *user, *version, *device, *locale, *ip, *device_id;
    int partition;
    long long offset, time;
} Event;

static void fail(sqlite3 *db, const char *what) {
    fprintf(stderr, "sqlite_alone: %s: %s\n", what, db ? sqlite3_errmsg(db) : "out of memory");
    exit(1);
}

static void run(sqlite3 *db, const char *sql) {
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) fail(db, sql);
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql) {
    sqlite3_stmt *statement;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, NULL) != SQLITE_OK) fail(db, sql);
    return statement;
}

static void step(sqlite3 *db, sqlite3_stmt *statement) {
    if (sqlite3_step(statement) != SQLITE_DONE) fail(db, sqlite3_sql(statement));
    sqlite3_reset(statement);
}

static const char *copy(sqlite3_stmt *row, int column) {
    const unsigned char *text = sqlite3_column_text(row, column);
    return text ? strdup((const char *)text) : NULL;
}

static void bind_text(sqlite3_stmt *statement, int index, const char *text) {
    if (text) sqlite3_bind_text(statement, index, text, -1, SQLITE_STATIC);
    else sqlite3_bind_null(statement, index);
}

static const char *known(const char *text) { return text ? text : "unknown"; }

static long long minute(long long seconds) { return seconds - ((seconds % 60) + 60) % 60; }

/// The order of login_counts keys: (minute, partition, device, locale, version); topics are one.
static int by_count_key(const void *left, const void *right) {
    const Event *a = *(Event *const *)left, *b = *(Event *const *)right;
    long long ma = minute(a->time), mb = minute(b->time);
    if (ma != mb) return ma < mb ? -1 : 1;
    if (a->partition != b->partition) return a->partition < b->partition ? -1 : 1;
    int order = strcmp(known(a->device), known(b->device));
    if (order == 0) order = strcmp(known(a->locale), known(b->locale));
    if (order == 0) order = strcmp(known(a->version), known(b->version));
    return order;
}

/// The order of login_event_minutes keys: (minute, partition, offset block).
static int by_minute_key(const void *left, const void *right) {
    const Event *a = *(Event *const *)left, *b = *(Event *const *)right;
    long long ma = minute(a->time), mb = minute(b->time);
    if (ma != mb) return ma < mb ? -1 : 1;
    if (a->partition != b->partition) return a->partition < b->partition ? -1 : 1;
    long long ba = a->offset / 65536, bb = b->offset / 65536;
    return ba == bb ? 0 : ba < bb ? -1 : 1;
}

static atomic_int commits, stopping;

/// Eddy's background checkpointer: a PASSIVE checkpoint at most every 50 ms after a commit.
static void *checkpointer(void *path) {
    sqlite3 *db;
    if (sqlite3_open((const char *)path, &db) != SQLITE_OK) fail(db, "opening the checkpoint connection");
    int seen = 0;
    while (!atomic_load(&stopping)) {
        int now = atomic_load(&commits);
        if (now != seen) {
            seen = now;
            sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        }
        usleep(50000);
    }
    sqlite3_close(db);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: sqlite_alone SOURCE TARGET [BATCH [counts]]\n");
        return 2;
    }
    int batch = argc > 3 ? atoi(argv[3]) : 5000;
    int events_stored = !(argc > 4 && strcmp(argv[4], "counts") == 0);
    sqlite3 *source;
    if (sqlite3_open_v2(argv[1], &source, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) fail(source, argv[1]);
    sqlite3_stmt *read = prepare(source,
        "SELECT topic, partition, offset, user_id, app_version, device_type, locale, ip, device_id, event_time "
        "FROM login_events ORDER BY partition, offset");
    size_t count = 0, capacity = 1 << 20;
    Event *events = malloc(capacity * sizeof(Event));
    while (sqlite3_step(read) == SQLITE_ROW) {
        if (count == capacity && !(events = realloc(events, (capacity *= 2) * sizeof(Event)))) fail(NULL, "reading");
        events[count++] = (Event){copy(read, 0), copy(read, 3), copy(read, 4), copy(read, 5), copy(read, 6), copy(read, 7),
                                  copy(read, 8), sqlite3_column_int(read, 1), sqlite3_column_int64(read, 2),
                                  sqlite3_column_int64(read, 9)};
    }
    sqlite3_finalize(read);
    sqlite3_close(source);

    sqlite3 *db;
    if (sqlite3_open(argv[2], &db) != SQLITE_OK) fail(db, argv[2]);
    // Eddy's connection settings (Store.swift) and its checkpointing (BackgroundCheckpointer.swift).
    run(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA secure_delete = OFF; "
            "PRAGMA journal_size_limit = 67108864; PRAGMA cache_size = -8192; PRAGMA wal_autocheckpoint = 16384");
    sqlite3_stmt *insert = prepare(db,
        "INSERT INTO login_events (topic, partition, offset, user_id, app_version, device_type, locale, ip, device_id, event_time) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    sqlite3_stmt *upsert = prepare(db,
        "INSERT INTO login_counts (window_start, device_type, locale, app_version, topic, partition, logins, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (window_start, topic, partition, device_type, locale, app_version) "
        "DO UPDATE SET logins = logins + excluded.logins, updated_at = excluded.updated_at");
    sqlite3_stmt *minutes = prepare(db,
        "INSERT INTO login_event_minutes (minute_start, topic, partition, offset_block, first_offset, last_offset) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (minute_start, topic, partition, offset_block) DO UPDATE SET "
        "first_offset = min(first_offset, excluded.first_offset), last_offset = max(last_offset, excluded.last_offset)");
    sqlite3_stmt *offsets = prepare(db,
        "INSERT INTO consumer_offsets (topic, partition, next_offset, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (topic, partition) DO UPDATE SET next_offset = excluded.next_offset, updated_at = excluded.updated_at");
    pthread_t thread;
    pthread_create(&thread, NULL, checkpointer, argv[2]);

    Event **sorted = malloc(batch * sizeof(Event *));
    long long now = time(NULL), keys = 0, transactions = 0;
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (size_t first = 0; first < count; first += batch) {
        size_t n = count - first < (size_t)batch ? count - first : (size_t)batch;
        run(db, "BEGIN IMMEDIATE");
        for (size_t i = 0; i < n; i++) {
            Event *e = &events[first + i];
            sorted[i] = e;
            if (!events_stored) continue;
            bind_text(insert, 1, e->topic);
            sqlite3_bind_int(insert, 2, e->partition);
            sqlite3_bind_int64(insert, 3, e->offset);
            bind_text(insert, 4, e->user);
            bind_text(insert, 5, e->version);
            bind_text(insert, 6, e->device);
            bind_text(insert, 7, e->locale);
            bind_text(insert, 8, e->ip);
            bind_text(insert, 9, e->device_id);
            sqlite3_bind_int64(insert, 10, e->time);
            step(db, insert);
        }
        qsort(sorted, n, sizeof(Event *), by_count_key);
        for (size_t i = 0, j; i < n; i = j) {
            for (j = i + 1; j < n && by_count_key(&sorted[i], &sorted[j]) == 0; j++) {}
            Event *e = sorted[i];
            sqlite3_bind_int64(upsert, 1, minute(e->time));
            bind_text(upsert, 2, known(e->device));
            bind_text(upsert, 3, known(e->locale));
            bind_text(upsert, 4, known(e->version));
            bind_text(upsert, 5, e->topic);
            sqlite3_bind_int(upsert, 6, e->partition);
            sqlite3_bind_int64(upsert, 7, (long long)(j - i));
            sqlite3_bind_int64(upsert, 8, now);
            step(db, upsert);
            keys++;
        }
        qsort(sorted, n, sizeof(Event *), by_minute_key);
        for (size_t i = 0, j; events_stored && i < n; i = j) {
            long long low = sorted[i]->offset, high = sorted[i]->offset;
            for (j = i + 1; j < n && by_minute_key(&sorted[i], &sorted[j]) == 0; j++) {
                if (sorted[j]->offset < low) low = sorted[j]->offset;
                if (sorted[j]->offset > high) high = sorted[j]->offset;
            }
            sqlite3_bind_int64(minutes, 1, minute(sorted[i]->time));
            bind_text(minutes, 2, sorted[i]->topic);
            sqlite3_bind_int(minutes, 3, sorted[i]->partition);
            sqlite3_bind_int64(minutes, 4, sorted[i]->offset / 65536);
            sqlite3_bind_int64(minutes, 5, low);
            sqlite3_bind_int64(minutes, 6, high);
            step(db, minutes);
        }
        for (size_t i = 0; i < n; i++) {
            Event *e = &events[first + i];
            if (i + 1 < n && events[first + i + 1].partition == e->partition) continue;
            bind_text(offsets, 1, e->topic);
            sqlite3_bind_int(offsets, 2, e->partition);
            sqlite3_bind_int64(offsets, 3, e->offset + 1);
            sqlite3_bind_int64(offsets, 4, now);
            step(db, offsets);
        }
        run(db, "COMMIT");
        atomic_fetch_add(&commits, 1);
        transactions++;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    atomic_store(&stopping, 1);
    pthread_join(thread, NULL);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("{\"events\": %zu, \"seconds\": %.3f, \"events_per_second\": %.0f, \"transactions\": %lld, "
           "\"count_upserts_per_batch\": %.0f, \"batch\": %d, \"sqlite\": \"%s\"}\n",
           count, seconds, count / seconds, transactions, transactions ? (double)keys / transactions : 0.0, batch,
           sqlite3_libversion());
    sqlite3_close(db);
    return 0;
}
