/* memtrim.h: give memory back while the daemon waits in IDLE. */
#ifndef LIAISONBOT_MEMTRIM_H
#define LIAISONBOT_MEMTRIM_H

/* Returns free heap to the kernel and asks it to reclaim the clean,
 * file-backed pages of our mappings (shared libraries, the binary): most
 * of an idle daemon's resident set is library code touched once at start.
 * They fault back in when used. Does nothing where MADV_PAGEOUT is not
 * supported (Linux < 5.4). Cheap enough to call after every sync. */
void memtrim_idle(void);

#endif
