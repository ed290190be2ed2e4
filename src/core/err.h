/*
 * err.h - the project's error codes.
 *
 * Functions that can fail return int: 0 on success, a negative enum err on
 * failure (libuv style). Detail text lives in the context the caller holds
 * (the db handle, the request), never in a static.
 */
#pragma once

enum err {
    ERR_OK = 0,
    ERR_NOMEM = -1,    /* out of memory (normally we abort instead) */
    ERR_IO = -2,       /* file or socket trouble */
    ERR_INVAL = -3,    /* bad argument or bad data */
    ERR_NOTFOUND = -4, /* no such row / file / key */
    ERR_CONFLICT = -5, /* unique constraint, duplicate */
    ERR_DB = -6,       /* any other database failure */
    ERR_DENIED = -7,   /* not allowed */
    ERR_LOCKED = -8,   /* account locked */
    ERR_RANGE = -9,    /* value out of range */
};

