/* classify.h: message x ruleset -> verdict.
 *
 * Each category adds up the weights of its rules that fired (a rule counts
 * once per message). The category with the highest score among those that
 * reach their threshold wins; ties go to process, then architecture,
 * external, routine. None reaching its threshold: CATEGORY_NONE. A message
 * is breaking when a rule flagged "breaking" fired or its score reaches the
 * breaking threshold, but never when it is routine, none or confidential. */
#ifndef LIAISONBOT_CLASSIFY_H
#define LIAISONBOT_CLASSIFY_H

#include "message.h"
#include "rules.h"

/* Withholds confidential sections first (confidential_redact: this changes
 * message->text and message->own_text), then fills message->verdict,
 * replacing what was there: scores, category, score, kind (the label of
 * the highest-weighted fired rule of the winning category that has one),
 * reasons ("name(+8) other(-2) secret(confidential)" in firing order),
 * confidential (confidential_check) and breaking. Never fails; the
 * ruleset is only read, so threads may share it. */
void classify_message(const struct ruleset *ruleset, struct message *message);

/* Classifies message as classify_message does and describes how, for a
 * person: the verdict, each category's score against its threshold, and
 * every rule that fired with where it looked and what it matched.
 * Contains no message text. Caller frees. */
char *classify_explain(const struct ruleset *ruleset, struct message *message);

#endif
