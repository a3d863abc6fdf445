/* lock.c: flock(2) on a file beside the store. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "error.h"
#include "lock.h"

struct lock {
	int fd;
	char *path;
};

struct lock *
lock_acquire(const char *store_path, GError **error)
{
	struct lock *lock;
	g_autofree char *path = g_strdup_printf("%s.lock", store_path);
	g_autofree char *dir = g_path_get_dirname(store_path);
	char pid[32] = "";
	int fd;

	g_mkdir_with_parents(dir, 0700);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		g_set_error(error, LB_ERROR, LB_ERROR_TEMPORARY, "%s: %s",
		    path, g_strerror(errno));
		return NULL;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		ssize_t n = read(fd, pid, sizeof(pid) - 1);

		pid[n > 0 ? n : 0] = '\0';
		g_strstrip(pid);
		if (*pid)
			g_set_error(error, LB_ERROR, LB_ERROR_TEMPORARY,
			    "another liaisonbot (pid %s) is running on the "
			    "store %s", pid, store_path);
		else
			g_set_error(error, LB_ERROR, LB_ERROR_TEMPORARY,
			    "another liaisonbot is running on the store %s",
			    store_path);
		close(fd);
		return NULL;
	}
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	/* The PID only serves the message above: failing to write it is
	 * harmless. */
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, strlen(pid), 0) < 0)
		pid[0] = '\0';
	lock = g_new0(struct lock, 1);
	lock->fd = fd;
	lock->path = g_steal_pointer(&path);
	return lock;
}

void
lock_release(struct lock *lock)
{
	if (lock == NULL)
		return;
	close(lock->fd);
	g_free(lock->path);
	g_free(lock);
}
