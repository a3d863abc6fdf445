/* lock.h: one daemon per store. An advisory lock on "<store>.lock", held
 * for the life of the process and released by the kernel if it dies. */
#ifndef LIAISONBOT_LOCK_H
#define LIAISONBOT_LOCK_H

#include <stdbool.h>

#include <glib.h>

struct lock;

/* Fails with LB_ERROR_TEMPORARY naming the holder's PID when another
 * process holds it. */
struct lock *lock_acquire(const char *store_path, GError **error);
void lock_release(struct lock *lock);

#endif
