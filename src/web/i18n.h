/*
 * i18n.h - translations. Message ids in the source are English; the
 * Chinese catalog (po/zh_CN.po, compiled by msgfmt and embedded in the
 * binary) supplies zh-CN, the default language.
 */
#pragma once

/* Loads the embedded catalog; 0, or -1 when it is missing or damaged. */
int i18n_init(void);
/* The text of msgid in lang ("zh" or "en"); msgid itself when there is
 * no translation. */
const char *tr(const char *lang, const char *msgid);

struct req;
/* tr() in the request's language: the HTTP layer's translate hook, so
 * that a page's error reads in Chinese. */
const char *web_translate(struct req *req, const char *msgid);
