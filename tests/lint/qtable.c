/*
 * qtable.c - prints the query table (name, declared parameter types) one
 * line each, as the C preprocessor expands it, for queries.test.mjs. Built
 * and run by that test; not part of the server.
 */
#include "db/queries.h"

#include <stdio.h>

#define Q_PRINT(name, types, sqlite, pg)                                      \
    printf("%s\t%s\n", #name, types);

int
main(void)
{
    DB_QUERIES(Q_PRINT)
    DB_QUERIES_PEOPLE(Q_PRINT)
    DB_QUERIES_TEACHING(Q_PRINT)
    DB_QUERIES_REPORT(Q_PRINT)
    DB_QUERIES_SURVEY(Q_PRINT)
    DB_QUERIES_LEDGER(Q_PRINT)
    return 0;
}
