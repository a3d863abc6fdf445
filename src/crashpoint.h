/* crashpoint.h: test-only fault injection, as mbsync does it.
 * With LIAISONBOT_CRASH_AT=N in the environment the process _exit()s (status
 * 99, no cleanup, like a power cut) at the N-th crash point it passes.
 * LIAISONBOT_CRASH_ONLY=name restricts counting to points of that name.
 * Without the variable a crash point costs one branch. */
#ifndef LIAISONBOT_CRASHPOINT_H
#define LIAISONBOT_CRASHPOINT_H

#define CRASHPOINT_EXIT_STATUS 99

void crashpoint(const char *name);

#endif
