/*
 * xlsx.c - see xlsx.h. minizip writes to a file, read back and removed.
 */
#include "xlsx.h"

#include "../../src/core/util.h"

#include <minizip/zip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int
add(zipFile z, const char *name, const char *data, size_t len)
{
    if (zipOpenNewFileInZip(z, name, NULL, NULL, 0, NULL, 0, NULL,
                            Z_DEFLATED, Z_BEST_SPEED) != ZIP_OK)
        return -1;
    int rc = zipWriteInFileInZip(z, data, (unsigned)len) == ZIP_OK ? 0 : -1;
    return zipCloseFileInZip(z) == ZIP_OK ? rc : -1;
}

int
fake_xlsx(const char *sheet, size_t len, const char *strings, char **buf,
          size_t *buflen)
{
    char path[] = "/tmp/dx-fake-xlsx-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    zipFile z = zipOpen(path, APPEND_STATUS_CREATE);
    int rc = z ? 0 : -1;
    if (rc == 0)
        rc = add(z, "xl/worksheets/sheet1.xml", sheet, len);
    if (rc == 0 && strings)
        rc = add(z, "xl/sharedStrings.xml", strings, strlen(strings));
    if (z && zipClose(z, NULL) != ZIP_OK)
        rc = -1;
    FILE *fp = rc == 0 ? fopen(path, "rb") : NULL;
    struct stat st;
    if (fp && fstat(fileno(fp), &st) == 0) {
        *buflen = (size_t)st.st_size;
        *buf = xmalloc(*buflen + 1);
        if (fread(*buf, 1, *buflen, fp) != *buflen) {
            free(*buf);
            rc = -1;
        }
    } else {
        rc = -1;
    }
    if (fp)
        fclose(fp);
    unlink(path);
    return rc;
}
