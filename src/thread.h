/* thread.h: keys that group messages into conversations. The thread key
 * follows References/In-Reply-To; the subject key is the fallback for
 * mailers that drop those headers. */
#ifndef LIAISONBOT_THREAD_H
#define LIAISONBOT_THREAD_H

#include "message.h"

/* The first (oldest) References entry, else In-Reply-To, else the
 * message's own Message-ID; "" if it has none of these. Never NULL;
 * caller frees. */
char *thread_key(const struct message *message);

/* subject for grouping: any run of reply/forward prefixes (Re:, RE:,
 * Fwd:, Fw:, AW:, WG:, Sv:, also "Re[2]:") and [list-tag]s removed, white
 * space collapsed, case-folded. NULL counts as "". Never NULL; caller
 * frees. */
char *thread_subject_key(const char *subject);

#endif
