/* confidential.h: the fail-closed guard. Content from confidential venues
 * (the iesg-only list, executive sessions, NomCom confirmations, personnel
 * matters) must never reach a draft: the rules file names them with rules
 * of category "confidential", and its redact-section directives name the
 * parts of otherwise ordinary mail (telechat agenda packages) that are
 * withheld. */
#ifndef LIAISONBOT_CONFIDENTIAL_H
#define LIAISONBOT_CONFIDENTIAL_H

#include <stdbool.h>

#include <glib.h>

#include "message.h"
#include "rules.h"

/* The line that replaces a withheld section. */
#define CONFIDENTIAL_MARKER "[section withheld: confidential]"

/* True when any confidential rule fires on the message's parsed fields, or
 * when a confidential rule on list-id, to, from or header:NAME matches
 * anywhere in the raw header block (message->raw up to the first empty
 * line): mail whose headers could not be parsed is still caught. */
bool confidential_check(const struct ruleset *ruleset,
    const struct message *message);

/* Only the raw header block part of confidential_check. Appends each rule
 * that matched there to fired (const struct rule *), if fired is not NULL;
 * otherwise stops at the first. */
bool confidential_raw_headers(const struct ruleset *ruleset,
    const struct message *message, GPtrArray *fired);

/* A quick test before confidential_redact: could a withheld section start
 * in the message's text or own text? Prepares (and so shares) fields'
 * body and own text. */
bool confidential_may_redact(const struct ruleset *ruleset,
    struct rules_fields *fields);

/* Removes from message->text and message->own_text every section that the
 * ruleset's redact-section directives describe: from a line matching START
 * up to, not including, the next line matching END (or to the end),
 * replaced by the line CONFIDENTIAL_MARKER. Sets MESSAGE_FLAG_REDACTED when
 * anything was removed. Idempotent. */
void confidential_redact(const struct ruleset *ruleset,
    struct message *message);

#endif
