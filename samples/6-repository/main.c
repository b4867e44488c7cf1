/* main.c: sample 6, one user service over two repositories.
 *
 * The same scenario runs against the in-memory backend and the SQLite
 * backend (an in-memory database, ":memory:"), each seen only as a
 * UserRepo_dyn. SQLite's calls run on the blocking pool; the results are
 * the same. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repo.h"

static const User seed[] = {
    { 1, "Ada" },
    { 2, "Grace" },
    { 3, "Barbara" },
};
#define SEED_LEN (int)(sizeof seed / sizeof seed[0])

static void must(int rc, const char *what) {
    if (rc < 0) {
        fprintf(stderr, "%s: runtime error %d\n", what, rc);
        exit(1);
    }
}

/* Schema and seed data: plain synchronous SQLite, before any task runs. */
static sqlite3 *open_db(void) {
    sqlite3 *db = NULL;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
        fprintf(stderr, "sqlite3_open: %s\n", db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    const char *schema = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)";
    sqlite3_stmt *st = NULL;
    if (sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO users (id, name) VALUES (?1, ?2)", -1, &st, NULL) !=
            SQLITE_OK) {
        fprintf(stderr, "schema: %s\n", sqlite3_errmsg(db));
        sqlite3_close(db);
        return NULL;
    }
    for (int i = 0; i < SEED_LEN; i++) {
        sqlite3_bind_int(st, 1, seed[i].id);
        sqlite3_bind_text(st, 2, seed[i].name, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
            fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db));
            sqlite3_finalize(st);
            sqlite3_close(db);
            return NULL;
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return db;
}

int main(void) {
    ait_rt *rt = ait_rt_new(NULL);
    sqlite3 *db = open_db();
    if (rt == NULL || db == NULL) {
        fprintf(stderr, "setup failed\n");
        ait_rt_free(rt);
        sqlite3_close(db);
        return 1;
    }

    MemRepo mem;
    memset(&mem, 0, sizeof mem);
    for (int i = 0; i < SEED_LEN; i++)
        mem.users[mem.len++] = seed[i];
    SqliteRepo sql = { .db = db, .jobs = 0 };

    /* Two backends, one type: Vec<Box<dyn UserRepo>>. */
    static const char *const names[2] = { "memory", "sqlite" };
    UserRepo_dyn backends[2] = {
        MemRepo_as_UserRepo(&mem),
        SqliteRepo_as_UserRepo(&sql),
    };
    static Transcript seen[2];
    int failed[2] = { 0, 0 };
    for (int b = 0; b < 2; b++) {
        UserService svc = { .repo = backends[b] };
        must(scenario_block_on(rt, &failed[b], &svc, &seen[b]), "scenario");
        printf("%s backend: %d of 8 renames refused\n%s", names[b], failed[b], seen[b].text);
    }
    printf("same results: %s\n",
           failed[0] == failed[1] && strcmp(seen[0].text, seen[1].text) == 0 ? "yes" : "NO");
    printf("sqlite queries run on the blocking pool: %u\n", sql.jobs);

    /* One dyn call from C, straight to the SQLite backend. */
    User u;
    int rc = 0;
    must(UserRepo_find_dyn_block_on(rt, &rc, backends[1], 2, &u), "find");
    printf("find 2 from C: %d \"%s\"\n", rc, rc == 0 ? u.name : "");

    ait_rt_free(rt);
    ait_blocking_shutdown();        /* join the pool's threads */
    sqlite3_close(db);
    return 0;
}
